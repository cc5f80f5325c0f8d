"""``{% callbacks_panel ticket %}``: the order page's callback, complaint and suggestion panel."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.callbacks import services, timeline
from kefu.callbacks.choices import DISSATISFIED_MAX, CallbackStatus, Outcome
from kefu.callbacks.forms import (
    CallForm,
    RecordForm,
    SatisfiedForm,
    SecondaryForm,
    SecondDispatchForm,
    UnreachableForm,
    typed_form,
)
from kefu.callbacks.models import ComplaintRecord, DepartmentWarning, PostCallRating
from kefu.tickets.choices import Status

register = template.Library()


@register.inclusion_tag("callbacks/partials/panel.html", takes_context=True)
def callbacks_panel(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    user = context["request"].user
    rounds = list(ticket.callbacks.prefetch_related("attempts__surveyor").order_by("-round"))
    current = next((c for c in rounds if c.status == CallbackStatus.OPEN), None)
    calling = ticket.status == Status.PENDING_CALLBACK and user.has_perm("callbacks.make", ticket)
    record = (
        ComplaintRecord.objects.filter(ticket=ticket)
        .select_related("business_line", "nature", "department", "person", "resolved_by")
        .first()
    )
    version = {"version": ticket.version}
    request = context["request"]

    def form(name: str, form_class: type, auto_id: str) -> Any:
        # what was typed before an error comes back with its errors (R-CB-4 form and others)
        kept = typed_form(request, ticket.number, name, form_class, ticket.version, auto_id=auto_id)
        return kept if kept is not None else form_class(initial=version, auto_id=auto_id)

    record_form = None
    if record is not None and ticket.is_open and user.has_perm("tickets.edit", ticket):
        record_form = typed_form(
            request, ticket.number, "record", RecordForm, ticket.version, auto_id="record_%s"
        ) or RecordForm(
            initial={
                "complainant": record.complainant,
                "business_line": record.business_line_id,
                "nature": record.nature_id,
                "department": record.department_id,
                "substantiated": record.substantiated,
            },
            auto_id="record_%s",
        )
    # A missing reverse one-to-one raises a subclass of AttributeError: getattr's default.
    link = getattr(ticket, "secondary_of", None)
    suggestion = getattr(ticket, "suggestion", None)
    # from the prefetched attempts (an order_by here would query again)
    last = (
        max(current.attempts.all(), key=lambda a: (a.at, a.pk), default=None) if current else None
    )
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "ticket": ticket,
        "rounds": rounds,
        "current": current,
        "calling": calling,
        "reached": last is not None and last.outcome == Outcome.REACHED,
        "may_unreachable": calling
        and current is not None
        and services.may_close_unreachable(current),
        "attempt_form": form("attempt", CallForm, "attempt_%s"),
        "satisfied_form": form("satisfied", SatisfiedForm, "satisfied_%s"),
        "second_form": form("second_dispatch", SecondDispatchForm, "second_%s"),
        "unreachable_form": form("unreachable", UnreachableForm, "unreachable_%s"),
        "dissatisfied_max": DISSATISFIED_MAX,
        "record": record,
        "record_form": record_form,
        "secondary_link": link,
        "secondaries": ticket.secondary_complaints.select_related("ticket").all(),
        "secondary_form": (
            typed_form(
                request,
                ticket.number,
                "secondary",
                SecondaryForm,
                ticket.version,
                auto_id="secondary_%s",
            )
            or SecondaryForm(auto_id="secondary_%s")
        )
        if user.has_perm("tickets.register") and ticket.call_type.is_complaint
        else None,
        "suggestion": suggestion,
        "warnings": DepartmentWarning.objects.filter(ticket=ticket).select_related("department"),
        "ratings": PostCallRating.objects.filter(ticket=ticket),
    }


@register.filter
def callback_event_text(event: Any) -> str:
    """A timeline event's text: this module's events rendered from their data in the reader's
    language (``kefu.callbacks.timeline``), any other event's stored body. For the order
    page's timeline: ``{{ e|callback_event_text }}`` in place of ``{{ e.body }}``."""
    return timeline.describe(getattr(event, "data", None)) or event.body


@register.filter
def outcome_label(value: str) -> str:
    """An attempt's outcome code as its label (the queue's last attempt)."""
    try:
        return str(Outcome(value).label)
    except ValueError:
        return value or ""
