"""Request and response shapes of the work-order API (``kefu.tickets.api``), and the functions
that turn orders, drafts and timeline events into responses.

Codes (call type, request kind, …) and employee numbers are what clients send and get back;
database ids appear only for departments, drafts and timeline events. Phone numbers are masked
(R-SEC-1) unless the caller's roles grant ``customers.view_personal_data``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from kefu.customers.choices import ContactKind
from kefu.customers.masking import shown_phone
from kefu.org.models import Department, User
from kefu.sla.choices import ClockState
from kefu.sla.models import Clock
from kefu.sla.services import attach_running_clocks, clocks_of
from kefu.tickets.models import DispatchDraft, Ticket, TimelineEvent
from kefu.tickets.queries import pending_draft

# --- Responses ---------------------------------------------------------------------------------


class PersonOut(Schema):
    employee_no: str
    name: str


class DepartmentRef(Schema):
    id: int
    name: str


class CodeName(Schema):
    code: str
    name: str


class CallTypeOut(CodeName):
    is_complaint: bool


class Classification(Schema):
    call_type: CallTypeOut
    level: str = Field(description="I–IV for complaints (R-CLS-4), else empty")
    priority: str
    urgent: bool = Field(description="加急 (R-CLS-5)")
    senior_only: bool = Field(description="VIP / major customer: senior agents only (R-CLS-6)")
    request_kind: CodeName | None
    business_line: CodeName | None
    nature: CodeName | None
    suggestion_subject: CodeName | None


class CustomerOut(Schema):
    id: int
    name: str
    tier: str
    phone: str = Field(description="Primary phone, masked unless you may see personal data")


class DraftOut(Schema):
    id: int
    ticket: str = Field(description="Order number")
    kind: str
    kind_label: str
    status: str
    department: DepartmentRef | None
    handler: PersonOut | None
    instructions: str
    drafted_by: PersonOut
    drafted_at: datetime
    reviewed_by: PersonOut | None
    reviewed_at: datetime | None
    review_note: str


class ClockBrief(Schema):
    kind: str = Field(description="Target code (register, dispatch, call_back, on_site, …)")
    kind_label: str
    state: str = Field(description="running, warned, breached or paused (open clocks only)")
    due_at: datetime


class ClockOut(Schema):
    kind: str = Field(description="Target code (register, dispatch, call_back, on_site, …)")
    kind_label: str
    state: str = Field(
        description="running, warned, breached, paused, met, met_late or cancelled, at answer time"
    )
    state_label: str
    policy: str | None = Field(description="Name of the policy as it was when the clock started")
    started_at: datetime
    due_at: datetime = Field(description="Moved on by the time spent paused (R-ESC-4)")
    warn_at: datetime
    paused_at: datetime | None = Field(description="Set while paused, waiting on the customer")
    paused_seconds: int = Field(description="Time paused so far, in seconds")
    met_at: datetime | None
    breached_at: datetime | None
    cancelled_at: datetime | None
    warned_at: datetime | None = Field(description="When the 80 % warning went out (R-SLA-5)")
    alarmed_at: datetime | None = Field(description="When the alarm and urge went out (R-SLA-5)")
    escalated_at: datetime | None = Field(description="When the breach escalated (R-ESC-2/3)")


class TicketListItem(Schema):
    number: str
    type_label: str = Field(description="Call type and level, e.g. A1-III")
    call_type: str
    level: str
    status: str
    status_label: str
    title: str
    channel: str
    priority: str
    urgent: bool
    contact_name: str
    contact_phone: str
    received_at: datetime
    owner: PersonOut
    department: DepartmentRef | None
    handler: PersonOut | None
    has_pending_draft: bool
    version: int
    sla_due_at: datetime | None = Field(description="Earliest due time of a running SLA clock")
    sla_clocks: list[ClockBrief] = Field(description="The open SLA clocks, soonest due first")


class TicketPage(Schema):
    items: list[TicketListItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end")


class TicketOut(Schema):
    number: str
    type_label: str
    status: str
    status_label: str
    channel: str
    title: str
    description: str
    classification: Classification
    customer: CustomerOut | None
    contact_name: str
    contact_phone: str
    complained_staff: PersonOut | None
    received_at: datetime
    registered_at: datetime
    registered_by: PersonOut
    owner: PersonOut = Field(description="First-contact owner (R-WO-10)")
    department: DepartmentRef | None
    handler: PersonOut | None
    help_requested: bool
    resolution: str
    close_reason: str
    closed_at: datetime | None
    pending_draft: DraftOut | None
    version: int = Field(description="Send it back as `version` with every change")
    updated_at: datetime
    updated_by: PersonOut
    allowed_moves: list[str] = Field(description="Moves you may make now (choices.Move values)")
    sla_due_at: datetime | None = Field(description="Earliest due time of a running SLA clock")
    sla_clocks: list[ClockOut] = Field(description="Every SLA clock of the order, oldest first")


class TicketRef(Schema):
    number: str
    status: str
    version: int


class TimelineEventOut(Schema):
    id: int
    kind: str
    label: str
    actor: PersonOut
    at: datetime
    from_status: str
    to_status: str
    body: str
    visibility: str
    data: dict[str, Any]


class TaxonomyOut(Schema):
    call_types: list[CallTypeOut]
    request_kinds: list[CodeName]
    business_lines: list[CodeName]
    natures: list[CodeName]
    suggestion_subjects: list[CodeName]
    levels: list[CodeName]
    channels: list[CodeName]
    priorities: list[CodeName]
    statuses: list[CodeName]


# --- Requests ----------------------------------------------------------------------------------
# Required text (a reason, an answer) defaults to "" here so that the action reports it missing
# in the caller's language, like every other field error.


class RegisterIn(Schema):
    call_type: str = Field(description="Call type code: A1, A2, B, C, D, E, F (see /taxonomy)")
    channel: str = Field(description="Intake channel code (see /taxonomy)")
    title: str = ""
    description: str = ""
    contact_phone: str = Field("", description="Any spelling; stored in E.164")
    contact_name: str = ""
    received_at: datetime | None = Field(None, description="Default now; naive = center time")
    level: str = Field("", description="I–IV, required for complaints")
    priority: str = "normal"
    urgent: bool = False
    request_kind: str | None = None
    business_line: str | None = None
    nature: str | None = None
    suggestion_subject: str | None = None
    complained_staff: str | None = Field(None, description="Employee number (type D)")
    # R-CLS-4: the level helper's questions, as the agent answered them (null: not asked).
    emotion_strong: bool | None = Field(None, description="Complaint: strongly negative emotion?")
    dispute: bool | None = Field(None, description="Complaint: a business dispute?")
    on_site: bool | None = Field(None, description="Complaint: on-site handling needed?")


class VersionIn(Schema):
    version: int = Field(description="The order's version as you last read it")


class UpdateIn(VersionIn):
    """Only the fields sent are changed; a taxonomy code set to null clears it. Any other field
    is refused (422) rather than ignored: the call type (it is part of the number) and 加急
    (``POST …/urgent``, with a reason) are not changed here."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    level: str | None = None
    priority: str | None = None
    contact_name: str | None = None
    request_kind: str | None = None
    business_line: str | None = None
    nature: str | None = None
    suggestion_subject: str | None = None


