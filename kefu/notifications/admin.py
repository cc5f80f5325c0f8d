"""E-mail and SMS delivery records in the admin site: what was sent, what failed, and what could
not be sent because no SMS gateway is configured. Read-only, with one action: send again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.notifications import services
from kefu.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "address", "subject", "status", "detail"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["address", "subject", "recipient__name", "recipient__employee_no"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.resend_delivery")

    @admin.action(description=_("Send again (failed or not configured)"), permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.resend(queryset)
        self.message_user(
            request, _("%(count)d delivery(ies) queued again.") % {"count": count}, messages.SUCCESS
        )
