"""API: the audit trail, read-only (R-SEC-3), and customer-data export requests (R-SEC-2).

There is no endpoint that writes an audit record directly, and none that changes or deletes one.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kefu.audit import exports
from kefu.audit.choices import ExportStatus
from kefu.audit.masking import shown
from kefu.audit.models import AuditRecord, ExportRequest
from kefu.audit.queries import MAX_PAGE_SIZE, PAGE_SIZE, AuditFilters, filtered, page
from kefu.core.api import require_perm

router = Router(tags=["audit"])


class AuditRecordOut(Schema):
    id: int
    at: datetime
    actor_employee_no: str
    actor_name: str
    action: str
    action_label: str
    model: str | None
    object_id: str
    object_repr: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_fields: list[str]
    ip: str | None
    user_agent: str
    request_id: str


class AuditPage(Schema):
    items: list[AuditRecordOut]
    next_cursor: int | None


class AuditQuery(Schema):
    actor: str = ""
    action: str = ""
    model: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    before: int | None = None
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _record_out(user: Any, row: AuditRecord) -> AuditRecordOut:
    return AuditRecordOut(
        id=row.pk,
        at=row.at,
        actor_employee_no=row.actor_employee_no,
        actor_name=row.actor_name,
        action=row.action,
        action_label=row.action_label,
        model=f"{row.content_type.app_label}.{row.content_type.model}"
        if row.content_type
        else None,
        object_id=row.object_id,
        object_repr=shown(user, row.object_repr),
        summary=shown(user, row.summary),
        before=shown(user, row.before),
        after=shown(user, row.after),
        changed_fields=row.changed_fields,
        ip=row.ip,
        user_agent=row.user_agent,
        request_id=row.request_id,
    )


def _check_audit_query(params: AuditQuery) -> None:
    """Values the trail would silently answer with nothing: 422, every field at once.
    ``action`` is free: other apps record actions of their own."""
    errors: dict[str, str] = {}
    if params.model:
        app_label, _dot, model = params.model.lower().partition(".")
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            errors["model"] = _(
                "Select a valid choice. %(value)s is not one of the available choices."
            ) % {"value": params.model}
    if params.date_from and params.date_to and params.date_to < params.date_from:
        errors["date_to"] = _("The end of the range is before its start.")
    if errors:
        raise ValidationError(errors)


@router.get("/audit/", response=AuditPage, summary="The audit trail, newest first (read-only)")
def audit_records(request: HttpRequest, params: Query[AuditQuery]) -> AuditPage:
    """Filters: actor (employee number or part of the name), action, model
    (``app_label.modelname``), object_id, date_from/date_to (center's days, inclusive).
    Pass ``next_cursor`` as ``before`` for the next page."""
    require_perm(request, "audit.view")
    _check_audit_query(params)
    filters = AuditFilters(
        actor=params.actor.strip(),
        action=params.action,
        model=params.model,
        object_id=params.object_id,
        date_from=params.date_from,
        date_to=params.date_to,
    )
    rows, next_cursor = page(filtered(filters), params.before, params.limit)
    return AuditPage(items=[_record_out(request.user, r) for r in rows], next_cursor=next_cursor)


# --- Export requests ----------------------------------------------------------------------------


class ExportIn(Schema):
    purpose: str
    tier: str = ""
    customer_type: str = ""
    region: str = ""
    registered_from: date | None = None
    registered_to: date | None = None
    file_format: str = "xlsx"


class DecisionIn(Schema):
    reason: str = ""


class ExportOut(Schema):
    id: int
    requester: str
    purpose: str
    scope: dict[str, str]
    file_format: str
    status: str
    requested_at: datetime
    approver: str | None
    decided_at: datetime | None
    reason: str
    generated_at: datetime | None
    row_count: int | None
    expires_at: datetime | None
    download_url: str | None


def _export_out(export: ExportRequest) -> ExportOut:
    ready = export.status == ExportStatus.USED and bool(export.file_name)
    return ExportOut(
        id=export.pk,
        requester=export.requester.employee_no,
        purpose=export.purpose,
        scope=export.scope(),
        file_format=export.file_format,
        status=export.status,
        requested_at=export.requested_at,
        approver=export.approver.employee_no if export.approver else None,
        decided_at=export.decided_at,
        reason=export.reason,
        generated_at=export.generated_at,
        row_count=export.row_count,
        expires_at=export.expires_at,
        download_url=f"/api/v1/exports/{export.pk}/file" if ready else None,
    )


def _export(pk: int) -> ExportRequest:
    return get_object_or_404(ExportRequest.objects.select_related("requester", "approver"), pk=pk)


@router.get("/exports", response=list[ExportOut], summary="My export requests")
def my_exports(request: HttpRequest) -> list[ExportOut]:
    require_perm(request, exports.REQUEST_PERMISSION)
    rows = ExportRequest.objects.filter(requester_id=request.user.pk).select_related(
        "requester", "approver"
    )
    return [_export_out(x) for x in rows[:100]]


@router.get(
    "/exports/pending", response=list[ExportOut], summary="Requests awaiting a manager's decision"
)
def pending_exports(request: HttpRequest) -> list[ExportOut]:
    require_perm(request, exports.APPROVE_PERMISSION)
    rows = ExportRequest.objects.filter(status=ExportStatus.REQUESTED).select_related(
        "requester", "approver"
    )
    return [_export_out(x) for x in rows.order_by("requested_at", "pk")]


@router.post("/exports", response={201: ExportOut}, summary="Request a customer-data export")
def create_export(request: HttpRequest, payload: ExportIn) -> Status:
    export = exports.request_export(request.user, **payload.dict())
    return Status(201, _export_out(export))


def _to_decide(request: HttpRequest, pk: int) -> ExportRequest:
    """The request, once the caller is known to be allowed to decide on it: who may not decide
    gets 403 whatever the body says, before the reason is looked at (422)."""
    if not request.user.has_perm(exports.APPROVE_PERMISSION):
        raise PermissionDenied(_("Only a manager decides on export requests."))
    export = _export(pk)
    if export.requester_id == request.user.pk:
        raise PermissionDenied(_("You cannot decide on your own export request."))
    return export


@router.post("/exports/{pk}/approve", response=ExportOut, summary="Approve (manager)")
def approve_export(request: HttpRequest, pk: int, payload: DecisionIn) -> ExportOut:
    return _export_out(exports.approve(request.user, _to_decide(request, pk), payload.reason))


@router.post("/exports/{pk}/reject", response=ExportOut, summary="Reject (manager)")
def reject_export(request: HttpRequest, pk: int, payload: DecisionIn) -> ExportOut:
    return _export_out(exports.reject(request.user, _to_decide(request, pk), payload.reason))


@router.post("/exports/{pk}/generate", response=ExportOut, summary="Generate the file (requester)")
def generate_export(request: HttpRequest, pk: int) -> ExportOut:
    return _export_out(exports.generate(request.user, _export(pk)))


@router.get("/exports/{pk}/file", summary="Download the file (requester, until it expires)")
def export_file(request: HttpRequest, pk: int) -> FileResponse:
    path = exports.open_export(request.user, _export(pk))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
