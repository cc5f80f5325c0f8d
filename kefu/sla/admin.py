"""SLA policies (managers and administrators) and calendars with their holiday / 调休 overrides
(administrators) in the admin site; clocks and the sweep's crossings are read-only there —
they move with the orders and the worker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.sla.models import Calendar, CalendarOverride, Clock, Crossing, Policy, Target
from kefu.sla.services import calendar_gaps


def warn_about_calendar_gaps(request: HttpRequest) -> None:
    """R-SLA-3: a year the official calendar package does not know, without overrides, counts
    Monday–Friday only; tell administrators it still needs entering."""
    for year in calendar_gaps():
        messages.warning(
            request,
            _(
                "The official holidays and adjusted working days of %(year)s are not known yet: "
                "working days in %(year)s count Monday to Friday only. Enter them as calendar "
                "overrides once the State Council publishes them."
            )
            % {"year": year},
        )


class GapWarningMixin:
    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        warn_about_calendar_gaps(request)
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


@admin.register(Calendar)
class CalendarAdmin(GapWarningMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "opens", "closes"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # targets point at their calendar


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(GapWarningMixin, admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]


class TargetForm(forms.ModelForm):
    """Short column headers: the inline's table has one column per field, and a long Chinese
    header (等待客户期间暂停计时) was squeezed to one character per line. The full meaning is
    in the help text, shown beside the header."""

    class Meta:
        model = Target
        fields = [
            "kind",
            "duration",
            "unit",
            "calendar",
            "warn_percent",
            "pause_on_pending_customer",
            "on_breach",
        ]
        labels = {
            "pause_on_pending_customer": pgettext_lazy("SLA target column", "Pause"),
            "warn_percent": pgettext_lazy("SLA target column", "Warn at %"),
        }
        help_texts = {
            "pause_on_pending_customer": gettext_lazy(
                "Pause the clock while the order waits on the customer (R-ESC-4)."
            ),
            "warn_percent": gettext_lazy(
                "Raise the warning at this share of the allowed time (R-SLA-5)."
            ),
        }
        widgets = {
            "duration": forms.NumberInput(attrs={"style": "width: 6em"}),
            "warn_percent": forms.NumberInput(attrs={"style": "width: 5em"}),
        }


class TargetInline(admin.TabularInline):
    model = Target
    form = TargetForm
    extra = 0
    fields = tuple(TargetForm.Meta.fields)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "sort_order",
        "call_type",
        "level",
        "customer_tier",
        "urgent",
        "is_active",
        "updated_at",
    ]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["is_active", "call_type"]
    inlines = [TargetInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retire a policy with "active"; running clocks keep their copy anyway


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "kind", "started_at", "due_at", "met_at", "breached_at"]
    list_filter = ["kind"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket"]


@admin.register(Crossing)
class CrossingAdmin(ReadOnlyAdmin):
    """What the sweep found and the worker has not delivered: crossings pending for more than a
    minute or two mean no worker runs; one with an error (and a delivery time) names why its
    effects failed (also in the worker's log). Delivered crossings leave the table."""

    list_display = ["clock", "phase", "at", "delivered_at", "has_error"]
    list_filter = ["phase", ("delivered_at", admin.EmptyFieldListFilter)]
    list_select_related = ["clock"]
    raw_id_fields = ["clock"]
    date_hierarchy = "at"

    @admin.display(description=_("error"), boolean=True)
    def has_error(self, obj: Crossing) -> bool:
        return bool(obj.error)
