"""The callback module follows the order's timeline (``tickets.signals.ticket_event``), inside
the transaction of the action that wrote the event: a completed order owes a callback
(R-CB-1), a complaint gets its registration form (R-CLS-4), a suggestion its record (R-SUG-1).

Connected after kefu.sla's receiver (app order), so the SLA clock of the callback exists when
its due time is read.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from kefu.callbacks import services
from kefu.callbacks.choices import CallbackStatus
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import RequestKind, Ticket, TimelineEvent
from kefu.tickets.signals import ticket_event
from kefu.tickets.taxonomy import active_by_code


@receiver(ticket_event, dispatch_uid="kefu.callbacks.follow")
def on_ticket_event(sender: Any, ticket: Ticket, event: TimelineEvent, **kwargs: Any) -> None:
    kind = event.kind
    if kind in {EventKind.CONFIRMED, EventKind.RESOLVED_FIRST_CONTACT}:
        services.open_callback(ticket, event.at)
        if kind == EventKind.RESOLVED_FIRST_CONTACT:
            services.record_resolution(ticket, event)
    elif kind == EventKind.CLOSED:
        services.end_open_round(ticket, CallbackStatus.CLOSED_OTHERWISE, event.at)
    elif kind == EventKind.DRAFT_SUBMITTED and event.from_status == Status.PENDING_CALLBACK:
        services.end_open_round(ticket, CallbackStatus.SUPERSEDED, event.at)
    elif kind == EventKind.REGISTERED:
        if ticket.call_type.is_complaint:
            services.create_complaint_record(ticket, event)
        # from the taxonomy snapshot: no query on the create path
        suggestion = active_by_code(RequestKind, services.SUGGESTION_KIND)
        if suggestion is not None and ticket.request_kind_id == suggestion.pk:
            services.create_suggestion(ticket)
