"""The SLA report page (compliance per target, type, department, handler; breached orders)
and the order page's escalation / waiting-on-customer moves (thin: form → access → action)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.types import AuthedRequest
from kefu.sla import report
from kefu.sla.forms import PeriodForm
from kefu.sla.services import calendar_gaps
from kefu.tickets import actions
from kefu.tickets.access import access_ticket
from kefu.tickets.choices import EscalationReason
from kefu.tickets.models import Escalation, Ticket

REPORT_PERMISSIONS = ("reports.view", "sla.manage_policies")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def sla_report(request: AuthedRequest) -> HttpResponse:
    """The report page; ``?format=xlsx`` downloads the same period as a workbook (R-REP-4)."""
    if not any(request.user.has_perm(p) for p in REPORT_PERMISSIONS):
        raise PermissionDenied
    start, end = PeriodForm.default_period()
    params = request.GET.copy()
    params.pop("page", None)
    wants_xlsx = params.pop("format", None) == ["xlsx"]
    form = PeriodForm(params or {"start": start, "end": end})
    status = 200
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        status = 422
    now = timezone.now()
    if wants_xlsx and status == 200:
        response = HttpResponse(report.workbook(start, end, now), content_type=XLSX)
        name = f"sla-report-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    groups = {code: report.compliance(start, end, code, now) for code in report.GROUPS}
    pages = Paginator(report.breached_clocks(start, end, now), report.BREACHED_PAGE_SIZE)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "groups": groups,
        "total": report.overall(groups["target"]),
        "breached": pages.get_page(request.GET.get("page")),
        "query": params.urlencode(),
        "center_label": report.center_label(),
        "calendar_gaps": calendar_gaps(),
    }
    return render(request, "sla/report.html", context, status=status)


class OrderActionForm(forms.Form):
    version = forms.IntegerField()
    text = forms.CharField(required=False, max_length=2000)
    reason = forms.ChoiceField(required=False, choices=EscalationReason.choices)
    escalation = forms.IntegerField(required=False)
    planned_at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )


def _escalation(ticket: Ticket, data: dict[str, Any]) -> Escalation:
    pk = data.get("escalation")
    found = ticket.escalations.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found


ORDER_ACTIONS: dict[str, Callable[[Any, Ticket, dict[str, Any], int], object]] = {
    "escalate": lambda u, t, d, v: actions.escalate(u, t, d["text"], expected_version=v),
    "hotline": lambda u, t, d, v: actions.hand_to_manager_hotline(
        u, t, d["text"], reason=d["reason"] or EscalationReason.OVERDUE, expected_version=v
    ),
    "plan": lambda u, t, d, v: actions.plan_resolution(
        u, _escalation(t, d), d["planned_at"], d["text"], expected_version=v
    ),
    "inform": lambda u, t, d, v: actions.inform_customer(
        u, _escalation(t, d), d["text"], expected_version=v
    ),
    "wait": lambda u, t, d, v: actions.wait_on_customer(u, t, d["text"], expected_version=v),
    "responded": lambda u, t, d, v: actions.customer_responded(u, t, d["text"], expected_version=v),
}


@login_required
@require_POST
def order_action(request: AuthedRequest, number: str, action: str) -> HttpResponse:
    """Escalation and waiting-on-customer moves from the order page's SLA panel."""
    if action not in ORDER_ACTIONS:
        raise Http404
    ticket = access_ticket(request.user, number)
    form = OrderActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("tickets:detail", number=number)
    data = form.cleaned_data
    # Permissions are checked by each action on the order (R-ORG-3).
    try:
        ORDER_ACTIONS[action](request.user, ticket, data, data["version"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (IllegalTransition, StaleObject) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("tickets:detail", number=number)
