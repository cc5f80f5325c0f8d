"""Dispatch and its two-step review, follow-ups and withdrawals (R-WO-2..5)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.notifications import work_orders as notices
from kefu.org.models import Department, User
from kefu.tickets.access import department_ids
from kefu.tickets.actions._base import (
    _bump,
    _end_dispatches,
    _event,
    _lock,
    _move,
    _require,
    _required_text,
    _touch,
    route_for,
)
from kefu.tickets.choices import (
    CloseReason,
    DraftKind,
    DraftStatus,
    EventKind,
    Move,
    RouteAction,
    Status,
)
from kefu.tickets.models import (
    Dispatch,
    DispatchDraft,
    Ticket,
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
    if department.pk not in department_ids(handler):
        # R-ORG-3: a handler sees only their own department's orders; one from elsewhere would
        # be told of an order they cannot open.
        message = _("%(name)s does not belong to %(dept)s; choose someone from that department.")
        raise ValidationError({"handler": message % {"name": handler.name, "dept": department}})
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
    notices.review_needed(actor, locked)
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
    notices.dispatched(actor, locked, handler, instructions.strip())
    return locked


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
    notices.review_needed(actor, locked)
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
        # Another department without a person named goes to that department's responsible
        # person, not to the drafted one, who belongs to the old department.
        moved = department is not None and department.pk != locked_draft.department_id
        drafted_handler = None if moved else locked_draft.handler
        dept, person = _dispatch_target(
            ticket, department or locked_draft.department, handler or drafted_handler
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
        notices.dispatched(actor, result, person, locked_draft.instructions)
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
        notices.withdrawn(actor, result, locked_draft.handler, locked_draft.instructions)
    else:  # follow-up: the state stays, the handler is told what changed
        result = _touch(actor, ticket, expected_version, has_pending_draft=False)
        _event(result, actor, EventKind.FOLLOW_UP, body=locked_draft.instructions, data=data)
        notices.follow_up(actor, result, locked_draft.handler, locked_draft.instructions)

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
    notices.draft_sent_back(actor, locked_draft, text)
    locked_draft.status = DraftStatus.SENT_BACK
    locked_draft.reviewed_by = actor
    locked_draft.reviewed_at = timezone.now()
    locked_draft.review_note = text
    locked_draft.save()
    return result
