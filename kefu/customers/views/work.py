"""Outbound work about customers (R-CUS-3): dormant customers and wake-up campaigns, today's
birthdays, the caller's task list with outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest
from kefu.customers import campaigns, masking
from kefu.customers.choices import TaskKind
from kefu.customers.forms import CampaignForm, OutcomeForm
from kefu.customers.models import Customer, CustomerSettings, CustomerTask

DORMANT_PAGE = 200


@login_required
@permission_required("customers.view", raise_exception=True)
def dormant(request: AuthedRequest) -> HttpResponse:
    rows = list(campaigns.dormant_customers().prefetch_related("contacts")[:DORMANT_PAGE])
    staff = list(campaigns.assignable_staff())
    form = None
    if request.user.has_perm("customers.campaign"):
        form = CampaignForm(
            request.POST or None,
            customer_ids=[c.pk for c in rows],
            staff=staff,
            initial={
                "name": _("Wake-up calls %(day)s") % {"day": timezone.localdate().isoformat()}
            },
        )
        if request.method == "POST" and form.is_valid():
            chosen = Customer.objects.filter(pk__in=form.cleaned_data["customers"])
            people = [u for u in staff if str(u.pk) in form.cleaned_data["assignees"]]
            try:
                campaign = campaigns.start_campaign(
                    request.user, form.cleaned_data["name"], chosen, people
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Campaign “%(name)s”: %(n)d calls assigned.")
                    % {"name": campaign.name, "n": campaign.tasks.count()},
                )
                return redirect("customers:dormant")
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "rows": rows,
        "form": form,
        "dormancy_days": CustomerSettings.current().dormancy_days,
        "limit": DORMANT_PAGE,
    }
    return render(request, "customers/dormant.html", context)


@login_required
@permission_required("customers.view", raise_exception=True)
def birthdays(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(campaigns.birthdays_on(today).prefetch_related("contacts")[:500])
    tasks = {
        t.customer_id: t
        for t in CustomerTask.objects.filter(
            kind=TaskKind.BIRTHDAY, year=today.year, customer__in=rows
        ).select_related("assignee", "done_by")
    }
    return render(
        request,
        "customers/birthdays.html",
        {"rows": [(c, tasks.get(c.pk)) for c in rows], "today": today},
    )


@login_required
@permission_required("customers.work_tasks", raise_exception=True)
def tasks(request: AuthedRequest) -> HttpResponse:
    rows = list(campaigns.open_tasks_for(request.user).prefetch_related("customer__contacts"))
    for task in rows:
        allowed = campaigns.OUTCOMES_BY_KIND[TaskKind(task.kind)]
        task.allowed_outcomes = [str(o) for o in allowed]  # type: ignore[attr-defined]
    return render(request, "customers/tasks.html", {"rows": rows, "form": OutcomeForm()})


@login_required
@require_POST
def task_outcome(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CustomerTask, pk=pk)
    if not campaigns.may_work(request.user, task):
        raise PermissionDenied
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            campaigns.record_outcome(
                request.user, task, form.cleaned_data["outcome"], form.cleaned_data["note"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Call recorded."))
    else:
        messages.error(request, _("Choose how the call went."))
    return redirect("customers:tasks")


@login_required
@require_POST
def task_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """The number to dial for one of the user's calls: revealed and logged (R-SEC-1)."""
    task = get_object_or_404(CustomerTask.objects.select_related("customer"), pk=pk)
    if not campaigns.may_work(request.user, task):
        raise PermissionDenied
    revealed = masking.reveal(request.user, task.customer, request=request)
    return render(
        request,
        "customers/partials/revealed.html",
        {"customer": task.customer, "revealed": revealed},
    )
