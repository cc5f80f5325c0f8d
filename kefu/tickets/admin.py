"""The taxonomy (R-CLS-1..3) and routing rules (R-WO-2) in the admin site, for administrators.

Work orders themselves are not edited here: every change to an order goes through
``kefu.tickets.actions`` so that it is checked and lands on the timeline.
"""

from django.contrib import admin

from kefu.tickets.models import (
    BusinessLine,
    CallType,
    Nature,
    RequestKind,
    RoutingRule,
    SuggestionSubject,
)


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(CallType)
class CallTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code", "name", "name_en", "description", "is_complaint", "sort_order", "is_active"
    ]  # fmt: skip
    list_editable = ["sort_order", "is_active"]
    inlines = [RoutingRuleInline]

    def has_delete_permission(self, request, obj=None):
        return False  # orders point at their type; retire a type with "active" instead


@admin.register(RequestKind, BusinessLine, Nature, SuggestionSubject)
class TaxonomyItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "sort_order", "is_active"]
    list_editable = ["name", "name_en", "sort_order", "is_active"]
    search_fields = ["code", "name", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["call_type", "level", "action", "department", "department_code"]
    list_filter = ["action"]
    autocomplete_fields = ["department"]