class NoteIn(VersionIn):
    body: str = ""
    visibility: str = Field("internal", description="internal or customer")


class ContactIn(VersionIn):
    summary: str = Field("", description="What was said to the customer (R-WO-9)")
    contacted_at: datetime | None = None


class RepeatContactIn(VersionIn):
    channel: str = "phone"
    summary: str = Field("", description="What the customer said this time (R-IN-4)")


class AnswerIn(VersionIn):
    answer: str = ""


class NoteTextIn(VersionIn):
    note: str = ""


class ReasonIn(VersionIn):
    reason: str = ""


class VoidIn(VersionIn):
    reason: str = ""
    duplicate_of: str | None = Field(
        None, description="Number of the order that stays, if this one is its duplicate"
    )


class PassOnIn(VersionIn):
    handler: str = Field(description="Employee number of the colleague of the department")
    reason: str = ""


class InstructionsIn(VersionIn):
    instructions: str = ""


class DispatchIn(VersionIn):
    department: int | None = Field(None, description="Department id; default by routing rule")
    handler: str | None = Field(None, description="Employee number; default the responsible")
    instructions: str = ""


class FeedbackIn(VersionIn):
    contacted_at: datetime | None = None
    solution: str = ""
    effect: str = ""
    remaining: str = ""


class ApproveIn(VersionIn):
    department: int | None = Field(None, description="Amend: another department id")
    handler: str | None = Field(None, description="Amend: another handler's employee number")
    instructions: str | None = Field(None, description="Amend: new instructions")
    note: str = ""


