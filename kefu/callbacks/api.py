"""The callback API under ``/api/v1/callbacks/`` (SPEC §6): the post-call rating from the
telephony side (R-CB-5), the callback queue, attempts and results, and the produced reports.

Schema → access → service → response; errors become 4xx in ``config.api``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kefu.callbacks import reports, services
from kefu.callbacks.choices import ReportKind
from kefu.callbacks.models import Report
from kefu.core.api import require_perm
from kefu.lib import center_time
from kefu.tickets.access import access_ticket

router = Router(tags=["callbacks"])


class RatingIn(Schema):
    score: int = Field(..., description="1 very dissatisfied … 5 very satisfied")
    ticket_number: str = Field("", description="The order the call was about, if any")
    call_id: str = Field("", max_length=64, description="The telephony system's call id")
    rated_at: datetime | None = None


class RatingOut(Schema):
    id: int
    score: int
    ticket_number: str | None
    call_id: str
    rated_at: datetime
    created: bool


@router.post(
    "/ratings",
    response={201: RatingOut, 200: RatingOut},
    summary="Store a post-call rating with the contact (R-CB-5)",
)
def post_rating(request: HttpRequest, payload: RatingIn) -> Status[Any]:
    """Telephony (an API token of a staff account with ``callbacks.record_rating``) sends the
    caller's key press. The same ``call_id`` twice answers 200 with the stored rating."""
    rating, created = services.record_post_call_rating(
        request.user,  # type: ignore[arg-type]
        score=payload.score,
        ticket_number=payload.ticket_number,
        call_id=payload.call_id,
        rated_at=center_time.aware(payload.rated_at),
    )
    body = RatingOut(
        id=rating.pk,
        score=rating.score,
        ticket_number=rating.ticket.number if rating.ticket else None,
        call_id=rating.call_id,
        rated_at=rating.rated_at,
        created=created,
    )
    return Status(201 if created else 200, body)


class QueueRow(Schema):
    number: str
    type: str
    title: str
    round: int
    completed_at: datetime
    due_at: datetime
    due_from_sla: bool
    attempts: int
    failed_attempts: int


@router.get("/queue", response=list[QueueRow], summary="Orders awaiting their callback (R-CB-1)")
def queue(request: HttpRequest) -> list[QueueRow]:
    require_perm(request, "callbacks.make")
    rows = services.queue_rounds(limit=500)
    return [
        QueueRow(
            number=c.ticket.number,
            type=c.ticket.type_label,
            title=c.ticket.title,
            round=c.round,
            completed_at=c.completed_at,
            due_at=c.due_at,
            due_from_sla=c.due_from_sla,
            attempts=c.tries,  # type: ignore[attr-defined]
            failed_attempts=c.failed,  # type: ignore[attr-defined]
        )
        for c in rows
    ]


class AttemptIn(Schema):
    outcome: str = Field(..., description="reached | no_answer | busy | wrong_number | refused")
    note: str = ""
    version: int | None = None


class AttemptOut(Schema):
    id: int
    outcome: str
    at: datetime
    may_close_unreachable: bool


@router.post(
    "/orders/{number}/attempts",
    response={201: AttemptOut},
    summary="Record a callback attempt (R-CB-2)",
)
def post_attempt(request: HttpRequest, number: str, payload: AttemptIn) -> Status[Any]:
    ticket = access_ticket(request.user, number)
    attempt = services.record_attempt(
        request.user,  # type: ignore[arg-type]
        ticket,
        payload.outcome,
        payload.note,
        expected_version=payload.version,
    )
    return Status(
        201,
        AttemptOut(
            id=attempt.pk,
            outcome=attempt.outcome,
            at=attempt.at,
            may_close_unreachable=services.may_close_unreachable(attempt.callback),
        ),
    )


class SatisfactionIn(Schema):
    score: int
    comment: str = ""
    profile_consent: bool = False
    profile: dict[str, str] = {}
    version: int | None = None


class CallbackOut(Schema):
    number: str
    round: int
    status: str
    score: int | None


@router.post(
    "/orders/{number}/satisfied",
    response=CallbackOut,
    summary="Record satisfaction and close the order (R-CB-3)",
)
def post_satisfied(request: HttpRequest, number: str, payload: SatisfactionIn) -> CallbackOut:
    ticket = access_ticket(request.user, number)
    callback = services.close_satisfied(
        request.user,  # type: ignore[arg-type]
        ticket,
        score=payload.score,
        comment=payload.comment,
        profile_consent=payload.profile_consent,
        profile=payload.profile,
        expected_version=payload.version,
    )
    return CallbackOut(
        number=number, round=callback.round, status=callback.status, score=callback.score
    )


class UnreachableIn(Schema):
    reason: str
    version: int | None = None


@router.post(
    "/orders/{number}/unreachable",
    response=CallbackOut,
    summary="Close as unreachable after the failed attempts (R-CB-2)",
)
def post_unreachable(request: HttpRequest, number: str, payload: UnreachableIn) -> CallbackOut:
    ticket = access_ticket(request.user, number)
    callback = services.close_unreachable(
        request.user,  # type: ignore[arg-type]
        ticket,
        payload.reason,
        expected_version=payload.version,
    )
    return CallbackOut(
        number=number, round=callback.round, status=callback.status, score=callback.score
    )


class ReportOut(Schema):
    id: int
    kind: str
    period_start: date
    period_end: date
    version: int
    produced_at: datetime
    data: dict[str, Any]


def _invalid(value: str) -> str:
    return _("Select a valid choice. %(value)s is not one of the available choices.") % {
        "value": value
    }


def _may_see_reports(request: HttpRequest) -> None:
    if not (request.user.has_perm("reports.view") or request.user.has_perm("reports.satisfaction")):
        require_perm(request, "reports.view")


@router.get("/reports", response=list[ReportOut], summary="Produced reports (R-CB-6)")
def list_reports(request: HttpRequest, kind: str = "") -> list[Report]:
    """An unknown ``kind`` is refused (422), not answered with an empty list."""
    _may_see_reports(request)
    if kind and kind not in ReportKind.values:
        raise ValidationError({"kind": _invalid(kind)})
    qs = Report.objects.order_by("-produced_at")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:100])


@router.get("/reports/{pk}", response=ReportOut, summary="One produced report")
def get_report(request: HttpRequest, pk: int) -> Report:
    _may_see_reports(request)
    return get_object_or_404(Report, pk=pk)


class RatesOut(Schema):
    due: int
    done: int
    on_time: int
    callback_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None


@router.get("/rates", response=RatesOut, summary="Callback rate and on-time rate (R-CB-1)")
def rates(request: HttpRequest, start: date | None = None, end: date | None = None) -> Any:
    """Center-time dates, ``end`` exclusive; an end before the start is refused (422)."""
    _may_see_reports(request)
    if start and end and end < start:
        raise ValidationError({"end": _("The end of the range is before its start.")})
    figures = reports.callback_rates(
        center_time.day_start(start) if start else None, center_time.day_start(end) if end else None
    )
    return figures.as_dict()
