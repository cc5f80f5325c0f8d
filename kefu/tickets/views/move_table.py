"""The order page's moves: each name → its form and the one action it maps onto, what the page
says once it is done, and how its text box is labelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.errors import IllegalTransition
from kefu.tickets import actions
from kefu.tickets.actions.handling import pass_to_colleague, return_to_center
from kefu.tickets.forms import (
    AttachForm,
    DispatchForm,
    EditForm,
    FeedbackForm,
    HandOverForm,
    NoteForm,
    OptionalTextForm,
    ReviewForm,
    TextForm,
    VersionedForm,
)
from kefu.tickets.models import DispatchDraft, Ticket
from kefu.tickets.queries import pending_draft

# --- Moves ------------------------------------------------------------------------------------
# name → (form, what to do). Each handler only maps form fields onto one action.

Handler = Callable[[Any, Ticket, Any, int], object]


class VoidForm(TextForm):
    """作废: the reason, and the number of the order that stays if this one is a duplicate."""

    duplicate_of = forms.CharField(
        label=gettext_lazy("Duplicate of order"), max_length=32, required=False
    )


def _draft_of(ticket: Ticket) -> DispatchDraft:
    draft = pending_draft(ticket)
    if draft is None:
        raise IllegalTransition(_("There is no draft awaiting review."))
    return draft


def _dispatch_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "department": data.get("department"),
        "handler": data.get("handler"),
        "instructions": data.get("text", ""),
    }


MOVES: dict[str, tuple[type[VersionedForm], Handler]] = {
    "resolve_first_contact": (
        TextForm,
        lambda u, t, d, v: actions.resolve_first_contact(u, t, d["text"], expected_version=v),
    ),
    "close_harassment": (
        TextForm,
        lambda u, t, d, v: actions.close_harassment(u, t, d["text"], expected_version=v),
    ),
    "submit_draft": (
        DispatchForm,
        lambda u, t, d, v: actions.submit_dispatch_draft(
            u, t, **_dispatch_args(d), expected_version=v
        ),
    ),
    "dispatch": (
        DispatchForm,
        lambda u, t, d, v: actions.dispatch_now(u, t, **_dispatch_args(d), expected_version=v),
    ),
    "approve_draft": (
        ReviewForm,
        lambda u, t, d, v: actions.approve_draft(
            u,
            _draft_of(t),
            department=d.get("department"),
            handler=d.get("handler"),
            instructions=d.get("text") or None,
            note=d.get("note", ""),
            expected_version=v,
        ),
    ),
    "send_back_draft": (
        TextForm,
        lambda u, t, d, v: actions.send_back_draft(u, _draft_of(t), d["text"], expected_version=v),
    ),
    "accept": (VersionedForm, lambda u, t, d, v: actions.accept(u, t, expected_version=v)),
    "feedback": (
        FeedbackForm,
        lambda u, t, d, v: actions.feed_back(u, t, d["_form"].feedback(), expected_version=v),
    ),
    "transfer": (
        DispatchForm,  # only its person and its text: the department stays
        lambda u, t, d, v: pass_to_colleague(
            u, t, d.get("handler"), d.get("text", ""), expected_version=v
        ),
    ),
    "return_to_center": (
        TextForm,
        lambda u, t, d, v: return_to_center(u, t, d["text"], expected_version=v),
    ),
    "ask_superior": (
        TextForm,
        lambda u, t, d, v: actions.ask_superior(u, t, d["text"], expected_version=v),
    ),
    "confirm": (
        OptionalTextForm,
        lambda u, t, d, v: actions.confirm(u, t, d.get("text", ""), expected_version=v),
    ),
    "send_back_feedback": (
        TextForm,
        lambda u, t, d, v: actions.send_back_feedback(u, t, d["text"], expected_version=v),
    ),
    "redispatch": (
        DispatchForm,
        lambda u, t, d, v: actions.submit_dispatch_draft(
            u, t, **_dispatch_args(d), expected_version=v
        ),
    ),
    "follow_up": (
        TextForm,
        lambda u, t, d, v: actions.submit_follow_up(u, t, d["text"], expected_version=v),
    ),
    "withdrawal": (
        TextForm,
        lambda u, t, d, v: actions.submit_withdrawal(u, t, d["text"], expected_version=v),
    ),
    "close": (
        OptionalTextForm,
        lambda u, t, d, v: actions.close(u, t, d.get("text", ""), expected_version=v),
    ),
    "reopen": (TextForm, lambda u, t, d, v: actions.reopen(u, t, d["text"], expected_version=v)),
    "void": (
        VoidForm,
        lambda u, t, d, v: actions.void(
            u, t, d["text"], duplicate_of=d.get("duplicate_of", ""), expected_version=v
        ),
    ),
    "urgent": (
        OptionalTextForm,
        lambda u, t, d, v: actions.mark_urgent(u, t, d.get("text", ""), expected_version=v),
    ),
    "note": (
        NoteForm,
        lambda u, t, d, v: actions.add_note(
            u, t, d["text"], visibility=d["visibility"], expected_version=v
        ),
    ),
    "edit": (
        EditForm,
        lambda u, t, d, v: actions.update_details(u, t, d["_form"].changes(), expected_version=v),
    ),
    "hand_over": (
        HandOverForm,
        lambda u, t, d, v: actions.hand_over(u, t, d["to"], d.get("text", ""), expected_version=v),
    ),
    "attach": (
        AttachForm,
        lambda u, t, d, v: actions.attach_file(
            u, t, d["file"], note=d.get("text", ""), expected_version=v
        ),
    ),
    "contact": (
        TextForm,
        lambda u, t, d, v: actions.log_customer_contact(u, t, d["text"], expected_version=v),
    ),
}

# Moves after which the actor no longer sees the order (a handler returning it to the center).
LEAVES_REACH = frozenset({"return_to_center"})

# What the page says once a move is done (R-WO-1: the user sees what happened).
DONE: dict[str, Any] = {
    "resolve_first_contact": gettext_lazy("Resolved on first contact; the callback is next."),
    "close_harassment": gettext_lazy("The harassment call is closed and recorded."),
    "submit_draft": gettext_lazy("The dispatch is submitted for review."),
    "dispatch": gettext_lazy("The order is dispatched."),
    "approve_draft": gettext_lazy("The draft is approved and sent."),
    "send_back_draft": gettext_lazy("The draft is sent back to its author."),
    "accept": gettext_lazy("The order is accepted."),
    "feedback": gettext_lazy("Your feedback is sent to the center."),
    "transfer": gettext_lazy("The order is passed to your colleague."),
    "return_to_center": gettext_lazy("The order is returned to the center to be dispatched again."),
    "ask_superior": gettext_lazy("Your superior and the center are told you need help."),
    "confirm": gettext_lazy("The result is confirmed; the callback is next."),
    "send_back_feedback": gettext_lazy("The order is sent back to the handler."),
    "redispatch": gettext_lazy("The second dispatch is submitted for review."),
    "follow_up": gettext_lazy("The follow-up is submitted for review."),
    "withdrawal": gettext_lazy("The withdrawal is submitted for review."),
    "close": gettext_lazy("The order is closed."),
    "reopen": gettext_lazy("The order is reopened."),
    "void": gettext_lazy("The order is void: closed, with no callback, and left out of reports."),
    "urgent": gettext_lazy("The order is marked urgent."),
    "note": gettext_lazy("The note is added."),
    "edit": gettext_lazy("The details are saved."),
    "hand_over": gettext_lazy("The order is handed on."),
    "attach": gettext_lazy("The file is attached."),
    "contact": gettext_lazy("The customer contact is logged."),
}
# The text box of each move is named as on the page, so an error names the field the user saw
# ("Reason: …", not the form's generic "Text: …").
TEXT_LABELS: dict[str, Any] = {
    "resolve_first_contact": gettext_lazy("Answer given to the customer"),
    "close_harassment": gettext_lazy("What happened on the call"),
    "submit_draft": gettext_lazy("Instructions"),
    "dispatch": gettext_lazy("Instructions"),
    "approve_draft": gettext_lazy("Instructions (change to amend)"),
    "send_back_draft": gettext_lazy("Reason"),
    "transfer": gettext_lazy("Why you pass it on"),
    "return_to_center": gettext_lazy("Why it is not for your department"),
    "ask_superior": gettext_lazy("What you need help with"),
    "confirm": gettext_lazy("Note"),
    "send_back_feedback": gettext_lazy("What is still not resolved"),
    "redispatch": gettext_lazy("Instructions"),
    "follow_up": gettext_lazy("What changes (deadline or task)"),
    "withdrawal": gettext_lazy("Why the customer asks to stop"),
    "close": gettext_lazy("Callback result"),
    "reopen": gettext_lazy("Reason"),
    "void": gettext_lazy("Why the order is void"),
    "urgent": gettext_lazy("Note"),
    "note": gettext_lazy("Note"),
    "contact": gettext_lazy("What the customer was told"),
}
