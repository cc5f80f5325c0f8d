"""SLA clocks on work orders: which targets apply, start / meet / cancel / pause / resume, and
the order's next due time. Called by ``receivers`` inside the order action's transaction.

Due times come from the pure arithmetic of ``kefu.sla.calendar``; this module only reads the
policies and overrides and writes clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Min, QuerySet
from django.utils import timezone

from kefu.customers.choices import CustomerTier
from kefu.lib.center_time import center_tz
from kefu.org.models import User
from kefu.sla import calendar as cal
from kefu.sla import snapshot as sla_snapshot
from kefu.sla.choices import SYSTEM_EMPLOYEE_NO, CalendarKind
from kefu.sla.models import OPEN_CLOCK, CalendarOverride, Clock, Policy, Target
from kefu.tickets.models import Ticket

if TYPE_CHECKING:
    from kefu.notifications.services import Message, Words

# --- Calendar -------------------------------------------------------------------------------


def overrides() -> dict[date, bool]:
    """Every administrator override (a small table: a few dozen dates a year), from the
    in-memory snapshot (``kefu.sla.snapshot``)."""
    return sla_snapshot.current().overrides


def is_workday_rule() -> cal.IsWorkday:
    return cal.workday_rule(overrides())


def calendar_gaps(today: date | None = None) -> list[int]:
    """This year and next year, where neither the package nor the overrides know the holidays.

    A year counts as entered once administrators have recorded any override in it (the State
    Council publishes a year's holidays and 调休 days together).
    """
    today = today or timezone.localdate()
    years = [today.year, today.year + 1]
    entered = set(
        CalendarOverride.objects.filter(date__year__in=years).values_list("date__year", flat=True)
    )
    return [y for y in years if not cal.covered_year(y) and y not in entered]


def spec_from_snapshot(snapshot: dict[str, Any]) -> cal.CalendarSpec:
    opens, closes = snapshot.get("opens"), snapshot.get("closes")
    return cal.CalendarSpec(
        kind=snapshot.get("calendar_kind", CalendarKind.ALWAYS),
        opens=time.fromisoformat(opens) if opens else None,
        closes=time.fromisoformat(closes) if closes else None,
    )


def due_for(snapshot: dict[str, Any], start: datetime, is_workday: cal.IsWorkday) -> datetime:
    return cal.due_at(
        start,
        int(snapshot["duration"]),
        snapshot["unit"],
        spec_from_snapshot(snapshot),
        is_workday,
        center_tz(),
    )


# --- Policies -------------------------------------------------------------------------------


def _matches(policy: Policy, ticket: Ticket) -> bool:
    tier = ticket.customer.tier if ticket.customer is not None else CustomerTier.ORDINARY
    return (
        (policy.call_type_id is None or policy.call_type_id == ticket.call_type_id)
        and (not policy.level or policy.level == ticket.level)
        and (not policy.customer_tier or policy.customer_tier == tier)
        and (policy.urgent is None or policy.urgent == ticket.urgent)
    )


def targets_for(ticket: Ticket) -> dict[str, Target]:
    """For each target kind, the target of the first matching active policy that has one."""
    found: dict[str, Target] = {}
    for policy in sla_snapshot.current().policies:
        if not _matches(policy, ticket):
            continue
        for target in policy.targets.all():
            found.setdefault(target.kind, target)
    return found


# --- Clocks ---------------------------------------------------------------------------------


class ClockContext:
    """What one order event needs, read at most once: the targets and the working-day rule."""

    def __init__(self, ticket: Ticket) -> None:
        self.ticket = ticket
        self._targets: dict[str, Target] | None = None
        self._is_workday: cal.IsWorkday | None = None

    @property
    def targets(self) -> dict[str, Target]:
        if self._targets is None:
            self._targets = targets_for(self.ticket)
        return self._targets

    @property
    def is_workday(self) -> cal.IsWorkday:
        if self._is_workday is None:
            self._is_workday = is_workday_rule()
        return self._is_workday


def open_clocks(ticket: Ticket, kinds: Iterable[str] | None = None) -> QuerySet[Clock]:
    qs = Clock.objects.filter(OPEN_CLOCK, ticket=ticket)
    return qs if kinds is None else qs.filter(kind__in=list(kinds))


def start_clock(ctx: ClockContext, kind: str, start: datetime) -> Clock | None:
    """Start the ``kind`` clock from ``start`` if a policy sets that target and none is open."""
    if kind not in ctx.targets or open_clocks(ctx.ticket, [kind]).exists():
        return None
    clock = _new_clock(ctx, kind, start)
    clock.save(force_insert=True)
    return clock


def start_clocks_of_new_order(
    ctx: ClockContext, kinds: Iterable[str], start: datetime, met: dict[str, datetime]
) -> list[Clock]:
    """The clocks of an order just registered, written with one insert, and its next due time.

    Such an order has no clock yet, so neither the per-kind check of ``start_clock`` nor the
    read-back of ``refresh_next_due`` is needed: a create is several round trips cheaper.
    Kinds no policy sets are left out; those in ``met`` are met at once, at the time given.
    """
    clocks = [_new_clock(ctx, kind, start) for kind in kinds if kind in ctx.targets]
    for clock in clocks:
        if clock.kind in met:
            _mark_met(clock, met[clock.kind])
    Clock.objects.bulk_create(clocks)
    running = [c.due_at for c in clocks if c.met_at is None]
    _set_next_due(ctx.ticket, min(running) if running else None)
    _remember_written(ctx.ticket, clocks)
    return clocks


def _new_clock(ctx: ClockContext, kind: str, start: datetime) -> Clock:
    target = ctx.targets[kind]
    snapshot = target.snapshot()
    due = due_for(snapshot, start, ctx.is_workday)
    # In UTC, as a clock read from the database is: the answer to a create shows the same
    # values as any later read (the calendar works in the center's time zone).
    start, due = start.astimezone(UTC), due.astimezone(UTC)
    return Clock(
        ticket=ctx.ticket,
        kind=kind,
        policy=target.policy,
        policy_snapshot=snapshot,
        on_breach=target.on_breach,
        pausable=target.pause_on_pending_customer,
        started_at=start,
        due_at=due,
        warn_at=cal.warn_at(start, due, target.warn_percent),
    )


def meet(ticket: Ticket, kinds: Iterable[str], at: datetime) -> int:
    """The targets are met at ``at``; late if after the due time (then also breached)."""
    count = 0
    for clock in open_clocks(ticket, kinds):
        if clock.paused_at is not None:
            _resume_one(clock, at)
        _mark_met(clock, at)
        clock.save(
            update_fields=[
                "met_at",
                "breached_at",
                "due_at",
                "warn_at",
                "paused_at",
                "paused_seconds",
            ]
        )
        count += 1
    return count


def _mark_met(clock: Clock, at: datetime) -> None:
    clock.met_at = at
    if at > clock.due_at and clock.breached_at is None:
        clock.breached_at = clock.due_at


def cancel(ticket: Ticket, at: datetime, kinds: Iterable[str] | None = None) -> int:
    """The targets no longer apply (withdrawn, closed, re-dispatched)."""
    return open_clocks(ticket, kinds).update(cancelled_at=at)


def pause(ticket: Ticket, at: datetime) -> int:
    """R-ESC-4: waiting on the customer stops the clocks whose policy says so."""
    return open_clocks(ticket).filter(pausable=True, paused_at__isnull=True).update(paused_at=at)


def _resume_one(clock: Clock, at: datetime) -> None:
    assert clock.paused_at is not None  # noqa: S101 - callers check
    waited = max(at - clock.paused_at, timedelta(0))
    # The allowed time is moved on by the time spent waiting: pausing never shortens a clock.
    clock.due_at += waited
    clock.warn_at += waited
    clock.paused_seconds += int(waited.total_seconds())
    clock.paused_at = None


def resume(ticket: Ticket, at: datetime) -> int:
    count = 0
    for clock in open_clocks(ticket).filter(paused_at__isnull=False):
        _resume_one(clock, at)
        clock.save(update_fields=["due_at", "warn_at", "paused_seconds", "paused_at"])
        count += 1
    return count


def refresh_next_due(ticket: Ticket) -> None:
    """Keep ``Ticket.sla_due_at`` (the queues' due sort) equal to the earliest running clock."""
    _set_next_due(
        ticket,
        open_clocks(ticket).filter(paused_at__isnull=True).aggregate(due=Min("due_at"))["due"],
    )


def _set_next_due(ticket: Ticket, due: datetime | None) -> None:
    if due != ticket.sla_due_at:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


def clocks_of(ticket: Ticket) -> list[Clock]:
    """Every clock of the order, oldest first."""
    return sorted(ticket.sla_clocks.all(), key=lambda c: (c.started_at, c.pk))


def _remember_written(ticket: Ticket, clocks: list[Clock]) -> None:
    """Keep the clocks just written on the order as Django keeps prefetched ones, so that the
    answer to a create needs no read: ``ticket.sla_clocks.all()`` returns them, and
    ``refresh_from_db()`` or a later event on the object (``forget_written_clocks``) drops them."""
    queryset = Clock.objects.filter(ticket=ticket)
    queryset._result_cache = clocks
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    ticket.__dict__.setdefault("_prefetched_objects_cache", {})["sla_clocks"] = queryset


def forget_written_clocks(ticket: Ticket) -> None:
    ticket.__dict__.get("_prefetched_objects_cache", {}).pop("sla_clocks", None)


def attach_running_clocks(tickets: list[Ticket]) -> None:
    """One query for a page of orders: ``ticket.running_clocks`` for the queue badges."""
    by_ticket: dict[int, list[Clock]] = {t.pk: [] for t in tickets}
    if by_ticket:
        for clock in Clock.objects.filter(OPEN_CLOCK, ticket_id__in=list(by_ticket)).order_by(
            "due_at"
        ):
            by_ticket[clock.ticket_id].append(clock)
    for ticket in tickets:
        ticket.running_clocks = by_ticket[ticket.pk]  # type: ignore[attr-defined]


# --- People ---------------------------------------------------------------------------------


def system_user() -> User:
    """系统: the inactive account the background worker acts as. A data migration creates it;
    this re-creates it if a database was emptied (a flushed test database, a restored dump)."""
    user, created = User.objects.get_or_create(
        employee_no=SYSTEM_EMPLOYEE_NO, defaults={"name": "系统", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def staff_with_role(code: str) -> QuerySet[User]:
    """Active staff holding the role ``code`` — the callback surveyors who are warned
    (R-SLA-5), the manager hotline that takes escalated complaints (R-ESC-3). By role, not by
    permission: a manager holds every permission but is not on the hotline rota."""
    return User.objects.filter(is_active=True, roles__code=code).distinct()


def responsible_person(ticket: Ticket) -> User:
    """Whoever the order waits on: the handler once dispatched, else the first-contact owner."""
    return ticket.handler if ticket.handler_id and ticket.handler else ticket.owner


def superior_of(ticket: Ticket) -> User | None:
    """The responsible person's superior: the next step up the escalation path (R-ESC-2)."""
    from kefu.tickets.actions.escalation import next_up

    return next_up(ticket, responsible_person(ticket))


def staff_messages(
    recipients: Iterable[User | None],
    event: str,
    words: Words,
    *,
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
) -> list[Message]:
    """A notice to staff, linking to the order, in each recipient's language: ``words`` builds
    its (title, body) once per language, with that language active. The worker's own system
    account is never a recipient (``notify`` skips missing, inactive and repeated ones)."""
    from django.urls import reverse

    from kefu.notifications.services import in_their_languages

    people = [u for u in recipients if u is not None and u.employee_no != SYSTEM_EMPLOYEE_NO]
    url = reverse("tickets:detail", kwargs={"number": ticket.number}) if ticket else ""
    return in_their_languages(people, event, words, url=url, ticket=ticket, dedupe_key=dedupe_key)


def notify_staff(recipients: Iterable[User | None], event: str, words: Words, **fields: Any) -> int:
    """Tell staff through kefu.notifications (in-app at once, e-mail/SMS after commit), each in
    their own language; ``words`` and ``fields`` are ``staff_messages``'s."""
    from kefu.notifications.services import notify_many

    return notify_many(staff_messages(recipients, event, words, **fields))
