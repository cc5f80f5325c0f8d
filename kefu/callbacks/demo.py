"""Demo data of the callback module, built through its services on the demo orders: callbacks
made (satisfied, unreachable, one dissatisfied → second dispatch with a department warning),
a secondary complaint, classified suggestions and last week's reports. Safe to run again."""

from __future__ import annotations

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


@transaction.atomic
def load_callbacks() -> int:
    """Work a few demo orders through the callback loop; returns how many steps were taken."""
    surveyor, agent, editor = _staff("1030"), _staff("1001"), _staff("1042")
    if surveyor is None or agent is None:
        return 0
    if Callback.objects.exclude(
        status__in=[CallbackStatus.OPEN, CallbackStatus.CLOSED_OTHERWISE, CallbackStatus.SUPERSEDED]
    ).exists():
        return 0  # loaded before
    steps = 0
    waiting = list(
        Ticket.objects.filter(status=Status.PENDING_CALLBACK, senior_only=False).order_by("id")[:6]
    )
    for i, ticket in enumerate(waiting):
        if i < 3:
            services.record_attempt(surveyor, ticket, Outcome.REACHED, "客户接听")
            services.close_satisfied(surveyor, ticket, score=5 - i % 2, comment="处理及时，满意")
        elif i == 3:
            for outcome in (Outcome.NO_ANSWER, Outcome.BUSY, Outcome.NO_ANSWER):
                services.record_attempt(surveyor, ticket, outcome)
            services.close_unreachable(surveyor, ticket, "三次回访均未接通")
        elif i == 4 and ticket.dispatches.exists():
            services.record_attempt(surveyor, ticket, Outcome.REACHED)
            services.second_dispatch(
                surveyor,
                ticket,
                services.ProblemBack(
                    score=2,
                    cause="维修人员未按约定时间上门",
                    remedy="向客户致歉，解释原因并承诺当天重新安排上门",
                    comment="等了一整天没人来",
                    warning="未按约定时间上门，造成客户二次不满，予以书面警告。",
                ),
            )
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