# --- Building responses ------------------------------------------------------------------------


def person(user: User) -> PersonOut:
    return PersonOut(employee_no=user.employee_no, name=user.name)


def maybe_person(user: User | None) -> PersonOut | None:
    return person(user) if user is not None else None


def department_ref(department: Department | None) -> DepartmentRef | None:
    return DepartmentRef(id=department.pk, name=department.name) if department else None


def code_name(item: Any) -> CodeName | None:
    return CodeName(code=item.code, name=item.name) if item is not None else None


def phone_for(user: Any, e164: str) -> str:
    """R-SEC-1 (one rule, kefu.customers.masking): E.164 in full or masked."""
    return shown_phone(user, e164, as_e164=True)


def clock_brief(clock: Clock, now: datetime) -> ClockBrief:
    return ClockBrief(
        kind=clock.kind,
        kind_label=str(clock.get_kind_display()),
        state=clock.state_at(now),
        due_at=clock.due_at,
    )


def clock_out(clock: Clock, now: datetime) -> ClockOut:
    """One clock as the order page shows it; the state is judged at ``now``, taken once per
    answer so that every clock of it is judged at the same moment."""
    state = clock.state_at(now)
    policy = clock.policy_snapshot.get("policy") if clock.policy_snapshot else None
    return ClockOut(
        kind=clock.kind,
        kind_label=str(clock.get_kind_display()),
        state=state,
        state_label=str(ClockState(state).label),
        policy=str(policy) if policy else None,
        started_at=clock.started_at,
        due_at=clock.due_at,
        warn_at=clock.warn_at,
        paused_at=clock.paused_at,
        paused_seconds=clock.paused_seconds,
        met_at=clock.met_at,
        breached_at=clock.breached_at,
        cancelled_at=clock.cancelled_at,
        warned_at=clock.warned_at,
        alarmed_at=clock.alarmed_at,
        escalated_at=clock.escalated_at,
    )


def list_items(user: Any, tickets: list[Ticket]) -> list[TicketListItem]:
    """A page of orders as list items, their open SLA clocks read in one query for the page."""
    attach_running_clocks(tickets)
    now = timezone.now()
    return [list_item(user, t, now) for t in tickets]


def list_item(user: Any, ticket: Ticket, now: datetime) -> TicketListItem:
    """Needs ``Ticket.objects.for_list()`` (call type, owner, department, handler joined) and
    ``running_clocks`` attached: call it through ``list_items``."""
    return TicketListItem(
        number=ticket.number,
        type_label=ticket.type_label,
        call_type=ticket.call_type.code,
        level=ticket.level,
        status=ticket.status,
        status_label=str(ticket.get_status_display()),
        title=ticket.title,
        channel=ticket.channel,
        priority=ticket.priority,
        urgent=ticket.urgent,
        contact_name=ticket.contact_name,
        contact_phone=phone_for(user, ticket.contact_phone),
        received_at=ticket.received_at,
        owner=person(ticket.owner),
        department=department_ref(ticket.department),
        handler=maybe_person(ticket.handler),
        has_pending_draft=ticket.has_pending_draft,
        version=ticket.version,
        sla_due_at=ticket.sla_due_at,
        sla_clocks=[clock_brief(c, now) for c in ticket.running_clocks],  # type: ignore[attr-defined]
    )


