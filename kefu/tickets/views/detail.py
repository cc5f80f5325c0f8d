"""The order page: details, the moves this user may make, and the timeline (R-WO-1, R-WO-9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.types import AuthedRequest
from kefu.customers.masking import shown_phone
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, User
from kefu.tickets import actions
from kefu.tickets.access import access_ticket
from kefu.tickets.choices import ESCALATION_LEVELS, EventKind, Status
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
from kefu.tickets.models import DispatchDraft, Ticket, TimelineEvent
from kefu.tickets.moves import allowed_moves, dispatch_override, may_review
from kefu.tickets.queries import pending_draft
from kefu.tickets.views.files import shown_inline


def side_moves(user: Any, ticket: Ticket, draft: DispatchDraft | None) -> set[str]:
    """Moves that do not change the state, offered where the actions would accept them."""
    found: set[str] = set()
    if ticket.is_open and user.has_perm("tickets.add_note", ticket):
        found |= {"note", "contact", "attach"}
    if ticket.is_open and user.has_perm("tickets.edit", ticket):
        found.add("edit")
    if ticket.is_open and user.has_perm("tickets.hand_over", ticket):
        found.add("hand_over")
    in_dispatch = ticket.status in {Status.DISPATCHED, Status.IN_PROGRESS}
    if in_dispatch and draft is None and user.has_perm("tickets.draft_dispatch", ticket):
        found |= {"follow_up", "withdrawal"}
    if ticket.status == Status.IN_PROGRESS and user.has_perm("tickets.ask_superior", ticket):
        found.add("ask_superior")
    if ticket.is_open and not ticket.urgent and user.has_perm("tickets.mark_urgent", ticket):
        found.add("urgent")
    if may_review(user, ticket):
        found.add("review")
    return found


@login_required
def detail(request: AuthedRequest, number: str) -> HttpResponse:
    return _page(request, access_ticket(request.user, number))


def _page(
    request: AuthedRequest,
    ticket: Ticket,
    *,
    failed: str = "",
    form: VersionedForm | None = None,
) -> HttpResponse:
    """The order page; after a refused move (``failed``) the user's input is shown again."""
    draft = pending_draft(ticket)
    events = _timeline(ticket)
    dispatches = list(
        ticket.dispatches.select_related("department", "handler", "dispatched_by", "reviewed_by")
    )
    may_edit = request.user.has_perm("tickets.edit", ticket)
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "draft": draft,
            "moves": set(allowed_moves(request.user, ticket)),
            "side_moves": side_moves(request.user, ticket, draft),
            "dispatch_override": dispatch_override(ticket),
            "events": events,
            "resolution_is_previous": _resolution_is_previous(events),
            "failed": failed,
            "posted": request.POST if failed else {},
            "hand_over_form": form
            if failed == "hand_over"
            else HandOverForm(initial={"version": ticket.version}, auto_id="hand_%s"),
            "edit_form": (
                form
                if failed == "edit"
                else EditForm(
                    initial={"version": ticket.version, **_initial(ticket, EditForm)},
                    auto_id="edit_%s",
                )
            )
            if may_edit
            else None,
            "current_dispatch": dispatches[0] if dispatches else None,
            "earlier_dispatches": dispatches[1:],
            "attachments": ticket.attachments.all(),
            "contact_phone": shown_phone(request.user, ticket.contact_phone),
            # Dispatched outside the center (R-ORG-1): not the company, the center or a team.
            "departments": Department.objects.filter(is_active=True).exclude(
                kind__in=[DepartmentKind.COMPANY, DepartmentKind.CENTER, DepartmentKind.TEAM]
            ),
            "handlers": User.objects.filter(is_active=True, roles__code="department_handler")
            .select_related("department")
            .distinct(),
        },
    )


# What changed in an amended review (R-WO-3), by the key the action records.
CHANGE_LABELS: dict[str, Any] = {
    "department": gettext_lazy("Department"),
    "handler": gettext_lazy("Responsible person"),
    "instructions": gettext_lazy("Instructions"),
}
# Events that set the order's result, and those after which that result is no longer current.
RESULT_EVENTS = {EventKind.FEEDBACK, EventKind.RESOLVED_FIRST_CONTACT, EventKind.CLOSED_HARASSMENT}
RESULT_ENDED = {EventKind.REOPENED, EventKind.FEEDBACK_SENT_BACK}


def _timeline(ticket: Ticket) -> list[TimelineEvent]:
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


def _resolution_is_previous(events: list[TimelineEvent]) -> bool:
    """After a reopen or a sent-back feedback, the order's resolution is last round's, not a
    current one, until the next result is recorded."""
    for event in events:  # newest first
        if event.kind in RESULT_EVENTS:
            return False
        if event.kind in RESULT_ENDED:
            return True
    return False


# --- Moves ------------------------------------------------------------------------------------
# name → (form, what to do). Each handler only maps form fields onto one action.

Handler = Callable[[Any, Ticket, Any, int], object]


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
    "ask_superior": gettext_lazy("Your superior and the center are told you need help."),
    "confirm": gettext_lazy("The result is confirmed; the callback is next."),
    "send_back_feedback": gettext_lazy("The order is sent back to the handler."),
    "redispatch": gettext_lazy("The second dispatch is submitted for review."),
    "follow_up": gettext_lazy("The follow-up is submitted for review."),
    "withdrawal": gettext_lazy("The withdrawal is submitted for review."),
    "close": gettext_lazy("The order is closed."),
    "reopen": gettext_lazy("The order is reopened."),
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
    "ask_superior": gettext_lazy("What you need help with"),
    "confirm": gettext_lazy("Note"),
    "send_back_feedback": gettext_lazy("What is still not resolved"),
    "redispatch": gettext_lazy("Instructions"),
    "follow_up": gettext_lazy("What changes (deadline or task)"),
    "withdrawal": gettext_lazy("Why the customer asks to stop"),
    "close": gettext_lazy("Callback result"),
    "reopen": gettext_lazy("Reason"),
    "urgent": gettext_lazy("Note"),
    "note": gettext_lazy("Note"),
    "contact": gettext_lazy("What the customer was told"),
}


def _initial(ticket: Ticket, form_class: type[VersionedForm]) -> dict[str, Any]:
    """The order's current values, so the edit form can tell which fields the user changed."""
    if form_class is not EditForm:
        return {}
    return {name: getattr(ticket, name) for name in EditForm.base_fields if name != "version"}


@login_required
@require_POST
def do_move(request: AuthedRequest, number: str, move: str) -> HttpResponse:
    """One move; on success back to the page (POST-redirect-GET). A refused move shows the page
    again with the error and what the user typed, so nothing typed is lost."""
    if move not in MOVES:
        raise Http404
    ticket = access_ticket(request.user, number)
    form_class, handler = MOVES[move]
    form = form_class(request.POST, request.FILES, initial=_initial(ticket, form_class))
    if "text" in form.fields and move in TEXT_LABELS:
        form.fields["text"].label = TEXT_LABELS[move]
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return _page(request, ticket, failed=move, form=form)
    data = {**form.cleaned_data, "_form": form}
    try:
        handler(request.user, ticket, data, form.cleaned_data["version"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except (IllegalTransition, StaleObject, PermissionDenied) as error:
        messages.error(request, str(error) or _("You are not allowed to do this on this order."))
    else:
        messages.success(request, str(DONE[move]))
        return redirect("tickets:detail", number=number)
    # The action changed nothing; the page shows the order as it is now.
    return _page(request, access_ticket(request.user, number), failed=move, form=form)
