"""Registering orders: phone quick entry with screen pop, text entry, recordings (R-IN-1..4)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.forms import apply_validation_error
from kefu.core.types import AuthedRequest
from kefu.customers.models import Customer
from kefu.customers.screen_pop import OPEN_LIMIT, history_lines, lookup
from kefu.customers.services import unnamed_caller_name
from kefu.tickets import actions
from kefu.tickets.access import is_visible
from kefu.tickets.forms import (
    RESOLVE,
    SUBMIT,
    IntakeForm,
    PhoneIntakeForm,
    RecordingIntakeForm,
    TextIntakeForm,
    default_received_at,
)
from kefu.tickets.models import Ticket
from kefu.tickets.queries import queues_for

SCREEN_POP_ORDERS = 3  # open orders shown in full; more would push the helpers off screen

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
            done = _add_to_open_order(request, form, repeat_of, kind)
            if done is not None:
                return done
        elif form.is_valid():
            try:
                ticket, said = _register(request, form)
            except ValidationError as error:
                apply_validation_error(form, error)
                form.focus_first_error()
            except (IllegalTransition, StaleObject, PermissionDenied) as error:
                form.add_error(None, str(error))  # nothing registered: the form as typed
            else:
                messages.success(request, said)
                return redirect("tickets:detail", number=ticket.number)
    else:
        initial = {
            "contact_phone": request.GET.get("phone", ""),
            "received_at": default_received_at(),
            "opened_at": timezone.now().isoformat(),
        }
        form = form_class(initial=initial)
    user = request.user
    steps = form.offers_next_step
    return render(
        request,
        "tickets/new.html",
        {
            "form": form,
            "kind": kind,
            "heading": heading,
            "intakes": INTAKES,
            # The buttons the actions would let this user use at all; the route decides per type.
            "may_resolve": steps and actions.permitted(user, "tickets.resolve_first_contact"),
            "may_submit": steps and actions.permitted(user, "tickets.draft_dispatch"),
            "step_routes": form.step_routes() if steps else {},
        },
    )


def _register(request: AuthedRequest, form: IntakeForm) -> tuple[Ticket, str]:
    """Register, and take the step the button asked for, in one transaction: if the step is
    refused, nothing is registered (R-IN-1, R-WO-2, R-WO-3). Returns the order and what the
    page says about it."""
    user, step, text = request.user, form.next_step(), form.next_step_text()
    with transaction.atomic():
        ticket = actions.register(user, form.registration())
        recording = form.cleaned_data.get("recording")
        if recording is not None:
            actions.attach_file(user, ticket, recording, note=_("Original recording"))
        if step == RESOLVE:
            actions.resolve_first_contact(user, ticket, text, expected_version=ticket.version)
            done = _(
                "Order %(number)s registered and resolved on first contact; the callback is next."
            ) % {"number": ticket.number}
        elif step == SUBMIT:
            draft = actions.submit_dispatch_draft(
                user, ticket, instructions=text, expected_version=ticket.version
            )
            done = _(
                "Order %(number)s registered; its dispatch to %(department)s is submitted "
                "for review."
            ) % {"number": ticket.number, "department": draft.department}
        else:
            done = _("Order %(number)s registered.") % {"number": ticket.number}
    return ticket, done


def _add_to_open_order(
    request: AuthedRequest, form: IntakeForm, number: str, kind: str
) -> HttpResponse | None:
    """R-IN-4: the caller is asking about an order that is still open: log it there.

    Done: back to a fresh form for the same caller, the message linking to the order if the
    agent may open it. Refused: None, and the form keeps what the agent typed, with the reason.
    """
    ticket = Ticket.objects.open().filter(number=number).first()
    summary = request.POST.get("title", "") or request.POST.get("description", "")
    try:
        if ticket is None:
            raise IllegalTransition(_("That order is no longer open."))
        actions.add_repeat_contact(
            request.user, ticket, request.POST.get("channel") or "phone", summary
        )
    except (ValidationError, IllegalTransition, StaleObject) as error:
        form.refuse_repeat_contact(error)
        return None
    text = _("The call was added to order %(number)s.")
    if is_visible(request.user, ticket):
        url = reverse("tickets:detail", kwargs={"number": number})
        link = format_html('<a class="alert-link" href="{}">{}</a>', url, number)
        messages.success(request, format_html(escape(text).replace("%(number)s", "{}"), link))
    else:
        messages.success(request, text % {"number": number})
    url = reverse("tickets:new", kwargs={"kind": kind})
    phone = request.POST.get("contact_phone", "").strip()
    return redirect(f"{url}?{urlencode({'phone': phone})}" if phone else url)


@login_required
@permission_required("tickets.register", raise_exception=True)
def screen_pop(request: AuthedRequest) -> HttpResponse:
    """The side panel: who is calling, their open orders and last contacts (R-IN-4).

    Only the newest few open orders are shown, so the knowledge base and the level helper below
    stay on screen; the rest are counted and linked to the queue searched by the number."""
    pop = lookup(request.GET.get("contact_phone", "") or request.GET.get("phone", ""))
    shown = pop.open_orders[:SCREEN_POP_ORDERS]
    more = len(pop.open_orders) - len(shown)
    if len(pop.open_orders) >= OPEN_LIMIT:  # the look-up stops there: count them all
        more = actions.open_orders_for(pop.customer, pop.phone).count() - len(shown)
    return render(
        request,
        "tickets/partials/screen_pop.html",
        {
            "phone": pop.phone,
            "customer": pop.customer,
            "caller_name": _known_name(pop.customer),
            "open_orders": shown,
            "more_open_orders": more,
            "more_url": _queue_search_url(request.user, pop.phone) if more else "",
            "history": history_lines(request.user, pop.history),
        },
    )


def _known_name(customer: Customer | None) -> str:
    """The name for an empty caller-name field: none for a caller who never gave one."""
    if customer is None or customer.name == unnamed_caller_name():
        return ""
    return customer.name


def _queue_search_url(user: Any, phone: str) -> str:
    """The widest queue the user has, searched by the caller's number."""
    codes = [q.code for q in queues_for(user)]
    code = next((c for c in ("open", "all", "department", "mine") if c in codes), "")
    if not code:
        return ""
    return f"{reverse('tickets:list')}?{urlencode({'queue': code, 'q': phone})}"
