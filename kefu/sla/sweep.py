"""The SLA sweep (R-SLA-5, R-ESC-2, R-ESC-3): warnings at 80 %, alarms and urges at 100 %, and
the escalation the policy asks for at breach — each exactly once per clock, however many
workers sweep at once.

The work is split in two, through an outbox (``Crossing``):

* ``record`` — set-based. For each step, one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per
  batch records a crossing for every running clock past its threshold that has none yet: a
  range over a partial index on the threshold time, no Python loop over orders, and no update of
  the clocks or orders, so a sweep over a million open orders costs a few index scans and narrow
  inserts however many clocks cross. The unique (clock, step) makes each step once per clock,
  whichever of two workers recording at once gets there first.
* ``deliver`` — per crossing, in batches. Pending crossings and their orders are claimed with
  ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite runs one write transaction at a time)
  and their effects written — the timeline entry, the notifications, the escalation, then the
  clock's stamp (``warned_at`` / ``alarmed_at`` / ``escalated_at``) — in the transaction that
  deletes them: a crash leaves a batch either done or waiting for the next delivery, never
  twice.

The delivery locks its orders before it stamps clocks, as the agents' actions do, so the two
never wait on each other in a circle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.notifications.services import Message, Words, notify_many
from kefu.org.models import User
from kefu.sla import services
from kefu.sla.choices import (
    EVENT_ALARM,
    EVENT_URGE,
    EVENT_WARNING,
    OnBreach,
    TargetKind,
)
from kefu.sla.models import Clock, Crossing
from kefu.tickets.choices import OPEN_STATUSES, EscalationReason, EventKind, Status
from kefu.tickets.models import Ticket, TimelineEvent

logger = logging.getLogger(__name__)

BATCH = 100_000  # crossings recorded per statement
DELIVERY_BATCH = 200  # crossings delivered per transaction
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


@dataclass(frozen=True)
class Step:
    phase: str  # Crossing.Phase
    result: str  # the SweepResult list it fills
    condition: Callable[[datetime], Q]
    order: str  # the indexed column the look-up walks


STEPS = [
    Step(Crossing.Phase.WARNING, "warned", _to_warn, "warn_at"),
    Step(Crossing.Phase.ALARM, "alarmed", _to_alarm, "due_at"),
]


def _crossed_sql(step: Step, now: datetime, limit: int) -> tuple[str, tuple]:
    """The ids of up to ``limit`` clocks past ``step``'s threshold without a crossing for it.

    The clocks alone, without their orders: a closed order's clocks are met or cancelled by the
    move that closes it, and the delivery checks the order before anyone is told. The crossings
    looked up are only those not delivered yet: a delivered one has stamped its clock, which
    then has left the partial index this walks.
    """
    recorded = Crossing.objects.filter(clock=OuterRef("pk"), phase=step.phase)
    qs = (
        Clock.objects.filter(step.condition(now))
        .filter(~Exists(recorded))
        .order_by(step.order)
        .values("id")
    )
    # No row lock: the clocks are only read, so the record writes nothing but crossings (a lock
    # would write to every crossing clock's page, doubling the cost at a million orders). Two
    # workers recording at once are kept apart by the unique (clock, step): the second waits
    # for the first's insert, then skips those clocks.
    return qs[:limit].query.sql_with_params()


@transaction.atomic
def _record_batch(step: Step, now: datetime, limit: int) -> list[int]:
    crossed, params = _crossed_sql(step, now, limit)
    table = connection.ops.quote_name(Crossing._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The commit need not wait for the disk: crossings lost in a crash are found again
            # by the next sweep, and the delivery that acts on them commits durably.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # The one good plan: the partial index over the clocks, a probe of the unique index
            # per clock for "no crossing yet". Without statistics on the outbox (it empties and
            # fills faster than autovacuum looks), the planner may scan the whole outbox for
            # every clock instead: 29 s instead of 1.7 s for 100 000 crossings at 1M orders.
            cursor.execute("SET LOCAL enable_seqscan TO OFF")
        cursor.execute(
            # the table name is this module's constant; values are parameters. "WHERE true":
            # SQLite's grammar needs a WHERE before ON CONFLICT in an INSERT … SELECT.
            f"INSERT INTO {table} (clock_id, phase, at, error) "  # noqa: S608
            f"SELECT crossed.id, %s, %s, '' FROM ({crossed}) crossed WHERE true "
            "ON CONFLICT DO NOTHING RETURNING clock_id",
            (step.phase, at, *params),
        )
        return sorted(row[0] for row in cursor.fetchall())


def record(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """The set-based part of the sweep: a crossing recorded for every clock past a threshold.
    Returns the clock ids, per step."""
    now = now or timezone.now()
    result = SweepResult()
    for step in STEPS:
        handled: list[int] = getattr(result, step.result)
        while True:
            ids = _record_batch(step, now, batch)
            handled.extend(ids)
            # A short batch means none are left (or another worker, recording at once, has
            # the rest). Not "until an empty batch": each statement walks the index from its
            # start, past the clocks recorded but not yet delivered (still in the index).
            if len(ids) < batch:
                break
    return result


# --- Delivery ---------------------------------------------------------------------------------


def deliver(batch: int = DELIVERY_BATCH, limit: int | None = None) -> SweepResult:
    """Deliver the pending crossings, oldest first, ``batch`` per transaction (at most ``limit``
    of them). Workers delivering at once take different crossings."""
    system = services.system_user()
    result = SweepResult()
    while limit is None or result.delivered < limit:
        size = batch if limit is None else min(batch, limit - result.delivered)
        with transaction.atomic():
            crossings = list(
                Crossing.objects.filter(delivered_at__isnull=True)
                .select_related(
                    "clock",
                    "clock__ticket",
                    "clock__ticket__handler",
                    "clock__ticket__owner",
                    "clock__ticket__department",
                )
                # The orders too: this batch's orders are then its alone — another worker takes
                # other crossings, an agent changing one of them waits for this commit, and an
                # order an agent is changing right now is left for the next delivery. (Two
                # workers each holding one order the other's escalation wants would deadlock.)
                .select_for_update(skip_locked=True, of=("self", "clock__ticket"))
                .order_by("pk")[:size]
            )
            if not crossings:
                break
            _deliver_batch(crossings, system, result)
        result.delivered += len(crossings)
    return result


def _deliver_batch(crossings: list[Crossing], system: User, result: SweepResult) -> None:
    try:
        with transaction.atomic():
            escalated = _effects(crossings, system)
    except Exception:
        logger.exception("SLA delivery of %d crossings failed; one by one", len(crossings))
        # One at a time, so that one crossing whose effects fail does not hold back the others;
        # it is marked with its error (and logged) instead of being retried every minute.
        escalated = []
        for crossing in crossings:
            try:
                with transaction.atomic():
                    escalated += _effects([crossing], system)
            except Exception as exc:
                logger.exception(
                    "SLA %s of clock %s could not be delivered", crossing.phase, crossing.clock_id
                )
                crossing.error = f"{type(exc).__name__}: {exc}"[:1000]
    result.escalated.extend(escalated)
    # Delivered crossings go: the clock's stamp now keeps the step from happening again, and the
    # outbox stays as small as what is still to do. A failed one stays, with its error, for
    # the administrator (Admin → SLA crossings), and is not taken again.
    Crossing.objects.filter(pk__in=[c.pk for c in crossings if not c.error]).delete()
    now = timezone.now()
    for crossing in crossings:
        if crossing.error:
            Crossing.objects.filter(pk=crossing.pk).update(delivered_at=now, error=crossing.error)


def _effects(crossings: list[Crossing], system: User) -> list[int]:
    """Each step's effects, then the clocks' stamps; returns the clocks escalated."""
    escalated: list[int] = []
    # In clock order: what one order's clocks do is then the same whichever batch or worker
    # delivers them (say two overdue clocks of one complaint, the first of which hands it to
    # the manager hotline).
    ordered = sorted(crossings, key=lambda c: (c.phase, c.clock_id))
    for phase, group in groupby(ordered, key=lambda c: c.phase):
        items = list(group)
        if phase == Crossing.Phase.WARNING:
            _warn(items, system)
        else:
            _alarm(items, system)
            escalated += _escalate(items, system)
    _stamp(crossings, escalated)
    return escalated


def _stamp(crossings: list[Crossing], escalated: list[int]) -> None:
    """The clocks' stamps, last (after any order's lock): the time each step was crossed."""
    stepped = set(escalated)
    for (phase, at), group in groupby(
        sorted(crossings, key=lambda c: (c.phase, c.at)), key=lambda c: (c.phase, c.at)
    ):
        ids = [c.clock_id for c in group]
        if phase == Crossing.Phase.WARNING:
            Clock.objects.filter(pk__in=ids).update(warned_at=at)
        else:
            Clock.objects.filter(pk__in=ids).update(alarmed_at=at, breached_at=F("due_at"))
            stepped_up = [pk for pk in ids if pk in stepped]
            if stepped_up:
                Clock.objects.filter(pk__in=stepped_up).update(escalated_at=at)


def _label(kind: str) -> str:
    return str(TargetKind(kind).label) if kind in TargetKind.values else kind


def _timeline(crossings: list[Crossing], kind: str, actor: User) -> None:
    TimelineEvent.objects.bulk_create(
        TimelineEvent(
            ticket_id=c.clock.ticket_id,
            kind=kind,
            actor=actor,
            at=c.at,
            body=_label(c.clock.kind),
            data={"sla": c.clock.kind, "due_at": c.clock.due_at.isoformat(), "clock": c.clock_id},
        )
        for c in crossings
    )


def _still_running(crossings: list[Crossing]) -> list[Clock]:
    """The clocks that still run on an open order: one met or withdrawn since it crossed needs
    nobody to act any more (its timeline entry still tells that it crossed)."""
    clocks = (c.clock for c in crossings)
    return [c for c in clocks if c.is_open and c.ticket.status in OPEN_STATUSES]


class Reviewers:
    """The senior agents, read once per sweep and only if an order awaiting review crossed: such
    an order waits on them, not on the agent who drafted it (R-WO-3, R-WO-4)."""

    def __init__(self) -> None:
        self._people: list[User] | None = None

    def of(self, ticket: Ticket) -> list[User]:
        if ticket.status != Status.AWAITING_REVIEW:
            return []
        if self._people is None:
            self._people = list(services.staff_with_role("senior_agent"))
        return self._people


def _warn(crossings: list[Crossing], system: User) -> None:
    _timeline(crossings, EventKind.SLA_WARNING, system)
    surveyors = list(services.staff_with_role("callback_surveyor"))  # R-SLA-5
    reviewers = Reviewers()
    messages: list[Message] = []
    for clock in _still_running(crossings):
        ticket = clock.ticket
        messages += services.staff_messages(
            [services.responsible_person(ticket), *reviewers.of(ticket), *surveyors],
            EVENT_WARNING,
            _words(gettext_noop("%(number)s: %(target)s due at %(due)s"), clock),
            ticket=ticket,
            dedupe_key=f"sla:{clock.pk}:warning",
        )
    notify_many(messages)


def _alarm(crossings: list[Crossing], system: User) -> None:
    _timeline(crossings, EventKind.SLA_ALARM, system)
    # one look-up per unit and person (and whether the order was escalated to that person)
    superiors: dict[tuple[int | None, int, bool], User | None] = {}
    reviewers = Reviewers()
    messages: list[Message] = []
    for clock in _still_running(crossings):
        ticket = clock.ticket
        person = services.responsible_person(ticket)
        key = (
            ticket.department_id if ticket.handler_id else None,
            person.pk,
            ticket.escalated_to_id == person.pk,
        )
        if key not in superiors:
            superiors[key] = services.superior_of(ticket)
        people = [person, superiors[key], *reviewers.of(ticket)]
        for event, title, step in (
            (EVENT_ALARM, gettext_noop("%(number)s: %(target)s is overdue"), "alarm"),
            (
                EVENT_URGE,
                gettext_noop("Urge: %(number)s — %(target)s is overdue, act now"),
                "urge",
            ),
        ):
            messages += services.staff_messages(
                people,
                event,
                _words(title, clock),
                ticket=ticket,
                dedupe_key=f"sla:{clock.pk}:{step}",
            )
    notify_many(messages)


def _words(title: str, clock: Clock) -> Words:
    """A notice about ``clock``: ``title`` is a source string, translated (with the target's
    label) in each recipients' language when built; the body is the order's title."""
    ticket = clock.ticket
    due = timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")

    def words() -> tuple[str, str]:
        values = {"number": ticket.number, "target": _label(clock.kind), "due": due}
        return _(title) % values, ticket.title

    return words


def _escalate(crossings: list[Crossing], system: User) -> list[int]:
    """R-ESC-2 / R-ESC-3: the step up, or the manager hotline, where the policy says so."""
    from kefu.tickets import actions

    escalated = []
    for clock in _still_running(crossings):
        if clock.on_breach == OnBreach.ALARM:
            continue
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
        escalated.append(clock.pk)
    return escalated


def sweep(now: datetime | None = None, batch: int = BATCH) -> SweepResult:
    """The minute's sweep: record what crossed, then deliver every pending crossing."""
    result = record(now, batch)
    delivered = deliver()
    result.escalated, result.delivered = delivered.escalated, delivered.delivered
    return result
