"""Callback rules in the admin site (R-CB-1, R-CB-2, R-CB-6 numbers). Callback records,
warnings and reports are not edited here: they change only through ``services`` and reports
are frozen (R-REP-3)."""

from django.contrib import admin

from kefu.callbacks.models import CallbackSettings


@admin.register(CallbackSettings)
class CallbackSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "due_hours",
        "max_failed_attempts",
        "target_callback_rate",
        "monthly_report_day",
    ]

    def has_add_permission(self, request):
        return False  # one row, seeded by the data migration

    def has_delete_permission(self, request, obj=None):
        return False
