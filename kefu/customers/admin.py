"""Customer rules in the admin site, for administrators (R-CUS-3: the dormancy period).

Customer records themselves are not edited here: every change goes through
``kefu.customers.services`` so that it is checked, masked and audited.
"""

from django.contrib import admin

from kefu.customers.models import CustomerSettings


@admin.register(CustomerSettings)
class CustomerSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dormancy_days", "birthday_tasks_enabled"]

    def has_add_permission(self, request):
        return False  # one row, seeded by the data migration

    def has_delete_permission(self, request, obj=None):
        return False
