"""Pages: the audit viewer (R-SEC-3) and export requests, approvals and downloads (R-SEC-2)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.audit import exports
from kefu.audit.choices import ExportStatus
from kefu.audit.forms import AuditFilterForm, DecisionForm, ExportRequestForm
from kefu.audit.masking import shown
from kefu.audit.models import ExportRequest
from kefu.audit.queries import PAGE_SIZE, field_label, filtered, page
from kefu.core.errors import IllegalTransition
from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest


def _require(request: AuthedRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


SECTIONS = [  # the pages of "Data security", each shown to the roles holding its permission
    ("audit:list", gettext_lazy("Audit trail"), "audit.view"),
    ("audit:export_queue", gettext_lazy("Export approvals"), exports.APPROVE_PERMISSION),
    ("audit:exports", gettext_lazy("My exports"), exports.REQUEST_PERMISSION),
]


def sections(user: Any) -> list[tuple[str, Any]]:
    return [(name, label) for name, label, perm in SECTIONS if user.has_perm(perm)]


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    """The menu entry: the first page of the section the user's roles allow."""
    available = sections(request.user)
    if not available:
        raise PermissionDenied
    pages = {"audit:list": audit_list, "audit:export_queue": export_queue}
    return pages.get(available[0][0], export_list)(request)


def _cursor(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    _require(request, "audit.view")
    form = AuditFilterForm(request.GET or None)
    rows, next_cursor = page(
        filtered(form.filters()), _cursor(request.GET.get("before", "")), PAGE_SIZE
    )
    for row in rows:
        before = shown(request.user, row.before) or {}
        after = shown(request.user, row.after) or {}
        row.changes = [  # type: ignore[attr-defined]
            (field_label(row.content_type, name), before.get(name), after.get(name))
            for name in row.changed_fields
        ]
        row.changed_labels = [label for label, _old, _new in row.changes]  # type: ignore[attr-defined]
        row.shown_summary = shown(request.user, row.summary)  # type: ignore[attr-defined]
        row.shown_repr = shown(request.user, row.object_repr)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("before", None)
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "query_without_cursor": params.urlencode(),
        "security_sections": sections(request.user),
        "current_section": "audit:list",
    }
    template = "audit/partials/records.html" if request.htmx else "audit/list.html"
    return render(request, template, context)


@login_required
def export_list(request: AuthedRequest) -> HttpResponse:
    """My export requests, with the request form."""
    _require(request, exports.REQUEST_PERMISSION)
    form = ExportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exports.request_export(request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your request was sent to the managers for approval."))
            return redirect("audit:exports")
    mine = ExportRequest.objects.filter(requester=request.user).select_related("approver")
    context = {
        "form": form,
        "requests": mine[:100],
        "security_sections": sections(request.user),
        "current_section": "audit:exports",
    }
    return render(request, "audit/exports.html", context)


@login_required
def export_queue(request: AuthedRequest) -> HttpResponse:
    """The managers' approval queue: pending requests first, then the latest decisions."""
    _require(request, exports.APPROVE_PERMISSION)
    base = ExportRequest.objects.select_related("requester", "approver")
    context = {
        "pending": base.filter(status=ExportStatus.REQUESTED).order_by("requested_at", "pk"),
        "decided": base.exclude(status=ExportStatus.REQUESTED)[:50],
        "form": DecisionForm(),
        "security_sections": sections(request.user),
        "current_section": "audit:export_queue",
    }
    return render(request, "audit/queue.html", context)


@login_required
@require_POST
def export_decide(request: AuthedRequest, pk: int, decision: str) -> HttpResponse:
    export = get_object_or_404(ExportRequest, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if decision == "approve":
            exports.approve(request.user, export, reason)
            messages.success(request, _("Request approved."))
        else:
            exports.reject(request.user, export, reason)
            messages.success(request, _("Request rejected."))
    except (ValidationError, IllegalTransition) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    return redirect("audit:export_queue")


@login_required
@require_POST
def export_generate(request: AuthedRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(ExportRequest, pk=pk)
    try:
        export = exports.generate(request.user, export)
    except IllegalTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(rows)d customers exported.") % {"rows": export.row_count or 0}
        )
    return redirect("audit:exports")


@login_required
def export_download(request: AuthedRequest, pk: int) -> FileResponse:
    export = get_object_or_404(ExportRequest, pk=pk)
    path = exports.open_export(request.user, export)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
