"""What every work-order action shares: permission, row lock and version check, the legal
move, the timeline event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.signals import lock_row
from kefu.core.errors import IllegalTransition, StaleObject
from kefu.org.models import User
from kefu.tickets import taxonomy
from kefu.tickets.choices import (
    Channel,
    Level,
    Move,
    Priority,
    Status,
    Visibility,
    next_status,
)
from kefu.tickets.models import (
    CallType,
    Dispatch,
    Ticket,
    TimelineEvent,
)
from kefu.tickets.routing import Route, decide
from kefu.tickets.signals import ticket_event

# A clock a few minutes fast on the agent's PC must not make a contact "received in the future".
FUTURE_TOLERANCE = timedelta(minutes=5)


# --- Helpers ------------------------------------------------------------------------------


def _require(actor: User, perm: str, ticket: Ticket | None = None) -> None:
    if not actor.has_perm(perm, ticket):
        raise PermissionDenied(_("You are not allowed to do this on this order."))
    # R-CLS-6: orders of VIP / major / important / leased-line customers are for senior agents.
    if (
        ticket is not None
        and ticket.senior_only
        and perm in {"tickets.resolve_first_contact", "tickets.draft_dispatch", "tickets.confirm"}
        and not actor.has_perm("tickets.handle_vip")
    ):
        raise PermissionDenied(_("Orders of VIP and major customers are handled by senior agents."))


def permitted(actor: User, perm: str, ticket: Ticket | None = None) -> bool:
    """Whether the actions would let ``actor`` use ``perm`` on the order (to offer moves)."""
    try:
        _require(actor, perm, ticket)
    except PermissionDenied:
        return False
    return True


def _lock(ticket: Ticket, expected_version: int | None) -> Ticket:
    """Re-read the order under a row lock and refuse if it changed since the actor saw it."""
    locked = lock_row(Ticket.objects.select_related("updated_by", "call_type"), ticket.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleObject(
            _("Order %(number)s was changed by %(name)s at %(at)s. Reload it and try again.")
            % {
                "number": locked.number,
                "name": locked.updated_by.name,
                "at": timezone.localtime(locked.updated_at).strftime("%H:%M:%S"),
            }
        )
    return locked


def _event(
    ticket: Ticket,
    actor: User,
    kind: str,
    *,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
    visibility: str = Visibility.INTERNAL,
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        at=timezone.now(),
        from_status=from_status,
        to_status=to_status,
        body=body,
        visibility=visibility,
        data=data or {},
    )
    ticket_event.send(sender=Ticket, ticket=ticket, event=event)  # kefu.sla clocks
    return event


def _move(
    actor: User,
    ticket: Ticket,
    move: str,
    event_kind: str,
    *,
    expected_version: int | None,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Ticket:
    """Apply one legal state change with its timeline event; the caller holds the transaction."""
    locked = _lock(ticket, expected_version)
    return _move_locked(actor, locked, move, event_kind, body=body, data=data, changes=changes)


def _move_locked(
    actor: User,
    locked: Ticket,
    move: str,
    event_kind: str,
    *,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Ticket:
    """``_move`` for a caller that already holds the order under ``_lock`` (to check it first)."""
    target = next_status(locked.status, move)
    if target is None:
        raise IllegalTransition(
            _("“%(move)s” is not possible while the order is “%(status)s”.")
            % {"move": Move(move).label, "status": locked.get_status_display()}
        )
    before = locked.status
    for name, value in (changes or {}).items():
        setattr(locked, name, value)
    locked.status = target
    if target == Status.CLOSED:
        locked.closed_at = timezone.now()
    _bump(locked, actor)
    _event(locked, actor, event_kind, body=body, from_status=before, to_status=target, data=data)
    return locked


def _bump(ticket: Ticket, actor: User) -> None:
    ticket.version += 1
    ticket.updated_by = actor
    ticket.save()


def _touch(actor: User, ticket: Ticket, expected_version: int | None, **changes: Any) -> Ticket:
    """A change that does not move the state (notes, flags): still versioned."""
    locked = _lock(ticket, expected_version)
    for name, value in changes.items():
        setattr(locked, name, value)
    _bump(locked, actor)
    return locked


def _choice_errors(**values: str) -> dict[str, str]:
    """Channel, level and priority values outside their choices (forms check these, the API and
    jobs may not); an empty level is checked by the rules that need one."""
    choices = {"channel": Channel.values, "level": Level.values, "priority": Priority.values}
    return {
        name: _("Select a valid choice. %(value)s is not one of the available choices.")
        % {"value": value}
        for name, value in values.items()
        if (value or name != "level") and value not in choices[name]
    }


def _required_text(value: str, field_name: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field_name: message})
    return text


def route_for(call_type: CallType, level: str) -> Route:
    return decide(taxonomy.routing_rules(call_type), level)


def _end_dispatches(ticket: Ticket) -> None:
    """The running dispatch ends: re-dispatched, withdrawn (R-WO-5) or confirmed (R-WO-8)."""
    Dispatch.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=timezone.now())
