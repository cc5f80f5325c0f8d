"""Registering orders and what arrives while they are open (R-IN-1..4, R-CLS-1..6, R-WO-9,
R-WO-10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.customers.models import Customer
from kefu.customers.services import find_or_create_by_phone
from kefu.lib.segment import index_text
from kefu.notifications import work_orders as notices
from kefu.org.models import User
from kefu.tickets.actions._base import (
    FUTURE_TOLERANCE,
    _bump,
    _choice_errors,
    _event,
    _lock,
    _require,
    _required_text,
    _touch,
    route_for,
)
from kefu.tickets.choices import (
    OPEN_STATUSES,
    EventKind,
    RouteAction,
    Status,
    Visibility,
)
from kefu.tickets.models import (
    Attachment,
    BusinessLine,
    CallType,
    Nature,
    RequestKind,
    SuggestionSubject,
    Ticket,
    TimelineEvent,
)
from kefu.tickets.numbering import next_number

# --- Registration (R-IN-1..4, R-CLS-1..6) -----------------------------------------------------


@dataclass
class Registration:
    """What an agent or an integration supplies to register an order."""

    call_type: CallType
    channel: str
    title: str
    description: str = ""
    contact_phone: str = ""  # E.164, already normalised
    contact_name: str = ""
    customer: Customer | None = None
    received_at: datetime | None = None
    level: str = ""
    priority: str = "normal"
    urgent: bool = False
    request_kind: RequestKind | None = None
    business_line: BusinessLine | None = None
    nature: Nature | None = None
    suggestion_subject: SuggestionSubject | None = None
    complained_staff: User | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def validate_registration(reg: Registration, now: datetime) -> None:
    errors = _choice_errors(channel=reg.channel, level=reg.level, priority=reg.priority)
    if not reg.title.strip():
        errors["title"] = _("Write a short summary of the request.")
    if reg.call_type.is_complaint and not reg.level:
        errors["level"] = _("A complaint needs a level (I–IV).")
    if reg.received_at and reg.received_at > now + FUTURE_TOLERANCE:
        errors["received_at"] = _("The time received cannot be in the future.")
    if not reg.contact_phone and reg.customer is None and reg.call_type.code != "F":
        errors["contact_phone"] = _("Enter a contact number so the customer can be called back.")
    if reg.call_type.code == "D" and reg.complained_staff is None:
        route = route_for(reg.call_type, reg.level)
        if route.action == RouteAction.SUPERIOR:
            errors["complained_staff"] = _(
                "Name the person complained about: the order goes to their superior."
            )
    if errors:
        raise ValidationError(errors)


def register(actor: User, reg: Registration) -> Ticket:
    """Register a new order (R-IN-1) with its number (R-WO-11) and first-contact owner (R-WO-10)."""
    _require(actor, "tickets.register")
    now = timezone.now()
    validate_registration(reg, now)
    # No savepoint: the API's create runs inside the idempotency transaction, and a savepoint
    # there costs two round trips per order for nothing (any error here fails the whole request).
    with transaction.atomic(savepoint=False):
        return _create(actor, reg, now)


def _create(actor: User, reg: Registration, now: datetime) -> Ticket:
    customer = reg.customer
    if customer is None and reg.contact_phone:
        customer = find_or_create_by_phone(reg.contact_phone, reg.contact_name, created_by=actor)
    senior_only = bool(customer and customer.needs_senior)
    # R-CLS-5 / R-WO-4: complaints from major customers are urgent at once.
    urgent = reg.urgent or bool(senior_only and reg.call_type.is_complaint)
    ticket = Ticket.objects.create(
        number=next_number(reg.call_type.code, now),
        call_type=reg.call_type,
        request_kind=reg.request_kind,
        business_line=reg.business_line,
        nature=reg.nature,
        suggestion_subject=reg.suggestion_subject,
        level=reg.level if reg.call_type.is_complaint else "",
        priority=reg.priority,
        urgent=urgent,
        senior_only=senior_only,
        channel=reg.channel,
        customer=customer,
        contact_name=reg.contact_name.strip(),
        contact_phone=reg.contact_phone,
        title=reg.title.strip(),
        description=reg.description.strip(),
        complained_staff=reg.complained_staff,
        received_at=reg.received_at or now,
        registered_by=actor,
        owner=actor,
        updated_by=actor,
        search_text=index_text(reg.title, reg.description, reg.contact_name),
    )
    _event(
        ticket,
        actor,
        EventKind.REGISTERED,
        to_status=Status.REGISTERED,
        data={"channel": reg.channel, "urgent": urgent, **reg.extra},
    )
    return ticket


@transaction.atomic
def add_repeat_contact(
    actor: User, ticket: Ticket, channel: str, summary: str, *, expected_version: int | None = None
) -> Ticket:
    """R-IN-4: the same customer calls again about an open order: log it there, no new order.

    Any agent who takes the call may do this (the screen pop shows the caller's open orders to
    whoever answers), not only the order's owner. The customer is chasing 催单 (R-WO-9): the
    order's handler, or its first-contact owner while no handler has it, is told what was said.
    """
    _require(actor, "tickets.register")
    if invalid := _choice_errors(channel=channel):
        raise ValidationError(invalid)
    text = _required_text(summary, "summary", _("Write what the customer said this time."))
    locked = _lock(ticket, expected_version)
    if locked.status not in OPEN_STATUSES:
        raise IllegalTransition(_("This order is closed; reopen it or register a new one."))
    _bump(locked, actor)
    _event(locked, actor, EventKind.REPEAT_CONTACT, body=text, data={"channel": channel})
    notices.chased(actor, locked, text)
    return locked


def open_orders_for(customer: Customer | None, phone: str) -> Any:
    """The customer's open orders, newest first: the screen pop of R-IN-4."""
    if customer is None and not phone:
        return Ticket.objects.none()
    qs = Ticket.objects.open().select_related("call_type")
    if customer is not None:
        return qs.filter(customer=customer)
    return qs.filter(contact_phone=phone)


