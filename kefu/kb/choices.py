"""Knowledge-base values: article states, the workflow steps and the one transition table
(R-KB-1) that says which step is legal from which state and which permission it needs.

``workflow`` refuses any step not in ``TRANSITIONS``; templates offer only the steps
``workflow.allowed_steps`` returns.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Notice received")
    READ = "read", _("Read by the director")
    STUDIED = "studied", _("Studied, information collected")
    ENTERED = "entered", _("Entered by the editor")
    CONFIRMED = "confirmed", _("Confirmed by the issuing department")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


STATUS_COLOURS: dict[str, str] = {
    Status.RECEIVED: "secondary",
    Status.READ: "info",
    Status.STUDIED: "info",
    Status.ENTERED: "warning",
    Status.CONFIRMED: "primary",
    Status.PUBLISHED: "success",
    Status.RETIRED: "dark",
}


class Step(models.TextChoices):
    """Every recorded step of an article's life; each is one function in ``workflow``."""

    RECEIVE = "receive", _("Register business notice")
    FROM_CASE = "from_case", _("Draft from a hard case")
    READ = "read", _("Mark read (director)")
    STUDY = "study", _("Record study and collected information")
    SAVE = "save", _("Save draft")
    ENTER = "enter", _("Enter into the knowledge base")
    CONFIRM = "confirm", _("Confirm wording (issuing department)")
    SEND_BACK = "send_back", _("Send back")
    PUBLISH = "publish", _("Publish")
    REVISE = "revise", _("Revise (new version)")
    RETIRE = "retire", _("Retire")


class Transition(NamedTuple):
    target: str
    permission: str


# state → {step: (next state, permission)}. Sending back returns the article to the editor.
TRANSITIONS: dict[str, dict[str, Transition]] = {
    Status.RECEIVED: {Step.READ: Transition(Status.READ, "kb.read_notice")},
    Status.READ: {Step.STUDY: Transition(Status.STUDIED, "kb.study")},
    Status.STUDIED: {Step.ENTER: Transition(Status.ENTERED, "kb.edit")},
    Status.ENTERED: {
        Step.CONFIRM: Transition(Status.CONFIRMED, "kb.confirm"),
        Step.SEND_BACK: Transition(Status.STUDIED, "kb.confirm"),
    },
    Status.CONFIRMED: {
        Step.PUBLISH: Transition(Status.PUBLISHED, "kb.publish"),
        Step.SEND_BACK: Transition(Status.STUDIED, "kb.publish"),
    },
    Status.PUBLISHED: {Step.RETIRE: Transition(Status.RETIRED, "kb.publish")},
    Status.RETIRED: {},
}

# States in which the editor may change the text without a new version: before entry is
# confirmed. A published article changes only by ``revise`` (a new version).
EDITABLE_STATES = frozenset({Status.RECEIVED, Status.READ, Status.STUDIED, Status.ENTERED})
IN_WORKFLOW = frozenset(
    {Status.RECEIVED, Status.READ, Status.STUDIED, Status.ENTERED, Status.CONFIRMED}
)


def transition(current: str, step: str) -> Transition | None:
    return TRANSITIONS.get(current, {}).get(step)


class SearchSource(models.TextChoices):
    KB = "kb", _("Knowledge base page")
    INTAKE = "intake", _("Intake form")
    API = "api", _("API")


class PhraseKind(models.TextChoices):
    """The kind of text box a standard phrase (常用语) is offered in."""

    INSTRUCTIONS = "instructions", _("Dispatch instructions")
    ANSWER = "answer", _("Answer to the customer")
    SOLUTION = "solution", _("Feedback solution")
    NOTE = "note", _("Note")
    REASON = "reason", _("Reason (send back, reopen, withdraw)")


# The order page's moves (kefu/tickets/views/move_table.py) → the phrases their text box offers.
# A move not listed here has no picker.
MOVE_PHRASE_KINDS: dict[str, str] = {
    "submit_draft": PhraseKind.INSTRUCTIONS,
    "dispatch": PhraseKind.INSTRUCTIONS,
    "approve_draft": PhraseKind.INSTRUCTIONS,
    "redispatch": PhraseKind.INSTRUCTIONS,
    "resolve_first_contact": PhraseKind.ANSWER,
    "contact": PhraseKind.ANSWER,
    "feedback": PhraseKind.SOLUTION,
    "note": PhraseKind.NOTE,
    "send_back_draft": PhraseKind.REASON,
    "send_back_feedback": PhraseKind.REASON,
    "reopen": PhraseKind.REASON,
    "withdrawal": PhraseKind.REASON,
}
