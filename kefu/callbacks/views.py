"""Pages of the callback module: the callback queue, the manager hotline queue, complaint
statistics and reports, suggestions, and the moves of the order page's callback panel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.callbacks import reports, services
from kefu.callbacks.choices import CallbackStatus, Outcome, Score
from kefu.callbacks.forms import (
    CallForm,
    ClassifyForm,
    LevelHelperForm,
    PeriodForm,
    ProduceForm,
    RecordForm,
    SatisfiedForm,
    SecondaryForm,
    SecondDispatchForm,
    UnreachableForm,
    keep_typed,
    prefill,
)
from kefu.callbacks.levels import center_resolves, propose_level
from kefu.callbacks.models import (
    Callback,
    ComplaintRecord,
    Report,
    SecondaryComplaint,
    SecondDispatch,
    Suggestion,
)
from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.types import AuthedRequest
from kefu.customers import masking
from kefu.lib import center_time
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department
from kefu.tickets.access import access_ticket, is_visible
from kefu.tickets.choices import Level
from kefu.tickets.models import Ticket

# --- Queues -------------------------------------------------------------------------------------


@login_required
@permission_required("callbacks.make", raise_exception=True)
def queue(request: AuthedRequest) -> HttpResponse:
    """R-CB-1, R-CB-2: every order awaiting its callback, soonest due first."""
    rounds = services.queue_rounds()
    since = timezone.now() - timedelta(days=30)
    return render(
        request,
        "callbacks/queue.html",
        {
            "rounds": rounds,
            "now": timezone.now(),
            "rates_30": reports.callback_rates(since),
            "rates_all": reports.callback_rates(),
            "settings": services.current_settings(),
            "may_reveal": masking.may_see_personal_data(request.user),
        },
    )


@login_required
@require_POST
@permission_required("callbacks.make", raise_exception=True)
def reveal(request: AuthedRequest, number: str) -> HttpResponse:
    """R-SEC-1: the number to dial for one order of the queue, shown in full only on request
    and logged (``masking.reveal``, as the call tasks do); the order's contact number first."""
    ticket = access_ticket(request.user, number)
    if ticket.customer is None:
        raise Http404
    revealed = masking.reveal(request.user, ticket.customer, request=request)
    contact = masking.shown_phone(request.user, ticket.contact_phone)
    phones = [contact] if contact else []
    phones += [p for p in revealed.phones if p not in phones]
    return render(request, "callbacks/partials/dial.html", {"phones": phones})


@login_required
@permission_required("tickets.take_escalated", raise_exception=True)
def hotline(request: AuthedRequest) -> HttpResponse:
    """R-ESC-3: the manager hotline's orders, each with the orders it came from."""
    tickets = list(services.hotline_queue(request.user)[:200])
    rows = [(t, services.history_of(t)) for t in tickets]
    return render(request, "callbacks/hotline.html", {"rows": rows})


# --- Statistics and reports (R-CB-6, complaint classification) ---------------------------------


def _may_see_stats(user: Any) -> bool:
    return user.has_perm("reports.view") or user.has_perm("reports.satisfaction")


def _period(request: AuthedRequest) -> tuple[PeriodForm, Any, Any]:
    today = center_time.today()
    default = {"start": today.replace(day=1), "end": today + timedelta(days=1)}
    form = PeriodForm(request.GET or None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


@login_required
def statistics(request: AuthedRequest) -> HttpResponse:
    if not _may_see_stats(request.user):
        raise PermissionDenied
    return _statistics_page(request, None)


def _statistics_page(
    request: AuthedRequest, produce_form: ProduceForm | None, status: int = 200
) -> HttpResponse:
    form, start, end = _period(request)
    warnings = services.warning_counts(center_time.day_start(start), center_time.day_start(end))
    all_warnings = services.warning_counts()
    departments = Department.objects.filter(is_active=True, kind=DepartmentKind.DEPARTMENT)
    assessment = [
        {"department": d, "period": warnings.get(d.pk, 0), "total": all_warnings.get(d.pk, 0)}
        for d in departments
    ]
    if produce_form is None:
        week = reports.last_week()
        produce_form = ProduceForm(initial={"start": week[0], "end": week[1]})
    return render(
        request,
        "callbacks/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "table": reports.classification(start, end),
            "figures": reports.satisfaction(start, end),
            "assessment": assessment,
            "reports": Report.objects.order_by("-produced_at")[:50],
            "may_produce": request.user.has_perm("reports.produce"),
            "produce_form": produce_form,
        },
        status=status,
    )