@transaction.atomic
def attach_file(
    actor: User, ticket: Ticket, upload: Any, *, note: str = "", expected_version: int | None = None
) -> Attachment:
    _require(actor, "tickets.add_note", ticket)
    locked = _touch(actor, ticket, expected_version)
    event = _event(
        locked, actor, EventKind.ATTACHMENT, body=note.strip(), data={"name": upload.name}
    )
    return Attachment.objects.create(
        ticket=locked,
        event=event,
        file=upload,
        name=upload.name[:200],
        content_type=getattr(upload, "content_type", "") or "",
        size=upload.size or 0,
        uploaded_by=actor,
    )


@transaction.atomic
def add_note(
    actor: User,
    ticket: Ticket,
    body: str,
    *,
    visibility: str = Visibility.INTERNAL,
    expected_version: int | None = None,
) -> TimelineEvent:
    _require(actor, "tickets.add_note", ticket)
    text = _required_text(body, "body", _("The note is empty."))
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose internal or customer-facing.")})
    locked = _touch(actor, ticket, expected_version)
    return _event(locked, actor, EventKind.NOTE, body=text, visibility=visibility)


@transaction.atomic
def log_customer_contact(
    actor: User,
    ticket: Ticket,
    summary: str,
    *,
    contacted_at: datetime | None = None,
    expected_version: int | None = None,
) -> TimelineEvent:
    """R-WO-9: every contact with the customer while the order is open is on the timeline."""
    _require(actor, "tickets.add_note", ticket)
    text = _required_text(summary, "summary", _("Write what was said to the customer."))
    locked = _touch(actor, ticket, expected_version)
    when = contacted_at or timezone.now()
    return _event(
        locked,
        actor,
        EventKind.CUSTOMER_CONTACTED,
        body=text,
        visibility=Visibility.CUSTOMER,
        data={"contacted_at": when.isoformat()},
    )


EDITABLE_FIELDS = (
    "title",
    "description",
    "level",
    "priority",
    "request_kind",
    "business_line",
    "nature",
    "suggestion_subject",
    "contact_name",
)


@transaction.atomic
def update_details(
    actor: User, ticket: Ticket, changes: dict[str, Any], *, expected_version: int | None
) -> Ticket:
    """Change classification or text. Two people editing at once: the second gets StaleObject."""
    _require(actor, "tickets.edit", ticket)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    locked = _lock(ticket, expected_version)
    if locked.status == Status.CLOSED:
        raise IllegalTransition(_("A closed order cannot be changed; reopen it first."))
    before = {name: str(getattr(locked, name) or "") for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    invalid = _choice_errors(**{n: changes[n] for n in ("level", "priority") if n in changes})
    if invalid:
        raise ValidationError(invalid)
    if locked.call_type.is_complaint and not locked.level:
        raise ValidationError({"level": _("A complaint needs a level (I–IV).")})
    if "title" in changes and not str(locked.title).strip():
        raise ValidationError({"title": _("Write a short summary of the request.")})
    changed = {
        name: [before[name], str(getattr(locked, name) or "")]
        for name in changes
        if before[name] != str(getattr(locked, name) or "")
    }
    locked.refresh_search_text()
    _bump(locked, actor)
    if changed:
        _event(locked, actor, EventKind.EDITED, data={"changed": changed})
    return locked


@transaction.atomic
def mark_urgent(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> Ticket:
    """R-CLS-5: a senior agent marks an order 加急."""
    _require(actor, "tickets.mark_urgent", ticket)
    locked = _lock(ticket, expected_version)
    if locked.urgent or locked.status == Status.CLOSED:
        raise IllegalTransition(_("The order is already urgent or closed."))
    locked.urgent = True
    _bump(locked, actor)
    _event(locked, actor, EventKind.URGENT, body=reason.strip())
    return locked


@transaction.atomic
def hand_over(
    actor: User, ticket: Ticket, to: User, note: str = "", *, expected_version: int | None
) -> Ticket:
    """R-WO-10: the first-contact owner hands the order on; it is never without an owner."""
    _require(actor, "tickets.hand_over", ticket)
    locked = _lock(ticket, expected_version)
    if locked.status == Status.CLOSED:
        raise IllegalTransition(_("A closed order cannot be handed on; reopen it first."))
    if to.pk == locked.owner_id:
        message = _("The order already belongs to %(name)s.") % {"name": to.name}
        raise ValidationError({"to": message})
    if not (to.is_active and to.has_perm("tickets.draft_dispatch")):
        raise ValidationError({"to": _("Hand orders on to an agent or a senior agent.")})
    previous = locked.owner
    locked.owner = to
    _bump(locked, actor)
    _event(
        locked,
        actor,
        EventKind.HANDED_OVER,
        body=note.strip(),
        data={"from": previous.name, "to": to.name},
    )
    return locked
