"""What the order page shows of its timeline: the events, newest first, with their data ready
to print (changes of an amended review, the feedback's contact time, escalation levels, files)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from kefu.tickets.choices import ESCALATION_LEVELS, EventKind
from kefu.tickets.models import Ticket, TimelineEvent
from kefu.tickets.views.files import shown_inline

# What changed in an amended review (R-WO-3), by the key the action records.
CHANGE_LABELS: dict[str, Any] = {
    "department": gettext_lazy("Department"),
    "handler": gettext_lazy("Responsible person"),
    "instructions": gettext_lazy("Instructions"),
}
# Events that set the order's result, and those after which that result is no longer current.
RESULT_EVENTS = {EventKind.FEEDBACK, EventKind.RESOLVED_FIRST_CONTACT, EventKind.CLOSED_HARASSMENT}
RESULT_ENDED = {EventKind.REOPENED, EventKind.FEEDBACK_SENT_BACK}


def timeline(ticket: Ticket) -> list[TimelineEvent]:
    """The events, newest first, with what the page shows of their data ready to print."""
    events = list(ticket.events.select_related("actor").prefetch_related("attachment"))
    for event in events:
        data = event.data or {}
        shown: dict[str, Any] = {}
        if event.kind == EventKind.FEEDBACK and data.get("contacted_at"):
            shown["contacted_at"] = parse_datetime(data["contacted_at"])
        changes = data.get("changes")
        if isinstance(changes, dict):
            shown["changes"] = [
                (CHANGE_LABELS.get(name, name), pair[0], pair[1])
                for name, pair in changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ]
        level = data.get("level")
        if isinstance(level, int) and event.kind == EventKind.ESCALATED and level >= 0:
            shown["level"] = ESCALATION_LEVELS[min(level, len(ESCALATION_LEVELS) - 1)]
        attachment = getattr(event, "attachment", None)
        if attachment is not None:
            shown["url"] = reverse(
                "tickets:attachment", kwargs={"number": ticket.number, "pk": attachment.pk}
            )
            shown["audio"] = attachment.content_type.startswith("audio/")
            shown["inline"] = shown_inline(attachment.content_type)
        event.shown = shown  # type: ignore[attr-defined]
    return events


def resolution_is_previous(events: list[TimelineEvent]) -> bool:
    """After a reopen or a sent-back feedback, the order's resolution is last round's, not a
    current one, until the next result is recorded."""
    for event in events:  # newest first
        if event.kind in RESULT_EVENTS:
            return False
        if event.kind in RESULT_ENDED:
            return True
    return False
