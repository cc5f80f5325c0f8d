"""Every change to a work order (R-WO-1..10), one function per move.

Each function checks the actor's permission on the order, checks the move is legal from the
order's state (``choices.TRANSITIONS``), checks the order has not changed since the actor loaded
it (``expected_version``), then writes the change and its timeline event in one transaction.
The UI, the API, jobs and commands all call these functions; nothing else writes a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.customers.models import Customer
from kefu.customers.services import find_or_create_by_phone
from kefu.lib.segment import index_text
from kefu.org.models import Department, User
from kefu.tickets import taxonomy
from kefu.tickets.choices import (
    OPEN_STATUSES,
    Channel,
    CloseReason,
    DraftKind,
    DraftStatus,
    EventKind,
    Level,
    Move,
    Priority,
    RouteAction,
    Status,
    Visibility,
    next_status,
)
from kefu.tickets.models import (
    Attachment,
    BusinessLine,
    CallType,
    Dispatch,
    DispatchDraft,
    Nature,
    RequestKind,
    SuggestionSubject,
    Ticket,
    TimelineEvent,
)
from kefu.tickets.numbering import next_number
from kefu.tickets.routing import Route, decide

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
    locked = (
        Ticket.objects.select_for_update()
        .select_related("updated_by", "call_type")
        .get(pk=ticket.pk)
    )
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
    return TimelineEvent.objects.create(
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


@transaction.atomic
def register(actor: User, reg: Registration) -> Ticket:
    """Register a new order (R-IN-1) with its number (R-WO-11) and first-contact owner (R-WO-10)."""
    _require(actor, "tickets.register")
    now = timezone.now()
    validate_registration(reg, now)
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
    whoever answers), not only the order's owner.
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


# --- Dispatch and review (R-WO-2..5) ----------------------------------------------------------


def _dispatch_target(
    ticket: Ticket, department: Department | None, handler: User | None
) -> tuple[Department, User]:
    """Department and responsible person; defaults from routing (R-WO-2) and the department."""
    if department is None:
        route = route_for(ticket.call_type, ticket.level)
        if route.action == RouteAction.SUPERIOR and ticket.complained_staff is not None:
            person = ticket.complained_staff
            department = person.team or person.department
            superior = department.head if department is not None else None
            if handler is None:
                # The superior, never the person complained about standing in for one.
                if superior is None or superior.pk == person.pk:
                    message = _("%(name)s has no superior on record; choose who handles it.")
                    raise ValidationError({"handler": message % {"name": person.name}})
                handler = superior
        elif route.department_id:
            department = Department.objects.get(pk=route.department_id)
    if department is None:
        raise ValidationError({"department": _("Choose the department to dispatch to.")})
    handler = handler or department.responsible or department.head
    if handler is None:
        raise ValidationError(
            {"handler": _("%(dept)s has no responsible person; choose one.") % {"dept": department}}
        )
    if not handler.has_perm("tickets.accept"):
        raise ValidationError({"handler": _("This person cannot receive dispatched orders.")})
    if ticket.complained_staff_id and handler.pk == ticket.complained_staff_id:
        message = _("A complaint is not sent to the person complained about.")
        raise ValidationError({"handler": message})
    return department, handler


def _send_dispatch(
    actor: User,
    ticket: Ticket,
    department: Department,
    handler: User,
    instructions: str,
    reviewed_by: User | None,
) -> Dispatch:
    _end_dispatches(ticket)
    return Dispatch.objects.create(
        ticket=ticket,
        department=department,
        handler=handler,
        instructions=instructions,
        dispatched_at=timezone.now(),
        dispatched_by=actor,
        reviewed_by=reviewed_by,
    )


@transaction.atomic
def submit_dispatch_draft(
    actor: User,
    ticket: Ticket,
    *,
    department: Department | None = None,
    handler: User | None = None,
    instructions: str = "",
    expected_version: int | None,
) -> DispatchDraft:
    """An agent drafts a dispatch (or a second dispatch); a senior agent reviews it (R-WO-3)."""
    _require(actor, "tickets.draft_dispatch", ticket)
    department, handler = _dispatch_target(ticket, department, handler)
    kind = DraftKind.DISPATCH if ticket.status == Status.REGISTERED else DraftKind.REDISPATCH
    move = Move.SUBMIT_DRAFT if kind == DraftKind.DISPATCH else Move.REDISPATCH
    locked = _move(
        actor,
        ticket,
        move,
        EventKind.DRAFT_SUBMITTED,
        expected_version=expected_version,
        body=instructions.strip(),
        data={"kind": kind, "department": department.name, "handler": handler.name},
        changes={"has_pending_draft": True},
    )
    return DispatchDraft.objects.create(
        ticket=locked,
        kind=kind,
        department=department,
        handler=handler,
        instructions=instructions.strip(),
        drafted_by=actor,
        drafted_at=timezone.now(),
    )


@transaction.atomic
def dispatch_now(
    actor: User,
    ticket: Ticket,
    *,
    department: Department | None = None,
    handler: User | None = None,
    instructions: str = "",
    expected_version: int | None,
) -> Ticket:
    """R-WO-4: a senior agent dispatches directly (urgent and major-customer orders at once)."""
    _require(actor, "tickets.dispatch", ticket)
    department, handler = _dispatch_target(ticket, department, handler)
    locked = _move(
        actor,
        ticket,
        Move.DISPATCH,
        EventKind.DISPATCHED,
        expected_version=expected_version,
        body=instructions.strip(),
        data={"department": department.name, "handler": handler.name},
        changes={"department": department, "handler": handler},
    )
    _send_dispatch(actor, locked, department, handler, instructions.strip(), reviewed_by=actor)
    return locked


def _end_dispatches(ticket: Ticket) -> None:
    """The running dispatch ends: re-dispatched, withdrawn (R-WO-5) or confirmed (R-WO-8)."""
    Dispatch.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=timezone.now())


def _current_dispatch(ticket: Ticket) -> Dispatch | None:
    return ticket.dispatches.filter(ended_at__isnull=True).order_by("-dispatched_at").first()


@transaction.atomic
def submit_follow_up(
    actor: User, ticket: Ticket, instructions: str, *, expected_version: int | None
) -> DispatchDraft:
    """R-WO-5 追单: the deadline or task changed; reviewed, then sent to the handler."""
    return _submit_side_draft(actor, ticket, DraftKind.FOLLOW_UP, instructions, expected_version)


@transaction.atomic
def submit_withdrawal(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> DispatchDraft:
    """R-WO-5 退单: the customer asks to stop; reviewed, then the dispatch ends."""
    return _submit_side_draft(actor, ticket, DraftKind.WITHDRAWAL, reason, expected_version)


def _submit_side_draft(
    actor: User, ticket: Ticket, kind: str, text: str, expected_version: int | None
) -> DispatchDraft:
    _require(actor, "tickets.draft_dispatch", ticket)
    body = _required_text(text, "instructions", _("Say what changes and why."))
    locked = _lock(ticket, expected_version)
    if locked.status not in {Status.DISPATCHED, Status.IN_PROGRESS}:
        raise IllegalTransition(_("Only a dispatched order can be followed up or withdrawn."))
    if locked.has_pending_draft:
        raise IllegalTransition(_("A draft for this order is already awaiting review."))
    original = _current_dispatch(locked)
    locked.has_pending_draft = True
    _bump(locked, actor)
    _event(locked, actor, EventKind.DRAFT_SUBMITTED, body=body, data={"kind": kind})
    return DispatchDraft.objects.create(
        ticket=locked,
        kind=kind,
        department=original.department if original else None,
        handler=original.handler if original else None,
        instructions=body,
        original_dispatch=original,
        drafted_by=actor,
        drafted_at=timezone.now(),
    )


def _lock_pending_draft(actor: User, draft: DispatchDraft) -> DispatchDraft:
    _require(actor, "tickets.review", draft.ticket)
    locked = DispatchDraft.objects.select_for_update().select_related("ticket").get(pk=draft.pk)
    if locked.status != DraftStatus.PENDING:
        raise IllegalTransition(_("This draft has already been reviewed."))
    if locked.drafted_by_id == actor.pk:
        raise PermissionDenied(_("A draft is reviewed by someone other than its author (R-WO-3)."))
    return locked


@transaction.atomic
def approve_draft(
    actor: User,
    draft: DispatchDraft,
    *,
    department: Department | None = None,
    handler: User | None = None,
    instructions: str | None = None,
    note: str = "",
    expected_version: int | None,
) -> Ticket:
    """Approve — or amend and approve — a draft; it is sent at once (R-WO-3)."""
    locked_draft = _lock_pending_draft(actor, draft)
    ticket = locked_draft.ticket
    amended = (
        (department is not None and department.pk != locked_draft.department_id)
        or (handler is not None and handler.pk != locked_draft.handler_id)
        or (instructions is not None and instructions.strip() != locked_draft.instructions)
    )
    if instructions is not None:
        locked_draft.instructions = instructions.strip()
    event_kind = EventKind.DRAFT_AMENDED if amended else EventKind.DRAFT_APPROVED
    data: dict[str, Any] = {"kind": locked_draft.kind}

    if locked_draft.kind in {DraftKind.DISPATCH, DraftKind.REDISPATCH}:
        dept, person = _dispatch_target(
            ticket, department or locked_draft.department, handler or locked_draft.handler
        )
        locked_draft.department, locked_draft.handler = dept, person
        data.update(department=dept.name, handler=person.name)
        result = _move(
            actor,
            ticket,
            Move.APPROVE_DRAFT,
            event_kind,
            expected_version=expected_version,
            body=note.strip(),
            data=data,
            changes={"department": dept, "handler": person, "has_pending_draft": False},
        )
        _send_dispatch(
            locked_draft.drafted_by,
            result,
            dept,
            person,
            locked_draft.instructions,
            reviewed_by=actor,
        )
    elif locked_draft.kind == DraftKind.WITHDRAWAL:
        result = _move(
            actor,
            ticket,
            Move.WITHDRAW,
            EventKind.WITHDRAWN,
            expected_version=expected_version,
            body=locked_draft.instructions,
            data=data,
            changes={"has_pending_draft": False, "close_reason": CloseReason.WITHDRAWN},
        )
        _end_dispatches(result)
    else:  # follow-up: the state stays, the handler is told what changed
        result = _touch(actor, ticket, expected_version, has_pending_draft=False)
        _event(result, actor, EventKind.FOLLOW_UP, body=locked_draft.instructions, data=data)

    locked_draft.status = DraftStatus.APPROVED
    locked_draft.reviewed_by = actor
    locked_draft.reviewed_at = timezone.now()
    locked_draft.review_note = note.strip()
    locked_draft.save()
    return result


@transaction.atomic
def send_back_draft(
    actor: User, draft: DispatchDraft, reason: str, *, expected_version: int | None
) -> Ticket:
    """Send a draft back to its author with a reason (R-WO-3)."""
    locked_draft = _lock_pending_draft(actor, draft)
    text = _required_text(reason, "reason", _("Say why the draft is sent back."))
    ticket = locked_draft.ticket
    data = {"kind": locked_draft.kind}
    if locked_draft.kind in {DraftKind.DISPATCH, DraftKind.REDISPATCH}:
        result = _move(
            actor,
            ticket,
            Move.SEND_BACK_DRAFT,
            EventKind.DRAFT_SENT_BACK,
            expected_version=expected_version,
            body=text,
            data=data,
            changes={"has_pending_draft": False},
        )
    else:
        result = _touch(actor, ticket, expected_version, has_pending_draft=False)
        _event(result, actor, EventKind.DRAFT_SENT_BACK, body=text, data=data)
    locked_draft.status = DraftStatus.SENT_BACK
    locked_draft.reviewed_by = actor
    locked_draft.reviewed_at = timezone.now()
    locked_draft.review_note = text
    locked_draft.save()
    return result


# --- The receiving department (R-WO-6, R-WO-7) ------------------------------------------------


@transaction.atomic
def accept(actor: User, ticket: Ticket, *, expected_version: int | None) -> Ticket:
    _require(actor, "tickets.accept", ticket)
    return _move(
        actor,
        ticket,
        Move.ACCEPT,
        EventKind.ACCEPTED,
        expected_version=expected_version,
        changes={"handler": actor},
    )


@dataclass
class Feedback:
    """R-WO-6: when the customer was contacted, the solution, its effect, what remains."""

    contacted_at: datetime | None
    solution: str
    effect: str
    remaining: str = ""


@transaction.atomic
def feed_back(
    actor: User, ticket: Ticket, feedback: Feedback, *, expected_version: int | None
) -> Ticket:
    _require(actor, "tickets.feedback", ticket)
    errors = {}
    if feedback.contacted_at is None:
        errors["contacted_at"] = _("When was the customer contacted?")
    elif feedback.contacted_at > timezone.now() + FUTURE_TOLERANCE:
        errors["contacted_at"] = _("The contact time cannot be in the future.")
    if not feedback.solution.strip():
        errors["solution"] = _("Describe the solution.")
    if not feedback.effect.strip():
        errors["effect"] = _("Describe the effect of the solution.")
    if errors:
        raise ValidationError(errors)
    assert feedback.contacted_at is not None  # noqa: S101 - narrowed by the checks above
    return _move(
        actor,
        ticket,
        Move.FEEDBACK,
        EventKind.FEEDBACK,
        expected_version=expected_version,
        body=feedback.solution.strip(),
        data={
            "contacted_at": feedback.contacted_at.isoformat(),
            "solution": feedback.solution.strip(),
            "effect": feedback.effect.strip(),
            "remaining": feedback.remaining.strip(),
        },
        changes={"help_requested": False, "resolution": feedback.solution.strip()},
    )


@transaction.atomic
def ask_superior(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> Ticket:
    """R-WO-7: the handler cannot finish in time; the superior takes it up, the center is told."""
    _require(actor, "tickets.ask_superior", ticket)
    text = _required_text(reason, "reason", _("Say what you need help with."))
    locked = _lock(ticket, expected_version)
    if locked.status != Status.IN_PROGRESS:
        raise IllegalTransition(_("Help can be asked only while the order is in progress."))
    superior = locked.department.head if locked.department_id and locked.department else None
    locked.help_requested = True
    _bump(locked, actor)
    _event(
        locked,
        actor,
        EventKind.HELP_REQUESTED,
        body=text,
        data={"superior": superior.name if superior else ""},
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
    return _move(
        actor,
        ticket,
        Move.SEND_BACK_FEEDBACK,
        EventKind.FEEDBACK_SENT_BACK,
        expected_version=expected_version,
        body=text,
    )


@transaction.atomic
def close(actor: User, ticket: Ticket, note: str = "", *, expected_version: int | None) -> Ticket:
    """Close after the callback (the full callback record arrives with the callback module)."""
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
