"""The SLA sweep (R-SLA-5, R-ESC-2, R-ESC-3): warnings at 80 %, alarms and urges at 100 %,
then escalation — each exactly once per clock, however many workers sweep at once.

The work is split in two, through an outbox (``CrossingBatch``):

* ``stamp`` — set-based. For each step, one statement per batch claims the clocks that crossed
  its threshold (a range over a partial index on the due time), stamps them (``warned_at`` /
  ``alarmed_at`` / ``escalated_at``) and records them in crossing batches of
  ``DELIVERY_BATCH`` clocks, in one transaction: no
  Python loop over orders, so a sweep over a million open orders costs a few range queries. On
  PostgreSQL the claim is ``SELECT … FOR UPDATE SKIP LOCKED`` over the clocks, inside the same
  ``WITH … UPDATE … INSERT`` statement: a second worker takes other rows, and a clock an agent's
  action holds right now is left for the next minute. SQLite runs write transactions one at a
  time (``BEGIN IMMEDIATE``), so its ``UPDATE … RETURNING`` and insert cannot interleave either.
* ``deliver`` — per batch. A batch is claimed the same way and its effects written — the
  timeline entries, the notifications, the escalation steps — in the transaction that marks it
  delivered, so a crash leaves a batch either fully done or waiting for the next delivery, never
  done twice.

The stamp touches only clocks and crossing batches, never an order, so it cannot wait on an
agent who holds an order's lock while that agent waits on a clock the sweep holds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.notifications.services import notify_many
from kefu.org.models import User
from kefu.sla import services
from kefu.sla.choices import (
    EVENT_ALARM,
    EVENT_URGE,
    EVENT_WARNING,
    OnBreach,
    TargetKind,
)
from kefu.sla.models import Clock, CrossingBatch
from kefu.tickets.choices import OPEN_STATUSES, EscalationReason, EventKind
from kefu.tickets.models import TimelineEvent

logger = logging.getLogger(__name__)

BATCH = 20_000  # clocks claimed and stamped per statement
DELIVERY_BATCH = 200  # clocks per crossing batch, delivered in one transaction
_RUNNING = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)


@dataclass
class SweepResult:
    warned: list[int] = field(default_factory=list)
    alarmed: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    delivered: int = 0

    def __str__(self) -> str:
        return (
            f"warned {len(self.warned)}, alarmed {len(self.alarmed)}, "
            f"escalated {len(self.escalated)}, delivered {self.delivered}"
        )


def _to_warn(now: datetime) -> Q:
    return _RUNNING & Q(
        warned_at__isnull=True, alarmed_at__isnull=True, warn_at__lte=now, due_at__gt=now
    )


def _to_alarm(now: datetime) -> Q:
    return _RUNNING & Q(alarmed_at__isnull=True, due_at__lte=now)


def _to_escalate(now: datetime) -> Q:
    # Still open: an order met or withdrawn since its alarm (say its clock was locked by an
    # agent at the sweep before) is not escalated any more.
    return (
        Q(alarmed_at__isnull=False, escalated_at__isnull=True)
        & ~Q(on_breach=OnBreach.ALARM)
        & Q(met_at__isnull=True, cancelled_at__isnull=True)
    )


@dataclass(frozen=True)
class Step:
    phase: str  # CrossingBatch.Phase
    result: str  # the SweepResult list it fills
    condition: Callable[[datetime], Q]
    order: str  # the indexed column the claim walks
    stamp: str  # the SET clause, with one %s for the sweep's time


STEPS = [
    Step(CrossingBatch.Phase.WARNING, "warned", _to_warn, "warn_at", "warned_at = %s"),
    Step(
        CrossingBatch.Phase.ALARM,
        "alarmed",
        _to_alarm,
        "due_at",
        "alarmed_at = %s, breached_at = due_at",
    ),
    Step(
        CrossingBatch.Phase.ESCALATION, "escalated", _to_escalate, "alarmed_at", "escalated_at = %s"
    ),
]


def _claim_sql(step: Step, now: datetime, limit: int) -> tuple[str, tuple]:
    """The ids of up to ``limit`` clocks that crossed ``step``'s threshold.

    The clocks alone, without their orders: a closed order's clocks are met or cancelled by the
    move that closes it, and the delivery checks the order again before anyone is told. (A join
    to the orders would read every open order's row at a million of them.)
    """
    qs = Clock.objects.filter(step.condition(now)).order_by(step.order).values("pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs[:limit].query.sql_with_params()


def _claim_and_stamp(step: Step, now: datetime, limit: int) -> list[int]:
    """Claim and stamp one batch of clocks and record them in crossing batches for delivery;
    the caller holds the transaction."""
    claim, claim_params = _claim_sql(step, now, limit)
    qn = connection.ops.quote_name
    clocks, batches = qn(Clock._meta.db_table), qn(CrossingBatch._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The commit need not wait for the disk: a stamp lost in a crash is lost together
            # with its crossing batch, and the next sweep simply stamps those clocks again;
            # the delivery that acts on a batch commits durably, flushing the stamp with it.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # table names and SET clauses are this module's constants; values are parameters
            cursor.execute(
                f"WITH claimed (id) AS ({claim}), "  # noqa: S608
                # = ANY(ARRAY(…)): primary-key look-ups, where a join to the CTE would be
                # planned as a hash join over the whole clock table
                f"stamped AS (UPDATE {clocks} SET {step.stamp} "
                "WHERE id = ANY(ARRAY(SELECT id FROM claimed)) RETURNING id), "
                "numbered AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS chunk "
                "FROM stamped), "
                f"recorded AS (INSERT INTO {batches} (phase, at, clock_ids, errors) "
                "SELECT %s, %s, jsonb_agg(id ORDER BY id), '' FROM numbered GROUP BY chunk) "
                "SELECT id FROM numbered ORDER BY id",
                (*claim_params, at, DELIVERY_BATCH, step.phase, at),
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"UPDATE {clocks} SET {step.stamp} WHERE id IN ({claim}) RETURNING id",  # noqa: S608
            (at, *claim_params),
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        cursor.executemany(
            f"INSERT INTO {batches} (phase, at, clock_ids, errors) "  # noqa: S608
            "VALUES (%s, %s, %s, '')",
            [
                (step.phase, at, json.dumps(ids[i : i + DELIVERY_BATCH]))
                for i in range(0, len(ids), DELIVERY_BATCH)
            ],
        )
        return ids


def stamp(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """The set-based part of the sweep: every clock that crossed a threshold stamped, with its
    crossing recorded for delivery. Returns the clock ids, per step."""
    now = now or timezone.now()
    result = SweepResult()
    for step in STEPS:
        handled: list[int] = getattr(result, step.result)
        while True:
            with transaction.atomic():
                ids = _claim_and_stamp(step, now, batch)
            # Stop only on an empty claim: a short batch may just mean another worker holds
            # some rows right now, and they may be free a moment later.
            if not ids:
                break
            handled.extend(ids)
    return result


# --- Delivery ---------------------------------------------------------------------------------


def deliver(batches: int | None = None) -> int:
    """Deliver the pending crossing batches, oldest first, one per transaction (at most
    ``batches`` of them); return for how many clocks. Workers delivering at once take different
    batches."""
    system = services.system_user()
    clocks = taken = 0
    while batches is None or taken < batches:
        with transaction.atomic():
            batch = (
                CrossingBatch.objects.filter(delivered_at__isnull=True)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .first()
            )
            if batch is None:
                break
            errors = _deliver(batch, system)
            batch.delivered_at = timezone.now()
            batch.errors = "\n".join(errors)
            batch.save(update_fields=["delivered_at", "errors"])
        taken += 1
        clocks += len(batch.clock_ids)
    return clocks


def _deliver(batch: CrossingBatch, system: User) -> list[str]:
    """Write the batch's effects; return the errors of the clocks whose effects failed."""
    effect = EFFECTS[batch.phase]
    clocks = list(
        Clock.objects.filter(pk__in=batch.clock_ids)  # a clock deleted since is simply gone
        .select_related("ticket", "ticket__handler", "ticket__owner", "ticket__department")
        .order_by("pk")  # what one order's clocks do is the same whoever delivers them
    )
    try:
        with transaction.atomic():
            effect(clocks, batch.at, system)
        return []
    except Exception:
        logger.exception("SLA %s batch %s failed; delivering clock by clock", batch.phase, batch.pk)
    # One at a time, so that one clock whose effects fail does not hold back the others; it is
    # recorded on the batch (and logged) instead of being retried every minute.
    errors = []
    for clock in clocks:
        try:
            with transaction.atomic():
                effect([clock], batch.at, system)
        except Exception as exc:
            logger.exception("SLA %s of clock %s could not be delivered", batch.phase, clock.pk)
            errors.append(f"{clock.pk}: {type(exc).__name__}: {exc}"[:500])
    return errors


def _label(kind: str) -> str:
    return str(TargetKind(kind).label) if kind in TargetKind.values else kind


def _timeline(clocks: list[Clock], kind: str, actor: User, at: datetime) -> None:
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            ticket_id=c.ticket_id,
            kind=kind,
            actor=actor,
            at=at,
            body=_label(c.kind),
            data={"sla": c.kind, "due_at": c.due_at.isoformat(), "clock": c.pk},
        )
        for c in clocks
    )


