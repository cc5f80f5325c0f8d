"""Clocks follow the order: each timeline event starts, meets, cancels, pauses or resumes them,
inside the same transaction as the action that wrote the event (``tickets.signals``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver
from django.utils.dateparse import parse_datetime

from kefu.sla import services
from kefu.sla.choices import TargetKind as K
from kefu.sla.models import Clock
from kefu.tickets.choices import TEXT_CHANNELS, DraftKind, EventKind, Level, Status
from kefu.tickets.models import Ticket, TimelineEvent
from kefu.tickets.signals import ticket_event

# R-CLS-4: levels III and IV need on-site handling.
ON_SITE_LEVELS = {Level.III, Level.IV}
HANDLER_CLOCKS = (K.CALL_BACK, K.ON_SITE, K.FEEDBACK)
DISPATCH_KINDS = {DraftKind.DISPATCH, DraftKind.REDISPATCH}


def _contacted_at(event: TimelineEvent) -> datetime:
    """When the customer was actually reached, if the event says so and it is not later."""
    value = parse_datetime(str(event.data.get("contacted_at") or ""))
    return value if value is not None and value <= event.at else event.at


def _intake_kinds(ticket: Ticket) -> list[str]:
    from kefu.tickets.actions import route_for

    kinds = [K.DISPATCH] if route_for(ticket.call_type, ticket.level).dispatches else []  # R-WO-4
    return [*kinds, K.RESOLVE]  # R-SLA-2, where the policy sets it


def _registered(ctx: services.ClockContext, at: datetime) -> None:
    ticket = ctx.ticket
    kinds, met = _intake_kinds(ticket), dict[str, datetime]()
    if ticket.channel in TEXT_CHANNELS:  # R-IN-2: counted from receipt, met by registering
        kinds.insert(0, K.REGISTER)
        met[K.REGISTER] = ticket.registered_at or at
    services.start_clocks_of_new_order(ctx, kinds, ticket.received_at, met)


def _dispatched(ctx: services.ClockContext, at: datetime) -> None:
    """The handler receives the order: the R-SLA-1 clocks count from here."""
    ticket = ctx.ticket
    services.meet(ticket, [K.DISPATCH], at)
    services.cancel(ticket, at, HANDLER_CLOCKS)  # a second dispatch starts them afresh
    services.start_clock(ctx, K.CALL_BACK, at)
    services.start_clock(ctx, K.FEEDBACK, at)
    if ticket.level in ON_SITE_LEVELS:
        services.start_clock(ctx, K.ON_SITE, at)
    services.start_clock(ctx, K.RESOLVE, at)  # a re-dispatch after callback reopens it


@receiver(ticket_event, dispatch_uid="kefu.sla.clocks")
def on_ticket_event(sender: Any, ticket: Ticket, event: TimelineEvent, **kwargs: Any) -> None:
    kind, at = event.kind, event.at
    ctx = services.ClockContext(ticket)
    services.forget_written_clocks(ticket)  # any event below may change them
    if kind == EventKind.REGISTERED:
        _registered(ctx, at)  # sets the next due time itself
        return
    if kind == EventKind.REOPENED:
        for clock_kind in _intake_kinds(ticket):
            services.start_clock(ctx, clock_kind, at)
    elif kind == EventKind.DISPATCHED or (
        kind in {EventKind.DRAFT_APPROVED, EventKind.DRAFT_AMENDED}
        and event.data.get("kind") in DISPATCH_KINDS
    ):
        _dispatched(ctx, at)
    elif kind == EventKind.RETURNED_TO_CENTER:
        # R-WO-7: misrouted; the department's limits end and the order awaits dispatch again
        # (R-WO-4). A pass to a colleague (TRANSFERRED) keeps the department's clocks running.
        services.cancel(ticket, at, HANDLER_CLOCKS)
        services.start_clock(ctx, K.DISPATCH, at)
    elif kind == EventKind.DRAFT_SUBMITTED and event.from_status == Status.PENDING_CALLBACK:
        services.meet(ticket, [K.CALLBACK_AFTER_COMPLETION], at)  # R-CB-4: the callback found it
        # R-WO-4: the second dispatch waits for review like a first one, on the dispatch limit.
        services.start_clock(ctx, K.DISPATCH, at)
    elif kind == EventKind.CUSTOMER_CONTACTED:
        services.meet(ticket, [K.CALL_BACK], _contacted_at(event))
    elif kind == EventKind.FEEDBACK:
        services.meet(ticket, [K.CALL_BACK], _contacted_at(event))
        services.meet(ticket, [K.ON_SITE, K.FEEDBACK], at)
    elif kind == EventKind.FEEDBACK_SENT_BACK:
        services.start_clock(ctx, K.FEEDBACK, at)
    elif kind in {EventKind.CONFIRMED, EventKind.RESOLVED_FIRST_CONTACT}:
        services.meet(ticket, [K.RESOLVE], at)
        services.start_clock(ctx, K.CALLBACK_AFTER_COMPLETION, at)  # R-CB-1
    elif kind == EventKind.CLOSED:
        services.meet(ticket, [K.CALLBACK_AFTER_COMPLETION], at)
        services.cancel(ticket, at)
    elif kind in {EventKind.WITHDRAWN, EventKind.CLOSED_HARASSMENT}:
        services.cancel(ticket, at)
    elif kind == EventKind.VOIDED:
        # 作废: the order should never have existed. Every clock is cancelled, also one already
        # met (R-IN-2 registration), so that the SLA report, which leaves cancelled clocks out,
        # does not count the order at all.
        Clock.objects.filter(ticket=ticket, cancelled_at__isnull=True).update(cancelled_at=at)
    elif kind == EventKind.WAITING_ON_CUSTOMER:
        services.pause(ticket, at)
    elif kind == EventKind.CUSTOMER_RESPONDED:
        services.resume(ticket, at)
    elif kind in {EventKind.ESCALATED, EventKind.MANAGER_HOTLINE}:
        services.start_clock(ctx, K.ESCALATION_FOLLOW_UP, at)  # R-SLA-4
    elif kind == EventKind.CUSTOMER_INFORMED:
        if not ticket.escalations.filter(customer_informed_at__isnull=True).exists():
            services.meet(ticket, [K.ESCALATION_FOLLOW_UP], at)
    else:
        return
    services.refresh_next_due(ticket)
