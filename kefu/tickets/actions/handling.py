"""The receiving department: accept, feed back, ask the superior, pass the order to a colleague
(转派) or return a misrouted one to the center (R-WO-6, R-WO-7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import IllegalTransition
from kefu.notifications import work_orders as notices
from kefu.org.models import Department, User
from kefu.tickets.access import department_ids
from kefu.tickets.actions._base import (
    FUTURE_TOLERANCE,
    _bump,
    _end_dispatches,
    _event,
    _lock,
    _move,
    _move_locked,
    _require,
    _required_text,
)
from kefu.tickets.actions.dispatch import _current_dispatch, _dispatch_target, _send_dispatch
from kefu.tickets.choices import (
    EventKind,
    Move,
    Status,
)
from kefu.tickets.models import (
    Ticket,
)

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
    elif feedback.contacted_at < (reached := _reached_department_at(ticket)) - FUTURE_TOLERANCE:
        # R-WO-6 / R-SLA-1: the call-back time limit counts from the dispatch; a contact before
        # it would meet a limit that had not started (or had already passed) on time. The
        # tolerance covers clocks a little apart and times typed to the minute.
        errors["contacted_at"] = _(
            "The customer cannot have been contacted for this order before it reached your "
            "department (%(at)s)."
        ) % {"at": timezone.localtime(reached).strftime("%Y-%m-%d %H:%M")}
    if not feedback.solution.strip():
        errors["solution"] = _("Describe the solution.")
    if not feedback.effect.strip():
        errors["effect"] = _("Describe the effect of the solution.")
    if errors:
        raise ValidationError(errors)
    assert feedback.contacted_at is not None  # noqa: S101 - narrowed by the checks above
    locked = _move(
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
    notices.fed_back(actor, locked, feedback.solution.strip())  # R-WO-8: the center confirms
    return locked


def _reached_department_at(ticket: Ticket) -> datetime:
    """When the order reached its department: the first of the latest run of dispatches to it
    (a pass to a colleague is a new dispatch to the same department); its receipt if none."""
    reached = ticket.received_at
    for dispatch in ticket.dispatches.order_by("-dispatched_at", "-pk"):
        if dispatch.department_id != ticket.department_id:
            break
        reached = dispatch.dispatched_at
    return reached


def superior_of(person: User, department: Department | None) -> User | None:
    """R-WO-7: the head of the handler's department, or the next head up the tree when the
    handler heads it themselves; None when nobody is above them."""
    seen: set[int] = set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        head = department.head
        if head is not None and head.pk != person.pk and head.is_active:
            return head
        department = department.parent
    return None


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
    superior = superior_of(actor, locked.department)
    locked.help_requested = True
    _bump(locked, actor)
    _event(
        locked,
        actor,
        EventKind.HELP_REQUESTED,
        body=text,
        data={"superior": superior.name if superior else ""},
    )
    notices.help_requested(actor, locked, superior, text)
    return locked


def _refuse_while_drafted(ticket: Ticket) -> None:
    # A follow-up or withdrawal under review names the running dispatch and its handler.
    if ticket.has_pending_draft:
        raise IllegalTransition(
            _("A draft for this order is awaiting review at the center; wait for its answer.")
        )


@transaction.atomic
def pass_to_colleague(
    actor: User,
    ticket: Ticket,
    colleague: User | None,
    reason: str,
    *,
    expected_version: int | None,
) -> Ticket:
    """转派本部门同事: the order goes to another person of the actor's department (or a unit
    below it) who may receive orders; they accept it anew. The department's time limits run on.
    """
    _require(actor, "tickets.accept", ticket)
    text = _required_text(reason, "reason", _("Say why you pass the order on."))
    if colleague is None:
        raise ValidationError({"handler": _("Choose the colleague to pass the order to.")})
    locked = _lock(ticket, expected_version)
    _refuse_while_drafted(locked)
    department, previous = locked.department, locked.handler
    if department is None:
        raise IllegalTransition(_("Only an order dispatched to a department can be passed on."))
    if colleague.pk == locked.handler_id:
        message = _("The order is already with %(name)s.") % {"name": colleague.name}
        raise ValidationError({"handler": message})
    if not colleague.is_active or colleague.department_id not in department_ids(actor):
        message = _("%(name)s is not an active colleague of your department.")
        raise ValidationError({"handler": message % {"name": colleague.name}})
    # The checks of any dispatch: may receive orders, sees the department's orders (R-ORG-3),
    # is not the person complained about.
    _dispatch_target(locked, department, colleague)
    locked = _move_locked(
        actor,
        locked,
        Move.TRANSFER,
        EventKind.TRANSFERRED,
        body=text,
        data={
            "from": previous.name if previous else "",
            "department": department.name,
            "handler": colleague.name,
        },
        changes={"handler": colleague, "help_requested": False},
    )
    # The center's reviewed instructions stay the dispatch's; the reason is on the timeline.
    running = _current_dispatch(locked)
    instructions = running.instructions if running is not None else ""
    reviewed_by = running.reviewed_by if running is not None else None
    _send_dispatch(actor, locked, department, colleague, instructions, reviewed_by=reviewed_by)
    notices.passed_on(actor, locked, colleague, text)
    return locked


@transaction.atomic
def return_to_center(
    actor: User, ticket: Ticket, reason: str, *, expected_version: int | None
) -> Ticket:
    """R-WO-7 退回中心（派错）: the order is not for this department. The dispatch ends, the
    department's time limits with it, and the first-contact owner dispatches it again."""
    _require(actor, "tickets.accept", ticket)
    text = _required_text(reason, "reason", _("Say why the order is not for your department."))
    locked = _lock(ticket, expected_version)
    _refuse_while_drafted(locked)
    department, handler = locked.department, locked.handler
    locked = _move_locked(
        actor,
        locked,
        Move.RETURN_TO_CENTER,
        EventKind.RETURNED_TO_CENTER,
        body=text,
        data={
            "from_department": department.name if department else "",
            "from_handler": handler.name if handler else "",
        },
        changes={"department": None, "handler": None, "help_requested": False},
    )
    _end_dispatches(locked)
    notices.returned(actor, locked, text)
    return locked
