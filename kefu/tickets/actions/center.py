"""The center resolves, confirms, closes, voids and reopens (R-WO-2, R-WO-8)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.notifications import work_orders as notices
from kefu.org.models import User
from kefu.tickets.access import visible_tickets
from kefu.tickets.actions._base import (
    _end_dispatches,
    _move,
    _require,
    _required_text,
    route_for,
)
from kefu.tickets.choices import (
    CloseReason,
    DraftStatus,
    EventKind,
    Move,
    RouteAction,
)
from kefu.tickets.models import (
    DispatchDraft,
    Ticket,
)

# kefu.callbacks keeps one round per callback owed (R-CB-1), reached here through its related
# name ``callbacks``: it depends on this app, so this app reads it without importing it. "open"
# is its CallbackStatus.OPEN.
CALLBACK_OPEN = "open"


def callback_open(ticket: Ticket) -> bool:
    """The order owes a callback: the callback panel's outcomes close it, not the plain close."""
    return ticket.callbacks.filter(status=CALLBACK_OPEN).exists()


# --- Resolving in the center ----------------------------------------------------------------


@transaction.atomic
def resolve_first_contact(
    actor: User, ticket: Ticket, answer: str, *, expected_version: int | None
) -> Ticket:
    """The center answers at once (E inquiries, A1 levels I–II): on to the callback (R-CB-1)."""
    _require(actor, "tickets.resolve_first_contact", ticket)
    text = _required_text(answer, "answer", _("Write the answer given to the customer."))
    route = route_for(ticket.call_type, ticket.level)
    if route.dispatches:
        raise IllegalTransition(
            _("A %(type)s order must be dispatched (R-WO-2, R-CLS-4).")
            % {"type": ticket.type_label}
        )
    if route.action == RouteAction.CLOSE_POLITELY:
        raise IllegalTransition(_("A harassment call is closed politely, not resolved."))
    return _move(
        actor,
        ticket,
        Move.RESOLVE_FIRST_CONTACT,
        EventKind.RESOLVED_FIRST_CONTACT,
        expected_version=expected_version,
        body=text,
        changes={"resolution": text},
    )


@transaction.atomic
def close_harassment(
    actor: User, ticket: Ticket, note: str, *, expected_version: int | None
) -> Ticket:
    """R-WO-2 F / R-TEL-4: a harassment call is ended politely and recorded."""
    _require(actor, "tickets.resolve_first_contact", ticket)
    if route_for(ticket.call_type, ticket.level).action != RouteAction.CLOSE_POLITELY:
        raise IllegalTransition(_("Only harassment calls are closed this way."))
    text = _required_text(note, "note", _("Record what happened on the call."))
    return _move(
        actor,
        ticket,
        Move.CLOSE_HARASSMENT,
        EventKind.CLOSED_HARASSMENT,
        expected_version=expected_version,
        body=text,
        changes={"close_reason": CloseReason.HARASSMENT, "resolution": text},
    )


# --- Void 作废 (duplicate or mistaken orders) -------------------------------------------------


def _surviving_order(actor: User, ticket: Ticket, number: str) -> Ticket | None:
    """The order a duplicate is void in favour of: one the actor may see, not this one, and not
    itself void."""
    number = (number or "").strip()
    if not number:
        return None
    survivor = visible_tickets(actor).filter(number=number).first()
    if survivor is None:
        message = _("There is no order %(number)s that you can see.") % {"number": number}
        raise ValidationError({"duplicate_of": message})
    if survivor.pk == ticket.pk:
        raise ValidationError({"duplicate_of": _("An order cannot be a duplicate of itself.")})
    if survivor.close_reason == CloseReason.VOID:
        message = _("Order %(number)s is void itself; name the order that stays.")
        raise ValidationError({"duplicate_of": message % {"number": survivor.number}})
    return survivor


