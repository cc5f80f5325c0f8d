"""The SLA sweep (R-SLA-5, R-ESC-2, R-ESC-3): warnings at 80 %, alarms and urges at 100 %,
then escalation — each exactly once per clock, however many workers sweep at once.

Each phase claims a batch of clocks with one indexed range query and stamps them
(``warned_at`` / ``alarmed_at`` / ``escalated_at``) in the same transaction that writes the
timeline entries and notifications, so a crash leaves a batch either fully done or untouched
for the next sweep. On PostgreSQL the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` over the clock
*and* its order (a second worker takes other rows; an order an agent is changing right now is
left for the next minute instead of waiting on its lock). SQLite runs write transactions one at
a time (``BEGIN IMMEDIATE``), so the claim and the stamp cannot interleave there either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.org.models import User
from kefu.sla import services
from kefu.sla.choices import (
    EVENT_ALARM,
    EVENT_URGE,
    EVENT_WARNING,
    OnBreach,
    TargetKind,
)
from kefu.sla.models import Clock
from kefu.tickets.choices import OPEN_STATUSES, EscalationReason, EventKind
from kefu.tickets.models import TimelineEvent

logger = logging.getLogger(__name__)

BATCH = 500
_RUNNING = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    alarmed: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"warned {len(self.warned)}, alarmed {len(self.alarmed)}, "
            f"escalated {len(self.escalated)}"
        )


def _to_warn(now: datetime) -> Q:
    return _RUNNING & Q(
        warned_at__isnull=True, alarmed_at__isnull=True, warn_at__lte=now, due_at__gt=now
    )


def _to_alarm(now: datetime) -> Q:
    return _RUNNING & Q(alarmed_at__isnull=True, due_at__lte=now)


def _to_escalate(now: datetime) -> Q:
    # Still open: an order met or withdrawn since its alarm (say its order was locked by an
    # agent at the sweep before) is not escalated any more.
    return (
        Q(alarmed_at__isnull=False, escalated_at__isnull=True)
        & ~Q(on_breach=OnBreach.ALARM)
        & Q(met_at__isnull=True, cancelled_at__isnull=True)
    )


def _claim(condition: Q, order: str, stamp: dict[str, object], limit: int) -> list[int]:
    """Lock up to ``limit`` clocks matching ``condition`` (skipping rows another worker holds)
    and stamp them; return their ids. The caller holds the transaction.

    Only ids travel here: the look-up walks a partial index and the stamp is one UPDATE by
    primary key. The join to the order is there for PostgreSQL's ``FOR UPDATE``, which then
    locks the order row too (skipping orders an agent is changing right now), so the sweep never
    waits on a lock an action holds while that action waits on these clocks.
    """
    ids = list(
        Clock.objects.filter(condition, ticket__status__in=OPEN_STATUSES)
        .order_by(order)
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        Clock.objects.filter(pk__in=ids).update(**stamp)
    return ids


def _load(ids: list[int]) -> list[Clock]:
    """The claimed clocks with what their effects need, in one query."""
    return list(
        Clock.objects.filter(pk__in=ids)
        .select_related("ticket", "ticket__handler", "ticket__owner", "ticket__department")
        .order_by("pk")
    )


def _label(kind: str) -> str:
    return str(TargetKind(kind).label) if kind in TargetKind.values else kind


def _timeline(clocks: list[Clock], kind: str, actor: User, now: datetime) -> None:
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            ticket_id=c.ticket_id,
            kind=kind,
            actor=actor,
            at=now,
            body=_label(c.kind),
            data={"sla": c.kind, "due_at": c.due_at.isoformat(), "clock": c.pk},
        )
        for c in clocks
    )


def _warn(ids: list[int], now: datetime, system: User) -> None:
    clocks = _load(ids)
    _timeline(clocks, EventKind.SLA_WARNING, system, now)
    surveyors = list(services.staff_with_role("callback_surveyor"))  # R-SLA-5
    for clock in clocks:
        ticket = clock.ticket
        local_due = timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")
        services.notify_staff(
            [services.responsible_person(ticket), *surveyors],
            EVENT_WARNING,
            title=_("%(number)s: %(target)s due at %(due)s")
            % {"number": ticket.number, "target": _label(clock.kind), "due": local_due},
            body=ticket.title,
            ticket=ticket,
            dedupe_key=f"sla:{clock.pk}:warning",
        )


def _alarm(ids: list[int], now: datetime, system: User) -> None:
    clocks = _load(ids)
    _timeline(clocks, EventKind.SLA_ALARM, system, now)
    # one look-up per unit and person (and whether the order was escalated to that person)
    superiors: dict[tuple[int | None, int, bool], User | None] = {}
    for clock in clocks:
        ticket = clock.ticket
        person = services.responsible_person(ticket)
        key = (
            ticket.department_id if ticket.handler_id else None,
            person.pk,
            ticket.escalated_to_id == person.pk,
        )
        if key not in superiors:
            superiors[key] = services.superior_of(ticket)
        people = [person, superiors[key]]
        values = {"number": ticket.number, "target": _label(clock.kind)}
        services.notify_staff(
            people,
            EVENT_ALARM,
            title=_("%(number)s: %(target)s is overdue") % values,
            body=ticket.title,
            ticket=ticket,
            dedupe_key=f"sla:{clock.pk}:alarm",
        )
        services.notify_staff(
            people,
            EVENT_URGE,
            title=_("Urge: %(number)s — %(target)s is overdue, act now") % values,
            body=ticket.title,
            ticket=ticket,
            dedupe_key=f"sla:{clock.pk}:urge",
        )


def _escalate(ids: list[int], now: datetime, system: User) -> None:
    from kefu.tickets import actions

    for clock in _load(ids):
        step = (
            actions.hand_to_manager_hotline
            if clock.on_breach == OnBreach.MANAGER_HOTLINE
            else actions.escalate
        )
        try:
            with transaction.atomic():
                step(system, clock.ticket, reason=EscalationReason.OVERDUE, sla_kind=clock.kind)
        except Exception:
            # Stamped all the same: a failing escalation is logged once, not retried every
            # minute; the alarm has already gone out.
            logger.exception("SLA escalation of clock %s failed", clock.pk)


Phase = tuple[str, Callable[[datetime], Q], str, Callable[[datetime], dict[str, object]], Callable]

PHASES: list[Phase] = [
    ("warned", _to_warn, "warn_at", lambda now: {"warned_at": now}, _warn),
    (
        "alarmed",
        _to_alarm,
        "due_at",
        lambda now: {"alarmed_at": now, "breached_at": F("due_at")},
        _alarm,
    ),
    ("escalated", _to_escalate, "alarmed_at", lambda now: {"escalated_at": now}, _escalate),
]


def sweep(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """Run the three phases until nothing is left to claim; return the clock ids handled."""
    now = now or timezone.now()
    system = services.system_user()
    result = SweepResult()
    for name, condition, order, stamp, effect in PHASES:
        handled: list[int] = getattr(result, name)
        while True:
            with transaction.atomic():
                ids = _claim(condition(now), order, stamp(now), batch)
                if ids:
                    effect(ids, now, system)
            # Stop only on an empty claim: a short batch may just mean another worker holds
            # some rows (or their orders) right now, and they may be free a moment later.
            if not ids:
                break
            handled.extend(ids)
    return result
