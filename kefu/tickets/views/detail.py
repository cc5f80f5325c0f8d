"""The order page: details, the moves this user may make, and the timeline (R-WO-1, R-WO-9)."""

from __future__ import annotations

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
from kefu.org.models import Department
from kefu.tickets.access import access_ticket
from kefu.tickets.choices import Status
from kefu.tickets.forms import (
    DispatchForm,
    EditForm,
    HandOverForm,
    VersionedForm,
)
from kefu.tickets.models import DispatchDraft, Ticket
from kefu.tickets.moves import allowed_moves, dispatch_override, may_review
from kefu.tickets.queries import pending_draft
from kefu.tickets.views.move_table import DONE, LEAVES_REACH, MOVES, TEXT_LABELS
from kefu.tickets.views.timeline import resolution_is_previous, timeline


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
    events = timeline(ticket)
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
            "resolution_is_previous": resolution_is_previous(events),
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
            # The people the dispatch form accepts, as it lists them (a fresh copy: the form
            # class keeps one queryset for every request).
            "handlers": DispatchForm.base_fields["handler"].queryset.all(),  # type: ignore[attr-defined]
        },
    )


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
        if move in LEAVES_REACH:
            # The order has left the actor's department: to their queues, not to a 404.
            return redirect("tickets:list")
        return redirect("tickets:detail", number=number)
    # The action changed nothing; the page shows the order as it is now.
    return _page(request, access_ticket(request.user, number), failed=move, form=form)