@login_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    if not _may_see_stats(request.user):
        raise PermissionDenied
    row = get_object_or_404(Report, pk=pk)
    return render(request, "callbacks/report.html", {"report": row})


@login_required
def report_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    if not _may_see_stats(request.user):
        raise PermissionDenied
    row = get_object_or_404(Report, pk=pk)
    response = HttpResponse(
        reports.workbook(row),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{row.kind}-{row.period_start:%Y%m%d}-v{row.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@permission_required("reports.produce", raise_exception=True)
def produce(request: AuthedRequest) -> HttpResponse:
    """A statistician produces a report for an ended period now (the worker does so on
    schedule); a wrong period comes back with the field's error."""
    form = ProduceForm(request.POST)
    if not form.is_valid():
        return _statistics_page(request, form, status=400)
    try:
        row, created = reports.produce(
            form.cleaned_data["kind"],
            form.cleaned_data["start"],
            form.cleaned_data["end"],
            actor=request.user,
            new_version=form.cleaned_data["new_version"],
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _statistics_page(request, form, status=400)
    if not created:
        messages.info(request, _("This report was already produced; it is shown unchanged."))
    return redirect("callbacks:report", pk=row.pk)


# --- Suggestions (R-SUG-1) ------------------------------------------------------------------------


@login_required
def suggestions(request: AuthedRequest) -> HttpResponse:
    """R-SUG-1: the editor's worklist (unclassified first by default) and the agent's own.
    Each row carries the suggestion's text; its order is linked only for those who may open
    it (the knowledge editor may not)."""
    may_classify = request.user.has_perm("suggestions.classify")
    default = "unclassified" if may_classify else "all"
    show = request.GET.get("show", default)
    if show not in services.SUGGESTION_FILTERS:
        show = default
    rows = [
        (s, is_visible(request.user, s.ticket))
        for s in services.suggestions_for(request.user, show)[:200]
    ]
    return render(
        request,
        "callbacks/suggestions.html",
        {
            "rows": rows,
            "show": show,
            "filters": [
                ("unclassified", _("Not yet classified")),
                ("classified", _("Classified")),
                ("all", _("All")),
            ],
            "may_classify": may_classify,
            "form": ClassifyForm(auto_id="classify_%s"),
        },
    )


@login_required
@require_POST
@permission_required("suggestions.classify", raise_exception=True)
def classify(request: AuthedRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion, pk=pk)
    form = ClassifyForm(request.POST)
    if form.is_valid():
        done = services.classify_suggestion(
            request.user, suggestion, form.cleaned_data["subject"], form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("Suggestion %(number)s classified: %(subject)s.")
            % {"number": done.ticket.number, "subject": done.subject},
        )
    else:
        messages.error(request, _("Choose the subject."))
    return redirect(f"{reverse('callbacks:suggestions')}?show={request.POST.get('show', '')}")


# --- The level helper (R-CLS-4) -------------------------------------------------------------------


@login_required
@permission_required("tickets.register", raise_exception=True)
def level_helper(request: AuthedRequest) -> HttpResponse:
    """HTMX partial: the level the caller's answers point to."""
    form = LevelHelperForm(request.GET)
    form.is_valid()
    level = propose_level(
        emotion_strong=form.cleaned_data.get("emotion_strong", False),
        dispute=form.cleaned_data.get("dispute", False),
        on_site=form.cleaned_data.get("on_site", False),
    )
    return render(
        request,
        "callbacks/partials/level_result.html",
        {"level": level, "label": Level(level).label, "center": center_resolves(level)},
    )


# --- Moves of the order page's callback panel -----------------------------------------------------

Step = Callable[[Any, Ticket, Any], object]


def _version(form: Any) -> int | None:
    return form.cleaned_data.get("version")


def _call(u: Any, t: Ticket, f: Any) -> services.CallResult:
    d = f.cleaned_data
    return services.record_call(
        u,
        t,
        d["outcome"],
        d["note"],
        score=d.get("score"),
        comment=d.get("comment", ""),
        profile_consent=d.get("profile_consent", False),
        profile=f.profile(),
        expected_version=_version(f),
    )


STEPS: dict[str, tuple[type, Step]] = {
    "attempt": (CallForm, _call),
    "satisfied": (
        SatisfiedForm,
        lambda u, t, f: services.close_satisfied(
            u,
            t,
            score=f.cleaned_data["score"],
            comment=f.cleaned_data["comment"],
            profile_consent=f.cleaned_data["profile_consent"],
            profile=f.profile(),
            expected_version=_version(f),
        ),
    ),
    "second_dispatch": (
        SecondDispatchForm,
        lambda u, t, f: services.second_dispatch(u, t, f.problem(), expected_version=_version(f)),
    ),
    "unreachable": (
        UnreachableForm,
        lambda u, t, f: services.close_unreachable(
            u, t, f.cleaned_data["reason"], expected_version=_version(f)
        ),
    ),
    "secondary": (
        SecondaryForm,
        lambda u, t, f: services.register_secondary(u, t, f.secondary()),
    ),
    "record": (
        RecordForm,
        lambda u, t, f: services.update_complaint_record(u, _record_of(t), dict(f.cleaned_data)),
    ),
}


def _satisfied_text(callback: Callback) -> str:
    score = callback.score or 0
    return _("The customer is satisfied (%(score)d %(label)s); the order is closed.") % {
        "score": score,
        "label": Score(score).label if score in Score.values else "",
    }


def _done_text(result: object) -> str:
    """What the step did, for the message after it (not a generic "Done.")."""
    if isinstance(result, services.CallResult):
        text = _("Recorded: %(outcome)s (attempt %(n)d).") % {
            "outcome": Outcome(result.attempt.outcome).label,
            "n": result.number,
        }
        if result.closed is not None:
            return f"{text} {_satisfied_text(result.closed)}"
        if result.dissatisfied:
            return f"{text} {_('The customer is dissatisfied: complete the second dispatch.')}"
        return text
    if isinstance(result, SecondDispatch):
        warning = result.warnings.select_related("department").first()
        if warning is not None:
            return _(
                "Sent to second dispatch, with a written warning to %(dept)s; "
                "awaiting review by a senior agent."
            ) % {"dept": warning.department.name}
        return _("Sent to second dispatch; awaiting review by a senior agent.")
    if isinstance(result, SecondaryComplaint):
        if result.to_manager_hotline:
            return _(
                "Secondary complaint %(number)s registered and handed to the manager hotline."
            ) % {"number": result.ticket.number}
        return _("Secondary complaint %(number)s registered.") % {"number": result.ticket.number}
    if isinstance(result, ComplaintRecord):
        return _("Complaint record saved.")
    if isinstance(result, Callback):
        if result.status == CallbackStatus.UNREACHABLE:
            return _("Closed as unreachable: %(reason)s") % {"reason": result.unreachable_reason}
        return _satisfied_text(result)
    return _("Done.")


def _record_of(ticket: Ticket) -> ComplaintRecord:
    record = ComplaintRecord.objects.filter(ticket=ticket).first()
    if record is None:
        raise Http404
    return record


@login_required
@require_POST
def step(request: AuthedRequest, number: str, name: str) -> HttpResponse:
    if name not in STEPS:
        raise Http404
    ticket = access_ticket(request.user, number)
    form_class, run = STEPS[name]
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        keep_typed(request, number, name, {})
        return redirect("tickets:detail", number=number)
    try:
        result = run(request.user, ticket, form)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        keep_typed(
            request, number, name, error.message_dict if hasattr(error, "error_dict") else {}
        )
    except (IllegalTransition, StaleObject, PermissionDenied) as error:
        messages.error(request, str(error) or _("You are not allowed to do this on this order."))
        keep_typed(request, number, name, {})
    else:
        messages.success(request, _done_text(result))
        if isinstance(result, services.CallResult) and result.dissatisfied:
            prefill(
                request,
                number,
                "second_dispatch",
                {"score": form.cleaned_data["score"], "comment": form.cleaned_data["comment"]},
            )
        if name == "secondary":
            return redirect("tickets:detail", number=result.ticket.number)  # type: ignore[attr-defined]
    return redirect("tickets:detail", number=number)
