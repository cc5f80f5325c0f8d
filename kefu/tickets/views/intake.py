"""Registering orders: phone quick entry with screen pop, text entry, recordings (R-IN-1..4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest
from kefu.customers.screen_pop import lookup
from kefu.tickets import actions
from kefu.tickets.forms import (
    IntakeForm,
    PhoneIntakeForm,
    RecordingIntakeForm,
    TextIntakeForm,
    default_received_at,
)
from kefu.tickets.models import Ticket

INTAKES: dict[str, tuple[type[IntakeForm], Any]] = {
    "phone": (PhoneIntakeForm, gettext_lazy("Phone call")),
    "text": (TextIntakeForm, gettext_lazy("Letter, fax, e-mail, visit or transfer")),
    "recording": (RecordingIntakeForm, gettext_lazy("Voice recording")),
}


@login_required
@permission_required("tickets.register", raise_exception=True)
def new(request: AuthedRequest, kind: str = "phone") -> HttpResponse:
    form_class, heading = INTAKES.get(kind, INTAKES["phone"])
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        repeat_of = request.POST.get("repeat_of", "")
        if repeat_of:
            return _add_to_open_order(request, repeat_of, kind)
        if form.is_valid():
            try:
                ticket = _register(request, form)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Order %(number)s registered.") % {"number": ticket.number}
                )
                return redirect("tickets:detail", number=ticket.number)
    else:
        initial = {
            "contact_phone": request.GET.get("phone", ""),
            "received_at": default_received_at(),
            "opened_at": timezone.now().isoformat(),
        }
        form = form_class(initial=initial)
    return render(
        request,
        "tickets/new.html",
        {"form": form, "kind": kind, "heading": heading, "intakes": INTAKES},
    )


def _register(request: AuthedRequest, form: IntakeForm) -> Ticket:
    with transaction.atomic():
        ticket = actions.register(request.user, form.registration())
        recording = form.cleaned_data.get("recording")
        if recording is not None:
            actions.attach_file(request.user, ticket, recording, note=_("Original recording"))
    return ticket


def _add_to_open_order(request: AuthedRequest, number: str, kind: str) -> HttpResponse:
    """R-IN-4: the caller is asking about an order that is still open: log it there."""
    ticket = Ticket.objects.open().filter(number=number).first()
    summary = request.POST.get("title", "") or request.POST.get("description", "")
    if ticket is None:
        messages.error(request, _("That order is no longer open."))
        return redirect("tickets:new", kind=kind)
    try:
        actions.add_repeat_contact(
            request.user, ticket, request.POST.get("channel") or "phone", summary
        )
    except (ValidationError, IllegalTransition, StaleObject) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("tickets:new", kind=kind)
    messages.success(request, _("The call was added to order %(number)s.") % {"number": number})
    if request.user.has_perm("tickets.add_note", ticket):
        return redirect("tickets:detail", number=number)
    return redirect("tickets:new", kind=kind)


@login_required
@permission_required("tickets.register", raise_exception=True)
def screen_pop(request: AuthedRequest) -> HttpResponse:
    """The side panel: who is calling, their open orders and last contacts (R-IN-4)."""
    pop = lookup(request.GET.get("contact_phone", "") or request.GET.get("phone", ""))
    return render(
        request,
        "tickets/partials/screen_pop.html",
        {
            "phone": pop.phone,
            "customer": pop.customer,
            "open_orders": pop.open_orders,
            "history": pop.history,
        },
    )
