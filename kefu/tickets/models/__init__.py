from kefu.tickets.models.escalation import Escalation
from kefu.tickets.models.taxonomy import (
    BusinessLine,
    CallType,
    Nature,
    RequestKind,
    RoutingRule,
    SuggestionSubject,
)
from kefu.tickets.models.ticket import (
    Attachment,
    Dispatch,
    DispatchDraft,
    Ticket,
    TicketSequence,
    TimelineEvent,
)

__all__ = [
    "Attachment",
    "BusinessLine",
    "CallType",
    "Dispatch",
    "DispatchDraft",
    "Escalation",
    "Nature",
    "RequestKind",
    "RoutingRule",
    "SuggestionSubject",
    "Ticket",
    "TicketSequence",
    "TimelineEvent",
]