@transaction.atomic
def void(
    actor: User,
    ticket: Ticket,
    reason: str,
    *,
    duplicate_of: str = "",
    expected_version: int | None,
) -> Ticket:
    """作废: a duplicate or mistakenly registered order is closed before dispatch, with no
    callback round (R-CB-1 is owed only for a handled order) and its time limits cancelled, so
    that no report counts it. A pending dispatch draft is cancelled with it.

    Senior agents only, through ``tickets.dispatch``: voiding is the other answer to the same
    pre-dispatch decision, taken by whoever may dispatch (R-WO-3, R-WO-4).
    """
    _require(actor, "tickets.dispatch", ticket)
    text = _required_text(reason, "reason", _("Say why the order is void."))
    survivor = _surviving_order(actor, ticket, duplicate_of)
    data = {"duplicate_of": survivor.number} if survivor is not None else {}
    locked = _move(
        actor,
        ticket,
        Move.VOID,
        EventKind.VOIDED,
        expected_version=expected_version,
        body=text,
        data=data,
        changes={"close_reason": CloseReason.VOID, "has_pending_draft": False},
    )
    DispatchDraft.objects.filter(ticket=locked, status=DraftStatus.PENDING).update(
        status=DraftStatus.CANCELLED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_note=text,
    )
    return locked


# --- Back in the center (R-WO-8) ----------------------------------------------------------------


@transaction.atomic
def confirm(actor: User, ticket: Ticket, note: str = "", *, expected_version: int | None) -> Ticket:
    """The center confirms the handler's result: on to the callback."""
    _require(actor, "tickets.confirm", ticket)
    locked = _move(
        actor,
        ticket,
        Move.CONFIRM,
        EventKind.CONFIRMED,
        expected_version=expected_version,
        body=note.strip(),
    )
    _end_dispatches(locked)
    return locked


@transaction.atomic
def send_back_feedback(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> Ticket:
    """Not resolved: back to the handler with the reason (R-WO-8)."""
    _require(actor, "tickets.confirm", ticket)
    text = _required_text(reason, "reason", _("Say what is still not resolved."))
    locked = _move(
        actor,
        ticket,
        Move.SEND_BACK_FEEDBACK,
        EventKind.FEEDBACK_SENT_BACK,
        expected_version=expected_version,
        body=text,
    )
    notices.feedback_sent_back(actor, locked, text)
    return locked


@transaction.atomic
def close(actor: User, ticket: Ticket, note: str = "", *, expected_version: int | None) -> Ticket:
    """Close an order after its callback. Refused while the order still owes the callback
    (R-CB-1): closing it then would record the callback as missed; the callback panel's
    outcomes record the call and close the order (``close_after_callback``)."""
    _require(actor, "callbacks.make", ticket)
    if callback_open(ticket):
        raise IllegalTransition(
            _(
                "This order is awaiting its callback: record the call in the callback panel; "
                "its result closes the order (R-CB-1)."
            )
        )
    return close_after_callback(actor, ticket, note, expected_version=expected_version)


@transaction.atomic
def close_after_callback(
    actor: User, ticket: Ticket, note: str = "", *, expected_version: int | None
) -> Ticket:
    """The close that the callback module's outcomes (satisfied, unreachable) end with, once
    they have recorded the call."""
    _require(actor, "callbacks.make", ticket)
    return _move(
        actor,
        ticket,
        Move.CLOSE,
        EventKind.CLOSED,
        expected_version=expected_version,
        body=note.strip(),
        changes={"close_reason": CloseReason.RESOLVED},
    )


@transaction.atomic
def reopen(actor: User, ticket: Ticket, reason: str, *, expected_version: int | None) -> Ticket:
    _require(actor, "tickets.reopen", ticket)
    text = _required_text(reason, "reason", _("Say why the order is reopened."))
    return _move(
        actor,
        ticket,
        Move.REOPEN,
        EventKind.REOPENED,
        expected_version=expected_version,
        body=text,
        changes={"closed_at": None, "close_reason": "", "department": None, "handler": None},
    )
