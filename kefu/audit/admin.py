"""The audit trail in the admin site: read-only (R-SEC-3). No add, change or delete, for
anyone; the model and the database refuse those too. Export requests are shown read-only: their
decisions go through ``kefu.audit.exports`` so that they are checked and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.audit.masking import mask_value
from kefu.audit.models import AuditRecord, ExportRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("audit.view"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "actor_employee_no",
        "actor_name",
        "action",
        "content_type",
        "object_repr",
    ]
    list_filter = ["action"]
    search_fields = ["actor_employee_no", "actor_name", "object_id", "object_repr"]
    date_hierarchy = "at"
    show_full_result_count = False
    # Phone and ID numbers are always masked here; the audit viewer shows them in full to the
    # roles entitled to personal data (R-SEC-1).
    fields = (
        "at",
        "actor_employee_no",
        "actor_name",
        "action",
        "content_type",
        "object_id",
        "masked_repr",
        "masked_summary",
        "masked_before",
        "masked_after",
        "changed_fields",
        "ip",
        "user_agent",
        "request_id",
    )
    readonly_fields = fields

    @admin.display(description=_("object"))
    def masked_repr(self, obj: AuditRecord) -> Any:
        return mask_value(obj.object_repr)

    @admin.display(description=_("summary"))
    def masked_summary(self, obj: AuditRecord) -> Any:
        return mask_value(obj.summary)

    @admin.display(description=_("before"))
    def masked_before(self, obj: AuditRecord) -> Any:
        return mask_value(obj.before)

    @admin.display(description=_("after"))
    def masked_after(self, obj: AuditRecord) -> Any:
        return mask_value(obj.after)


@admin.register(ExportRequest)
class ExportRequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "requester", "status", "requested_at", "approver", "row_count"]
    list_filter = ["status"]
