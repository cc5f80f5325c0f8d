"""Dispatch and its two-step review, follow-ups and withdrawals (R-WO-2..5)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.notifications import work_orders as notices
from kefu.org.choices import DepartmentKind
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

# The company and the center itself, and teams (the center's own 话务一班, 投诉处理席 …), are not
# departments an order is dispatched to (R-ORG-1). The one exception is the superior route of a
# secondary complaint (R-WO-2 D): it goes to the complained person's own team or department.
NOT_DISPATCH_TARGETS = frozenset(
    {DepartmentKind.COMPANY, DepartmentKind.CENTER, DepartmentKind.TEAM}
)


def check_route(ticket: Ticket, department: Department | None) -> None:
    """R-WO-2, R-CLS-4: a first dispatch only where the route sends the order out.

    Harassment (F) is ended politely and never dispatched; a complaint the route keeps in the
    center (A1 levels I–II) is resolved there, and goes out only once its level says on-site
    handling is needed. Another order the center answers (an inquiry, E) may still be sent to a
    department deliberately: only with the department named, never "by routing rule", and only
    through a senior agent, who dispatches it or approves the draft (R-WO-3).
    """
    route = route_for(ticket.call_type, ticket.level)
    if route.action == RouteAction.CLOSE_POLITELY:
        raise IllegalTransition(
            _("A harassment call is ended politely and recorded; it is never dispatched (R-WO-2).")
        )
    if route.action != RouteAction.CENTER:
        return
    if ticket.call_type.is_complaint:
        raise IllegalTransition(
            _(
                "A %(type)s complaint is resolved by the center, not dispatched (R-WO-2, "
                "R-CLS-4). If it needs on-site handling, correct its level first."
            )
            % {"type": ticket.type_label}
        )
    if department is None:
        raise IllegalTransition(
            _(
                "A %(type)s order is answered by the center (R-WO-2). To send it to a department "
                "anyway, choose the department."
            )
            % {"type": ticket.type_label}
        )


def _superior_unit_ids(ticket: Ticket) -> set[int]:
    """The team and department of the person complained about (the superior route, R-WO-2 D)."""
    if route_for(ticket.call_type, ticket.level).action != RouteAction.SUPERIOR:
        return set()
    person = ticket.complained_staff
    if person is None:
        return set()
    return {pk for pk in (person.team_id, person.department_id) if pk is not None}


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
    if department.kind in NOT_DISPATCH_TARGETS and department.pk not in _superior_unit_ids(ticket):
        message = _("%(dept)s is not a department orders are dispatched to; choose another.")
        raise ValidationError({"department": message % {"dept": department.name}})
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
    kind = DraftKind.DISPATCH if ticket.status == Status.REGISTERED else DraftKind.REDISPATCH
    if kind == DraftKind.DISPATCH:
        check_route(ticket, department)
    return _draft(actor, ticket, kind, department, handler, instructions, expected_version)


@transaction.atomic
def submit_second_dispatch(
    actor: User,
    ticket: Ticket,
    *,
    department: Department | None = None,
    handler: User | None = None,
    instructions: str = "",
    expected_version: int | None,
) -> DispatchDraft:
    """R-CB-4: the callback found the problem back, and the surveyor drafts the second dispatch.

    Unlike a first handling, this draft is not kept from a surveyor for a VIP or major
    customer's order (R-CLS-6): the callback is the surveyor's to make, and the draft is still
    reviewed by a senior agent (R-WO-3) before anything is sent.
    """
    _require(actor, "callbacks.make", ticket)
    if not actor.has_perm("tickets.draft_dispatch", ticket):
        raise PermissionDenied(_("You are not allowed to do this on this order."))
    return _draft(
        actor, ticket, DraftKind.REDISPATCH, department, handler, instructions, expected_version
    )


def _draft(
    actor: User,
    ticket: Ticket,
    kind: str,
    department: Department | None,
    handler: User | None,
    instructions: str,
    expected_version: int | None,
) -> DispatchDraft:
    department, handler = _dispatch_target(ticket, department, handler)
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
    check_route(ticket, department)
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


def _draft_terms(draft: DispatchDraft) -> dict[str, str]:
    return {
        "department": draft.department.name if draft.department else "",
        "handler": draft.handler.name if draft.handler else "",
        "instructions": draft.instructions,
    }


def _review_terms(before: dict[str, str], draft: DispatchDraft) -> dict[str, Any]:
    """What the reviewer sent (R-WO-3), and what they changed: field → [before, after]."""
    after = _draft_terms(draft)
    changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    terms: dict[str, Any] = {"instructions": after["instructions"]}
    if changes:
        terms["changes"] = changes
    return terms


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
    before = _draft_terms(locked_draft)
    if instructions is not None:
        locked_draft.instructions = instructions.strip()
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
        data.update(_review_terms(before, locked_draft))
        result = _move(
            actor,
            ticket,
            Move.APPROVE_DRAFT,
            EventKind.DRAFT_AMENDED if "changes" in data else EventKind.DRAFT_APPROVED,
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
        data.update(_review_terms(before, locked_draft))
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
        data.update(_review_terms(before, locked_draft))
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
