"""The order page: details, the moves this user may make, and the timeline (R-WO-1, R-WO-9)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.types import AuthedRequest
from kefu.customers.masking import shown_phone
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, User
from kefu.tickets import actions
from kefu.tickets.access import access_ticket
from kefu.tickets.choices import Status
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
from kefu.tickets.moves import allowed_moves, may_review
from kefu.tickets.queries import pending_draft


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
    ticket = access_ticket(request.user, number)
    draft = pending_draft(ticket)
    events = ticket.events.select_related("actor").prefetch_related("attachment")
    return render(
        request,
        "tickets/detail.html",
        {
            "ticket": ticket,
            "draft": draft,
            "moves": set(allowed_moves(request.user, ticket)),
            "side_moves": side_moves(request.user, ticket, draft),
            "events": events,
            "hand_over_form": HandOverForm(initial={"version": ticket.version}, auto_id="hand_%s"),
            "edit_form": EditForm(
                initial={"version": ticket.version, **_initial(ticket, EditForm)},
                auto_id="edit_%s",
            )
            if request.user.has_perm("tickets.edit", ticket)
            else None,
            "dispatches": ticket.dispatches.select_related("department", "handler"),
            "attachments": ticket.attachments.all(),
            "contact_phone": shown_phone(request.user, ticket.contact_phone),
            "departments": Department.objects.filter(is_active=True).exclude(
                kind__in=[DepartmentKind.COMPANY, DepartmentKind.CENTER]
            ),
            "handlers": User.objects.filter(is_active=True, roles__code="department_handler")
            .select_related("department")
            .distinct(),
        },
    )


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


def _initial(ticket: Ticket, form_class: type[VersionedForm]) -> dict[str, Any]:
    """The order's current values, so the edit form can tell which fields the user changed."""
    if form_class is not EditForm:
        return {}
    return {name: getattr(ticket, name) for name in EditForm.base_fields if name != "version"}


@login_required
@require_POST
def do_move(request: AuthedRequest, number: str, move: str) -> HttpResponse:
    if move not in MOVES:
        raise Http404
    ticket = access_ticket(request.user, number)
    form_class, handler = MOVES[move]
    form = form_class(request.POST, request.FILES, initial=_initial(ticket, form_class))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(e) for e in errors)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect("tickets:detail", number=number)
    data = {**form.cleaned_data, "_form": form}
    try:
        handler(request.user, ticket, data, form.cleaned_data["version"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except (IllegalTransition, StaleObject, PermissionDenied) as error:
        messages.error(request, str(error) or _("You are not allowed to do this on this order."))
    else:
        messages.success(request, _("Done."))
    return redirect("tickets:detail", number=number)
