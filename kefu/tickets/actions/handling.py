"""The receiving department: accept, feed back, ask the superior (R-WO-6, R-WO-7)."""

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
from kefu.tickets.actions._base import (
    FUTURE_TOLERANCE,
    _bump,
    _event,
    _lock,
    _move,
    _require,
    _required_text,
)
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