def draft_out(draft: DispatchDraft) -> DraftOut:
    return DraftOut(
        id=draft.pk,
        ticket=draft.ticket.number,
        kind=draft.kind,
        kind_label=str(draft.get_kind_display()),
        status=draft.status,
        department=department_ref(draft.department),
        handler=maybe_person(draft.handler),
        instructions=draft.instructions,
        drafted_by=person(draft.drafted_by),
        drafted_at=draft.drafted_at,
        reviewed_by=maybe_person(draft.reviewed_by),
        reviewed_at=draft.reviewed_at,
        review_note=draft.review_note,
    )


DRAFT_RELATED = ("ticket", "department", "handler", "drafted_by", "reviewed_by")


def _customer(user: Any, ticket: Ticket) -> CustomerOut | None:
    customer = ticket.customer
    if customer is None:
        return None
    # The number the customer called from is theirs: no need to look up their primary one.
    phone = ticket.contact_phone or (
        customer.contacts.filter(kind=ContactKind.PHONE)
        .order_by("-is_primary", "pk")
        .values_list("value", flat=True)
        .first()
    )
    return CustomerOut(
        id=customer.pk, name=customer.name, tier=customer.tier, phone=phone_for(user, phone or "")
    )


def ticket_out(user: Any, ticket: Ticket, moves: list[str]) -> TicketOut:
    """Needs the order as ``access.access_ticket`` returns it (its relations joined)."""
    draft = pending_draft(ticket)
    pending = draft_out(draft) if draft is not None else None
    now = timezone.now()
    return TicketOut(
        number=ticket.number,
        type_label=ticket.type_label,
        status=ticket.status,
        status_label=str(ticket.get_status_display()),
        channel=ticket.channel,
        title=ticket.title,
        description=ticket.description,
        classification=Classification(
            call_type=CallTypeOut(
                code=ticket.call_type.code,
                name=ticket.call_type.name,
                is_complaint=ticket.call_type.is_complaint,
            ),
            level=ticket.level,
            priority=ticket.priority,
            urgent=ticket.urgent,
            senior_only=ticket.senior_only,
            request_kind=code_name(ticket.request_kind),
            business_line=code_name(ticket.business_line),
            nature=code_name(ticket.nature),
            suggestion_subject=code_name(ticket.suggestion_subject),
        ),
        customer=_customer(user, ticket),
        contact_name=ticket.contact_name,
        contact_phone=phone_for(user, ticket.contact_phone),
        complained_staff=maybe_person(ticket.complained_staff),
        received_at=ticket.received_at,
        registered_at=ticket.registered_at,
        registered_by=person(ticket.registered_by),
        owner=person(ticket.owner),
        department=department_ref(ticket.department),
        handler=maybe_person(ticket.handler),
        help_requested=ticket.help_requested,
        resolution=ticket.resolution,
        close_reason=ticket.close_reason,
        closed_at=ticket.closed_at,
        pending_draft=pending,
        version=ticket.version,
        updated_at=ticket.updated_at,
        updated_by=person(ticket.updated_by),
        allowed_moves=moves,
        sla_due_at=ticket.sla_due_at,
        sla_clocks=[clock_out(c, now) for c in clocks_of(ticket)],
    )


def event_out(event: TimelineEvent) -> TimelineEventOut:
    return TimelineEventOut(
        id=event.pk,
        kind=event.kind,
        label=str(event.get_kind_display()),
        actor=person(event.actor),
        at=event.at,
        from_status=event.from_status,
        to_status=event.to_status,
        body=event.body,
        visibility=event.visibility,
        data=event.data,
    )


def ticket_ref(ticket: Ticket) -> TicketRef:
    return TicketRef(number=ticket.number, status=ticket.status, version=ticket.version)
