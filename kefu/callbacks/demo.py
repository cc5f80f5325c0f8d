"""Demo data of the callback module, built through its services on the demo orders awaiting
their callback (most satisfied, a few dissatisfied → second dispatch with a department warning,
a few unreachable, some left in the queue), a secondary complaint, classified suggestions and
last week's reports. Safe to run again."""

from __future__ import annotations

import random
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.callbacks import reports, services
from kefu.callbacks.choices import CallbackStatus, Outcome, ReportKind, SecondaryReason
from kefu.callbacks.models import Callback, SecondaryComplaint, Suggestion
from kefu.org.models import User
from kefu.tickets.choices import Status
from kefu.tickets.models import SuggestionSubject, Ticket


def _staff(employee_no: str) -> User | None:
    return User.objects.filter(employee_no=employee_no).first()


# How the demo's callbacks end (weights): a working center reaches most customers at once.
OUTCOMES = {"satisfied": 84, "second_dispatch": 6, "unreachable": 5, "open": 5}
SCORES = {5: 55, 4: 35, 3: 10}
COMMENTS = {
    5: ["处理及时，满意", "师傅很专业，非常满意", "问题已解决，谢谢"],
    4: ["基本满意", "处理还可以，希望再快一点"],
    3: ["一般，等的时间有点长"],
}


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _call_back(rng: random.Random, surveyor: User, senior: User, ticket: Ticket) -> str:
    """One order's callback through the services: what the round came to."""
    outcome = _pick(rng, OUTCOMES)
    if outcome == "second_dispatch" and not ticket.dispatches.exists():
        outcome = "satisfied"
    if outcome == "open":
        if rng.random() < 0.5:
            services.record_attempt(surveyor, ticket, Outcome.NO_ANSWER)
        return outcome
    if outcome == "unreachable":
        for failed in (Outcome.NO_ANSWER, Outcome.BUSY, Outcome.NO_ANSWER):
            services.record_attempt(surveyor, ticket, failed)
        services.close_unreachable(surveyor, ticket, "三次回访均未接通")
        return outcome
    if rng.random() < 0.15:
        services.record_attempt(surveyor, ticket, rng.choice([Outcome.NO_ANSWER, Outcome.BUSY]))
    if outcome == "second_dispatch":
        # R-CLS-6: a VIP order's second dispatch is drafted by a senior agent until kefu.tickets
        # lets the surveyor draft it (submit_second_dispatch).
        caller = senior if ticket.senior_only and not permitted_vip(surveyor) else surveyor
        services.record_attempt(caller, ticket, Outcome.REACHED, "客户表示问题未解决")
        services.second_dispatch(
            caller,
            ticket,
            services.ProblemBack(
                score=rng.choice([1, 2]),
                cause="维修人员未按约定时间上门",
                remedy="向客户致歉，解释原因并承诺当天重新安排上门",
                comment="等了一整天没人来",
                warning="未按约定时间上门，造成客户二次不满，予以书面警告。",
            ),
        )
        return outcome
    score = _pick(rng, SCORES)
    services.record_attempt(surveyor, ticket, Outcome.REACHED, "客户接听")
    services.close_satisfied(surveyor, ticket, score=score, comment=rng.choice(COMMENTS[score]))
    return outcome


def permitted_vip(user: User) -> bool:
    from kefu.tickets import actions

    return hasattr(actions, "submit_second_dispatch") or user.has_perm("tickets.handle_vip")


@transaction.atomic
def load_callbacks() -> int:
    """Call back every demo order awaiting it, through the services (most satisfied, a few
    dissatisfied with a second dispatch, a few unreachable, some left in the queue); then a
    secondary complaint, classified suggestions and last week's reports. Returns the steps.

    Orders the tickets demo closed with the plain close have no callback record (they count
    as owed and not done); kefu.tickets.demo should leave them awaiting the callback."""
    surveyor, senior, agent, editor = _staff("1030"), _staff("1020"), _staff("1001"), _staff("1042")
    if surveyor is None or agent is None or senior is None:
        return 0
    if Callback.objects.exclude(
        status__in=[CallbackStatus.OPEN, CallbackStatus.CLOSED_OTHERWISE, CallbackStatus.SUPERSEDED]
    ).exists():
        return 0  # loaded before
    steps = 0
    rng = random.Random(20260401)  # noqa: S311 - demo data, not secrets
    waiting = Ticket.objects.filter(status=Status.PENDING_CALLBACK).order_by("id")
    for ticket in waiting.select_related("call_type"):
        _call_back(rng, surveyor, senior, ticket)
        steps += 1
    closed = Ticket.objects.filter(status=Status.CLOSED, call_type__is_complaint=True).first()
    if closed is not None and not SecondaryComplaint.objects.filter(original=closed).exists():
        try:
            services.register_secondary(
                agent,
                closed,
                services.Secondary(
                    reason=SecondaryReason.HANDLING,
                    title="客户对首次投诉处理结果不满，再次投诉",
                    description="客户称问题仍未解决，要求主管出面处理。",
                ),
            )
            steps += 1
        except ValidationError:  # a demo order whose person has no superior on record
            pass
    subject = SuggestionSubject.objects.filter(code="service").first()
    if editor is not None and subject is not None:
        for suggestion in Suggestion.objects.filter(subject__isnull=True)[:3]:
            services.classify_suggestion(editor, suggestion, subject, "转服务质量组")
            steps += 1
    start, end = reports.last_week()
    for kind in (ReportKind.WEEKLY_SATISFACTION, ReportKind.COMPLAINT_CLASSIFICATION):
        reports.produce(kind, start, end)
    return steps
