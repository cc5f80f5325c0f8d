"""Work-order values: states with labels and colours, the legal moves between states (R-WO-1),
channels (§2), complaint levels (R-CLS-4) and timeline event kinds.

The transition map is the one place that says which move is legal; ``actions`` refuses any
other, and templates only offer what ``allowed_moves`` returns.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    FED_BACK = "fed_back", _("Fed back")
    PENDING_CALLBACK = "pending_callback", _("Awaiting callback")
    CLOSED = "closed", _("Closed")


STATUS_COLOURS: dict[str, str] = {
    Status.REGISTERED: "secondary",
    Status.AWAITING_REVIEW: "warning",
    Status.DISPATCHED: "info",
    Status.IN_PROGRESS: "primary",
    Status.FED_BACK: "success",
    Status.PENDING_CALLBACK: "dark",
    Status.CLOSED: "light",
}

OPEN_STATUSES = frozenset(s for s in Status if s != Status.CLOSED)


class Move(models.TextChoices):
    """Every transition of R-WO-1; each is one function in ``actions``."""

    RESOLVE_FIRST_CONTACT = "resolve_first_contact", _("Resolve on first contact")
    CLOSE_HARASSMENT = "close_harassment", _("Close politely (harassment)")
    SUBMIT_DRAFT = "submit_draft", _("Submit dispatch for review")
    DISPATCH = "dispatch", _("Dispatch")
    APPROVE_DRAFT = "approve_draft", _("Approve")
    SEND_BACK_DRAFT = "send_back_draft", _("Send back")
    ACCEPT = "accept", _("Accept")
    TRANSFER = "transfer", _("Pass to a colleague")
    RETURN_TO_CENTER = "return_to_center", _("Return to the center (misrouted)")
    FEEDBACK = "feedback", _("Feed back")
    CONFIRM = "confirm", _("Confirm result")
    SEND_BACK_FEEDBACK = "send_back_feedback", _("Send back to handler")
    REDISPATCH = "redispatch", _("Re-dispatch")
    WITHDRAW = "withdraw", _("Withdraw")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    # 作废: a duplicate or mistakenly registered order, closed before it is dispatched.
    VOID = "void", _("Void (duplicate or mistaken order)")


# state → {move: next state}
TRANSITIONS: dict[str, dict[str, str]] = {
    Status.REGISTERED: {
        Move.RESOLVE_FIRST_CONTACT: Status.PENDING_CALLBACK,
        Move.CLOSE_HARASSMENT: Status.CLOSED,
        Move.SUBMIT_DRAFT: Status.AWAITING_REVIEW,
        Move.DISPATCH: Status.DISPATCHED,
        Move.VOID: Status.CLOSED,
    },
    Status.AWAITING_REVIEW: {
        Move.APPROVE_DRAFT: Status.DISPATCHED,
        Move.SEND_BACK_DRAFT: Status.REGISTERED,
        Move.VOID: Status.CLOSED,  # the pending dispatch draft is cancelled with it
    },
    Status.DISPATCHED: {
        Move.ACCEPT: Status.IN_PROGRESS,
        Move.TRANSFER: Status.DISPATCHED,
        Move.RETURN_TO_CENTER: Status.REGISTERED,
        Move.WITHDRAW: Status.CLOSED,
    },
    Status.IN_PROGRESS: {
        Move.FEEDBACK: Status.FED_BACK,
        # 转派本部门同事: the colleague accepts it anew.
        Move.TRANSFER: Status.DISPATCHED,
        # R-WO-7: misrouted, reported back to the center, which dispatches it again.
        Move.RETURN_TO_CENTER: Status.REGISTERED,
        Move.WITHDRAW: Status.CLOSED,
    },
    Status.FED_BACK: {
        Move.CONFIRM: Status.PENDING_CALLBACK,
        Move.SEND_BACK_FEEDBACK: Status.IN_PROGRESS,
        Move.REDISPATCH: Status.AWAITING_REVIEW,
    },
    Status.PENDING_CALLBACK: {
        Move.CLOSE: Status.CLOSED,
        Move.REDISPATCH: Status.AWAITING_REVIEW,  # R-CB-4 second dispatch
    },
    Status.CLOSED: {
        Move.REOPEN: Status.REGISTERED,
    },
}


def next_status(current: str, move: str) -> str | None:
    return TRANSITIONS.get(current, {}).get(move)


class Channel(models.TextChoices):
    """Intake channels of SPEC §2."""

    PHONE = "phone", _("400 hotline")
    OUTBOUND = "outbound", _("Outbound call")
    EMAIL = "email", _("E-mail")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("Walk-in visit")
    WECHAT = "wechat", _("WeChat")
    WEIBO = "weibo", _("Weibo")
    WEB = "web", _("Web form / app")
    RECORDING = "recording", _("Voice recording / voice mail")
    MEMO = "memo", _("Transfer from another department")
    EXTERNAL = "external", _("Transfer from an outside body")


# R-IN-2: text-form contacts, registered within a time limit counted from receipt.
TEXT_CHANNELS = frozenset(
    {Channel.EMAIL, Channel.FAX, Channel.LETTER, Channel.WALK_IN, Channel.MEMO, Channel.EXTERNAL}
)


class Level(models.TextChoices):
    """R-CLS-4 complaint levels."""

    I = "I", _("I — calm, no dispute, no on-site handling")  # noqa: E741
    II = "II", _("II — upset, no dispute, no on-site handling")
    III = "III", _("III — calm, business dispute, on-site handling")
    IV = "IV", _("IV — upset, on-site handling")


# R-CLS-4: the level helper's questions; an order's complaint record keeps their answers.
LEVEL_QUESTIONS = ("emotion_strong", "dispute", "on_site")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class RouteAction(models.TextChoices):
    """What R-WO-2 routing does with an order of a type (and level)."""

    DISPATCH = "dispatch", _("Dispatch to the department")
    CENTER = "center", _("Resolved by the center")
    SUPERIOR = "superior", _("Dispatch to the superior of the person complained about")
    CLOSE_POLITELY = "close_politely", _("End politely and record; no dispatch")


class DraftKind(models.TextChoices):
    """What a reviewed draft asks for (R-WO-3, R-WO-5)."""

    DISPATCH = "dispatch", _("Dispatch")
    FOLLOW_UP = "follow_up", _("Follow-up")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    REDISPATCH = "redispatch", _("Second dispatch")


class DraftStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    CANCELLED = "cancelled", _("Cancelled: the order was voided")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CUSTOMER = "customer", _("Customer-facing")


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    HARASSMENT = "harassment", pgettext_lazy("close reason", "Harassment")
    WITHDRAWN = "withdrawn", _("Withdrawn at the customer's request")
    # 作废: left out of the SLA report, callback rates and complaint statistics.
    VOID = "void", pgettext_lazy("close reason", "Void")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    REPEAT_CONTACT = "repeat_contact", _("Customer contacted again")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment")
    EDITED = "edited", _("Details changed")
    URGENT = "urgent", _("Marked urgent")
    HANDED_OVER = "handed_over", _("Handed on")
    RESOLVED_FIRST_CONTACT = "resolved_first_contact", _("Resolved on first contact")
    CLOSED_HARASSMENT = "closed_harassment", _("Closed politely (harassment)")
    DRAFT_SUBMITTED = "draft_submitted", _("Submitted for review")
    DRAFT_APPROVED = "draft_approved", _("Review approved")
    DRAFT_AMENDED = "draft_amended", _("Review amended and approved")
    DRAFT_SENT_BACK = "draft_sent_back", _("Review sent back")
    DISPATCHED = "dispatched", _("Dispatched")
    FOLLOW_UP = "follow_up", _("Follow-up sent")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ACCEPTED = "accepted", _("Accepted by handler")
    TRANSFERRED = "transferred", _("Passed to a colleague")
    RETURNED_TO_CENTER = "returned_to_center", _("Returned to the center (misrouted)")
    CUSTOMER_CONTACTED = "customer_contacted", _("Customer contacted")
    HELP_REQUESTED = "help_requested", _("Asked superior for help")
    FEEDBACK = "feedback", _("Handler fed back")
    CONFIRMED = "confirmed", _("Result confirmed")
    FEEDBACK_SENT_BACK = "feedback_sent_back", _("Sent back to handler")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    VOIDED = "voided", _("Voided (duplicate or mistaken order)")
    # Time limits and escalation (SPEC §5, kefu.sla).
    SLA_WARNING = "sla_warning", _("Time limit warning")
    SLA_ALARM = "sla_alarm", _("Time limit passed")
    ESCALATED = "escalated", _("Escalated")
    MANAGER_HOTLINE = "manager_hotline", _("Handed to the manager hotline")
    PLANNED_RESOLUTION = "planned_resolution", _("Planned resolution time stated")
    CUSTOMER_INFORMED = "customer_informed", _("Customer told of the escalation")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on the customer")
    CUSTOMER_RESPONDED = "customer_responded", _("Customer responded")


class EscalationKind(models.TextChoices):
    """R-ESC-1..3: one step along the path, or the manager hotline."""

    STEP = "step", _("One step up the escalation path")
    MANAGER_HOTLINE = "manager_hotline", _("Manager hotline")


class EscalationReason(models.TextChoices):
    OVERDUE = "overdue", _("Past its time limit")
    REPEATED = "repeated", _("Repeated complaint")
    REFUSED = "refused", _("Customer does not accept a correct answer")
    MANUAL = "manual", _("Escalated by staff")


# R-ESC-1: front-line desk → second-line staff → department head → higher experts.
ESCALATION_LEVELS: tuple[object, ...] = (
    _("Front-line desk"),
    _("Second-line staff"),
    _("Department head"),
    _("Higher experts"),
)
