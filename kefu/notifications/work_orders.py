"""Who the work-order actions notify, and with what words (one call per action).

The actions in ``kefu.tickets.actions`` call these inside their transaction, after the change:

* dispatched (directly, or a reviewed draft approved) → the handler it is dispatched to;
* a follow-up 追单 or withdrawal 退单 approved → the handler of the running dispatch;
* a draft sent back → the agent who drafted it; the handler's feedback sent back → the handler;
* the handler asks for help (R-WO-7) → their superior, and the order's first-contact owner, who
  reports to the center;
* the handler feeds back (R-WO-6) → the order's first-contact owner, who confirms it (R-WO-8);
* a draft awaiting review → the senior agents who may review it, **only when the order is urgent
  or of a VIP/major customer** (R-CLS-5, R-CLS-6): every other draft waits in the review queue,
  which the senior agents watch anyway, so telling all of them about each one would be noise;
* the customer chases the order 客户催单 (R-IN-4, R-WO-9) → its handler while it is dispatched to
  them, else its first-contact owner;
* the handler passes the order to a colleague 转派 → that colleague; returns a misrouted order to
  the center (R-WO-7) → the first-contact owner, who dispatches it again.

Nobody is notified of their own action. Each person's text is written in their own language.

A notice that asks someone to act is read once the act is done, by whoever did it: ``ANSWERS``
says which timeline events answer which notices, and ``_mark_answered`` (a receiver of every
timeline event) marks them read for everyone who was told.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.notifications.services import in_their_languages, mark_answered, notify_many
from kefu.org.roles import ROLES
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.signals import ticket_event

if TYPE_CHECKING:
    from kefu.org.models import User
    from kefu.tickets.models import DispatchDraft, Ticket, TimelineEvent


def _url(ticket: Ticket) -> str:
    return reverse("tickets:detail", kwargs={"number": ticket.number})


def _tell(
    people: Iterable[User | None],
    actor: User,
    event: str,
    ticket: Ticket,
    title: str,
    body: str = "",
) -> int:
    """Notify everyone but the actor, each in their own language. ``title`` is a source string
    (marked with ``gettext_noop``) with ``%(number)s``, ``%(name)s`` and ``%(title)s``
    placeholders, translated here for each recipient's language; ``body`` is the actor's text."""
    values = {"number": ticket.number, "name": actor.name, "title": ticket.title}
    others = [p for p in people if p is not None and p.pk != actor.pk]
    return notify_many(
        in_their_languages(
            others,
            event,
            lambda: (_(title) % values, body),
            url=_url(ticket),
            ticket=ticket,
        )
    )


def dispatched(actor: User, ticket: Ticket, handler: User, instructions: str) -> int:
    return _tell(
        [handler],
        actor,
        "tickets.dispatched",
        ticket,
        gettext_noop("Order %(number)s was dispatched to you: %(title)s"),
        instructions,
    )


def follow_up(actor: User, ticket: Ticket, handler: User | None, text: str) -> int:
    return _tell(
        [handler],
        actor,
        "tickets.follow_up",
        ticket,
        gettext_noop("Follow-up on order %(number)s: the task or deadline changed"),
        text,
    )


def withdrawn(actor: User, ticket: Ticket, handler: User | None, reason: str) -> int:
    return _tell(
        [handler],
        actor,
        "tickets.follow_up",
        ticket,
        gettext_noop("Order %(number)s was withdrawn: stop work on it"),
        reason,
    )


def draft_sent_back(actor: User, draft: DispatchDraft, reason: str) -> int:
    return _tell(
        [draft.drafted_by],
        actor,
        "tickets.sent_back",
        draft.ticket,
        gettext_noop("%(name)s sent back your draft for order %(number)s"),
        reason,
    )


def feedback_sent_back(actor: User, ticket: Ticket, reason: str) -> int:
    return _tell(
        [ticket.handler],
        actor,
        "tickets.sent_back",
        ticket,
        gettext_noop("Your feedback on order %(number)s was sent back: not resolved yet"),
        reason,
    )


def help_requested(actor: User, ticket: Ticket, superior: User | None, reason: str) -> int:
    """R-WO-7: the superior takes it up at once; the center (the order's owner) is told."""
    written = _tell(
        [superior],
        actor,
        "tickets.help_requested",
        ticket,
        gettext_noop("%(name)s asks you for help with order %(number)s: %(title)s"),
        reason,
    )
    if superior is None or superior.pk != ticket.owner_id:
        written += _tell(
            [ticket.owner],
            actor,
            "tickets.help_requested",
            ticket,
            gettext_noop("%(name)s asked their superior for help with order %(number)s"),
            reason,
        )
    return written


def fed_back(actor: User, ticket: Ticket, solution: str) -> int:
    """R-WO-8: the first-contact owner confirms the handler's result (R-WO-10)."""
    return _tell(
        [ticket.owner],
        actor,
        "tickets.fed_back",
        ticket,
        gettext_noop("%(name)s fed back on order %(number)s: confirm the result"),
        solution,
    )


def review_needed(actor: User, ticket: Ticket) -> int:
    """Senior agents who may review the order's draft, if it is urgent or VIP (see above)."""
    if not (ticket.urgent or ticket.senior_only):
        return 0
    return _tell(
        reviewers(ticket),
        actor,
        "tickets.review_needed",
        ticket,
        gettext_noop("Urgent or VIP draft awaiting review: order %(number)s"),
    )


def reviewers(ticket: Ticket) -> list[User]:
    """Active staff whose roles let them review this order's draft (R-WO-3, R-CLS-6)."""
    from kefu.org.models import User

    needed = {"tickets.review"} | ({"tickets.handle_vip"} if ticket.senior_only else set())
    codes = [role.code for role in ROLES if needed <= role.permissions]
    people = User.objects.filter(is_active=True, roles__code__in=codes).distinct()
    return [person for person in people if person.has_perm("tickets.review", ticket)]


def chased(actor: User, ticket: Ticket, said: str) -> int:
    """R-IN-4, R-WO-9 客户催单: whoever has the order now hears the customer is waiting."""
    with_handler = ticket.status in {Status.DISPATCHED, Status.IN_PROGRESS} and ticket.handler
    return _tell(
        [ticket.handler if with_handler else ticket.owner],
        actor,
        "tickets.chased",
        ticket,
        gettext_noop("The customer chased order %(number)s: %(title)s"),
        said,
    )


def passed_on(actor: User, ticket: Ticket, colleague: User, reason: str) -> int:
    """转派本部门同事: the colleague now holds the order and accepts it."""
    return _tell(
        [colleague],
        actor,
        "tickets.dispatched",
        ticket,
        gettext_noop("%(name)s passed order %(number)s to you: %(title)s"),
        reason,
    )


def returned(actor: User, ticket: Ticket, reason: str) -> int:
    """R-WO-7: a misrouted order is back with its first-contact owner (R-WO-10), to dispatch."""
    return _tell(
        [ticket.owner],
        actor,
        "tickets.returned",
        ticket,
        gettext_noop("%(name)s returned order %(number)s to the center: dispatched wrongly"),
        reason,
    )


# Timeline event → the notices it answers: "confirm the result" (R-WO-8), "awaiting review"
# (R-WO-3), "dispatched to you", and "asks you for help" (R-WO-7: the superior takes it up,
# feeds back, passes it on or reports it back to the center).
ANSWERS: dict[str, tuple[str, ...]] = {
    EventKind.CONFIRMED: ("tickets.fed_back",),
    EventKind.FEEDBACK_SENT_BACK: ("tickets.fed_back",),
    EventKind.DRAFT_APPROVED: ("tickets.review_needed",),
    EventKind.DRAFT_AMENDED: ("tickets.review_needed",),
    EventKind.DRAFT_SENT_BACK: ("tickets.review_needed",),
    EventKind.FOLLOW_UP: ("tickets.review_needed",),  # a follow-up draft approved
    EventKind.WITHDRAWN: ("tickets.review_needed",),  # a withdrawal draft approved
    EventKind.ACCEPTED: ("tickets.dispatched",),
    EventKind.FEEDBACK: ("tickets.help_requested",),
    EventKind.TRANSFERRED: ("tickets.dispatched", "tickets.help_requested"),
    EventKind.RETURNED_TO_CENTER: ("tickets.dispatched", "tickets.help_requested"),
    EventKind.VOIDED: ("tickets.review_needed",),  # its pending draft is cancelled with it
}


# Connected when this module is imported, which ``kefu.tickets.actions`` does: no timeline
# event is written without it. The notices the action then sends are written after the event,
# so a new "dispatched to you" of a pass to a colleague is not read by its own event.
@receiver(ticket_event, dispatch_uid="kefu.notifications.answered")
def _mark_answered(sender: Any, ticket: Ticket, event: TimelineEvent, **kwargs: Any) -> None:
    codes = ANSWERS.get(event.kind)
    if codes:
        mark_answered(ticket, codes)