def _still_running(clocks: list[Clock]) -> list[Clock]:
    """The clocks that still run on an open order: one met or withdrawn since it crossed needs
    nobody to act any more (its timeline entry still tells that it crossed)."""
    return [c for c in clocks if c.is_open and c.ticket.status in OPEN_STATUSES]


def _warn(clocks: list[Clock], at: datetime, system: User) -> None:
    _timeline(clocks, EventKind.SLA_WARNING, system, at)
    surveyors = list(services.staff_with_role("callback_surveyor"))  # R-SLA-5
    messages = []
    for clock in _still_running(clocks):
        ticket = clock.ticket
        local_due = timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")
        messages.append(
            services.staff_message(
                [services.responsible_person(ticket), *surveyors],
                EVENT_WARNING,
                title=_("%(number)s: %(target)s due at %(due)s")
                % {"number": ticket.number, "target": _label(clock.kind), "due": local_due},
                body=ticket.title,
                ticket=ticket,
                dedupe_key=f"sla:{clock.pk}:warning",
            )
        )
    notify_many(messages)


def _alarm(clocks: list[Clock], at: datetime, system: User) -> None:
    _timeline(clocks, EventKind.SLA_ALARM, system, at)
    # one look-up per unit and person (and whether the order was escalated to that person)
    superiors: dict[tuple[int | None, int, bool], User | None] = {}
    messages = []
    for clock in _still_running(clocks):
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
        for event, title, step in (
            (EVENT_ALARM, _("%(number)s: %(target)s is overdue") % values, "alarm"),
            (EVENT_URGE, _("Urge: %(number)s — %(target)s is overdue, act now") % values, "urge"),
        ):
            messages.append(
                services.staff_message(
                    people,
                    event,
                    title=title,
                    body=ticket.title,
                    ticket=ticket,
                    dedupe_key=f"sla:{clock.pk}:{step}",
                )
            )
    notify_many(messages)


def _escalate(clocks: list[Clock], at: datetime, system: User) -> None:
    from kefu.tickets import actions

    for clock in _still_running(clocks):
        step = (
            actions.hand_to_manager_hotline
            if clock.on_breach == OnBreach.MANAGER_HOTLINE
            else actions.escalate
        )
        try:
            with transaction.atomic():
                step(system, clock.ticket, reason=EscalationReason.OVERDUE, sla_kind=clock.kind)
        except Exception:
            # Delivered all the same: a failing escalation is logged once, not retried every
            # minute; the alarm has already gone out.
            logger.exception("SLA escalation of clock %s failed", clock.pk)


EFFECTS: dict[str, Callable[[list[Clock], datetime, User], None]] = {
    CrossingBatch.Phase.WARNING: _warn,
    CrossingBatch.Phase.ALARM: _alarm,
    CrossingBatch.Phase.ESCALATION: _escalate,
}


def sweep(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """The minute's sweep: stamp what crossed, then deliver every pending crossing batch."""
    result = stamp(now, batch)
    result.delivered = deliver()
    return result
