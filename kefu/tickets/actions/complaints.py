"""Order actions for the callback and complaint records of kefu.callbacks (R-CB-1..5, R-SUG-1).

The callback app keeps its own records (attempts, satisfaction, second-dispatch links,
department warnings, suggestions); what it writes on the order itself goes through here:
a versioned touch of the order and one timeline event, in the caller's transaction. No new
event kinds: the generic ``NOTE`` / ``CUSTOMER_CONTACTED`` kinds carry ``data["kind"]``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from kefu.org.models import User
from kefu.tickets.actions._base import _event, _require, _touch
from kefu.tickets.choices import EventKind, Visibility
from kefu.tickets.models import SuggestionSubject, Ticket, TimelineEvent

# data["kind"] values written by the callback module on the timeline.
CALLBACK_ATTEMPT = "callback_attempt"
SATISFACTION = "satisfaction"
PROBLEM_BACK = "problem_back"
DEPARTMENT_WARNING = "department_warning"
SECONDARY_COMPLAINT = "secondary_complaint"
SUGGESTION_CLASSIFIED = "suggestion_classified"
POST_CALL_RATING = "post_call_rating"
COMPLAINT_RECORD = "complaint_record"


@transaction.atomic
def record_callback_event(
    actor: User,
    ticket: Ticket,
    record_kind: str,
    body: str,
    *,
    perm: str = "callbacks.make",
    data: dict[str, Any] | None = None,
    customer_contact: bool = False,
    expected_version: int | None = None,
) -> TimelineEvent:
    """Write one callback-module fact on the order's timeline (R-WO-1, R-WO-9).

    ``customer_contact`` files it as a customer contact (a callback call), otherwise as an
    internal note; ``perm`` is what the actor needs on this order.
    """
    _require(actor, perm, ticket)
    locked = _touch(actor, ticket, expected_version)
    return _event(
        locked,
        actor,
        EventKind.CUSTOMER_CONTACTED if customer_contact else EventKind.NOTE,
        body=body.strip(),
        visibility=Visibility.CUSTOMER if customer_contact else Visibility.INTERNAL,
        data={"kind": record_kind, **(data or {})},
    )


@transaction.atomic
def classify_suggestion(
    actor: User,
    ticket: Ticket,
    subject: SuggestionSubject,
    note: str = "",
    *,
    expected_version: int | None = None,
) -> Ticket:
    """R-SUG-1: the knowledge editor classifies a suggestion by subject."""
    if not actor.has_perm("suggestions.classify"):
        raise PermissionDenied(_("Only the knowledge editor classifies suggestions."))
    locked = _touch(actor, ticket, expected_version, suggestion_subject=subject)
    _event(
        locked,
        actor,
        EventKind.NOTE,
        body=note.strip(),
        data={"kind": SUGGESTION_CLASSIFIED, "subject": subject.name},
    )
    return locked


def system_event(ticket: Ticket, actor: User, record_kind: str, body: str, **data: Any) -> None:
    """A fact the module records on the order for an outside party (the telephony rating):
    the permission was checked by the caller; the order's version is bumped all the same."""
    locked = _touch(actor, ticket, None)
    _event(locked, actor, EventKind.NOTE, body=body, data={"kind": record_kind, **data})
