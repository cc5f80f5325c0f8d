"""The work-order API under ``/api/v1/`` (SPEC §2–4): the same queues, moves and permissions as
the UI, for integrations and scripts.

Every endpoint is schema → access (``access.access_ticket`` / ``queries.queue``) → action →
response. The actions raise ``ValidationError``, ``PermissionDenied``, ``IllegalTransition`` and
``StaleObject``; ``config.api`` turns them into 422, 403 and 409 in one place. Every change
carries the ``version`` of the order the client last read, passed on as ``expected_version``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from kefu.core import idempotency
from kefu.core.api import require_perm
from kefu.customers.services import customers_with_phone
from kefu.lib.center_time import aware
from kefu.lib.phones import InvalidPhone, normalize_phone
from kefu.org.models import Department, User
from kefu.tickets import actions, queries
from kefu.tickets.access import access_ticket, visible_tickets
from kefu.tickets.choices import LEVEL_QUESTIONS, Channel, DraftStatus, Level, Priority
from kefu.tickets.choices import Status as TicketStatus
from kefu.tickets.models import (
    BusinessLine,
    CallType,
    DispatchDraft,
    Nature,
    RequestKind,
    SuggestionSubject,
    Ticket,
)
from kefu.tickets.models.ticket import TicketQuerySet
from kefu.tickets.moves import allowed_moves
from kefu.tickets.schemas import (
    DRAFT_RELATED,
    AnswerIn,
    ApproveIn,
    CallTypeOut,
    CodeName,
    ContactIn,
    CustomerOut,
    DispatchIn,
    DraftOut,
    FeedbackIn,
    InstructionsIn,
    NoteIn,
    NoteTextIn,
    PassOnIn,
    ReasonIn,
    RegisterIn,
    RepeatContactIn,
    TaxonomyOut,
    TicketListItem,
    TicketOut,
    TicketPage,
    TicketRef,
    TimelineEventOut,
    UpdateIn,
    VersionIn,
    VoidIn,
    draft_out,
    event_out,
    list_items,
    phone_for,
    ticket_out,
    ticket_ref,
)
from kefu.tickets.taxonomy import active_by_code

router = Router(tags=["tickets"])

TAXONOMY_FIELDS: dict[str, Any] = {
    "request_kind": RequestKind,
    "business_line": BusinessLine,
    "nature": Nature,
    "suggestion_subject": SuggestionSubject,
}


# --- Reading input: codes and numbers to objects, all errors at once -----------------------------


def _invalid(value: Any) -> str:
    return _("Select a valid choice. %(value)s is not one of the available choices.") % {
        "value": value
    }


def _by_code(model: Any, code: str | None, field: str, errors: dict[str, str]) -> Any:
    if not code:
        return None
    found = active_by_code(model, code)
    if found is None:
        errors[field] = _invalid(code)
    return found


def _staff(employee_no: str | None, field: str, errors: dict[str, str]) -> User | None:
    if not employee_no:
        return None
    found = User.objects.filter(employee_no=employee_no, is_active=True).first()
    if found is None:
        errors[field] = _invalid(employee_no)
    return found


def _department(pk: int | None, errors: dict[str, str]) -> Department | None:
    if pk is None:
        return None
    found = Department.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        errors["department"] = _invalid(pk)
    return found


def _phone(raw: str, field: str, errors: dict[str, str]) -> str:
    if not raw.strip():
        return ""
    try:
        return normalize_phone(raw)
    except InvalidPhone:
        errors[field] = _("This is not a valid phone number.")
        return ""


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


@contextmanager
def _renamed_fields(**names: str) -> Iterator[None]:
    """Report an action's field errors under the names this endpoint's body uses."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {names.get(name, name): messages for name, messages in error.error_dict.items()}
        ) from error


def _level_answers(data: RegisterIn) -> dict[str, bool]:
    """The level helper's answers that were given (kept with the order for its complaint record)."""
    answers = {name: getattr(data, name) for name in LEVEL_QUESTIONS}
    return {name: value for name, value in answers.items() if value is not None}


def _registration(data: RegisterIn) -> actions.Registration:
    errors: dict[str, str] = {}
    call_type = _by_code(CallType, data.call_type, "call_type", errors)
    if not data.call_type:
        errors["call_type"] = _("This field cannot be blank.")
    phone = _phone(data.contact_phone, "contact_phone", errors)
    taxonomy = {
        name: _by_code(model, getattr(data, name), name, errors)
        for name, model in TAXONOMY_FIELDS.items()
    }
    complained = _staff(data.complained_staff, "complained_staff", errors)
    registration = actions.Registration(
        call_type=call_type,
        channel=data.channel,
        title=data.title,
        description=data.description,
        contact_phone=phone,
        contact_name=data.contact_name,
        received_at=aware(data.received_at),
        level=data.level,
        priority=data.priority,
        urgent=data.urgent,
        complained_staff=complained,
        extra={"via": "api", **_level_answers(data)},
        **taxonomy,
    )
    if errors and call_type is not None:
        # Report the action's own checks too, so that one answer names every field to fix.
        try:
            actions.validate_registration(registration, timezone.now())
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, messages[0])
    _raise(errors)
    return registration


# --- Responses ----------------------------------------------------------------------------------


def _actor(request: HttpRequest) -> User:
    """The staff member the request acts as: the API's authentication let only them through."""
    return cast(User, request.user)


def _detail(user: Any, number: str) -> TicketOut:
    ticket = access_ticket(user, number)
    return ticket_out(user, ticket, allowed_moves(user, ticket))


def _act(request: HttpRequest, number: str, do: Callable[[Any, Ticket], object]) -> TicketOut:
    """Fetch the order the caller may see, apply one action, answer with the order as it is now."""
    ticket = access_ticket(request.user, number)
    do(request.user, ticket)
    return _detail(request.user, number)


# --- Lists ------------------------------------------------------------------------------------


class ListQuery(Schema):
    queue: str | None = Field(None, description="mine, review, department, open or all")
    status: str = ""
    call_type: str = ""
    level: str = ""
    channel: str = ""
    department: int | None = None
    urgent: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = Field("", description="Order number, phone number (any spelling) or words")
    sort: str = Field(
        "received",
        description="received (newest first) or due (running SLA clock due soonest first)",
    )
    cursor: str = ""
    limit: int = Field(50, ge=1, le=100)


def default_queue(user: Any) -> str:
    if user.has_perm("tickets.view_center"):
        return "all"
    return "mine" if user.has_perm("tickets.view_own") else "department"


def _cursor_fits(cursor: str, *, by_id: bool, by_due: bool) -> bool:
    """Whether ``cursor`` is a ``next_cursor`` of this kind of list: a word search pages by id,
    ``sort=due`` by due time, any other list by received time."""
    if by_due and not by_id:
        return queries.due_position(cursor) is not None
    position = queries.decode_cursor(cursor)
    return position is not None and (position[0] is None) == by_id


def _check_list_query(params: ListQuery, *, by_id: bool) -> None:
    """Every query value the list would otherwise ignore or misread: 422, all fields at once."""
    errors: dict[str, str] = {}
    if params.sort not in queries.SORTS:
        errors["sort"] = _invalid(params.sort)
    for name, values in [
        ("status", TicketStatus.values),
        ("level", Level.values),
        ("channel", Channel.values),
    ]:
        value = getattr(params, name)
        if value and value not in values:
            errors[name] = _invalid(value)
    # Retired call types and departments still filter the orders registered under them.
    if params.call_type and not CallType.objects.filter(code=params.call_type).exists():
        errors["call_type"] = _invalid(params.call_type)
    if (
        params.department is not None
        and not Department.objects.filter(pk=params.department).exists()
    ):
        errors["department"] = _invalid(params.department)
    if params.received_from and params.received_to and params.received_to < params.received_from:
        errors["received_to"] = _("The end of the range is before its start.")
    if params.cursor and not _cursor_fits(params.cursor, by_id=by_id, by_due=params.sort == "due"):
        errors["cursor"] = _(
            "This is not the next_cursor of a page of this list (same sort and search)."
        )
    _raise(errors)


@router.get("/tickets", response=TicketPage, summary="Orders of a queue, filtered and sorted")
def list_tickets(request: HttpRequest, params: Query[ListQuery]) -> TicketPage:
    """A value the list cannot use (an unknown code, a cursor of another list, a range that
    ends before it starts) is refused with 422 naming the parameter, once the caller is known to
    see the queue (a queue the caller may not see, or that does not exist, is 403 first)."""
    user = request.user
    queue = cast(
        TicketQuerySet,
        queries.queue(user, params.queue or default_queue(user), status=params.status),
    )
    by_id = queries.is_keyword_search(params.q)
    _check_list_query(params, by_id=by_id)
    qs = queue.for_list()
    filters = queries.Filters(
        status=params.status,
        call_type=params.call_type,
        level=params.level,
        channel=params.channel,
        department=params.department,
        urgent=params.urgent,
        received_from=params.received_from,
        received_to=params.received_to,
        q=params.q,
    )
    rows, next_cursor = queries.page(
        queries.apply_filters(qs, filters),
        params.cursor,
        params.limit,
        by_id=by_id,
        by_due=params.sort == "due",
    )
    return TicketPage(items=list_items(user, rows), next_cursor=next_cursor or None)


class ScreenPopOut(Schema):
    phone: str
    customer: CustomerOut | None
    open_orders: list[TicketListItem]


@router.get("/screen-pop", response=ScreenPopOut, summary="A caller's open orders (R-IN-4)")
def screen_pop(request: HttpRequest, phone: str) -> ScreenPopOut:
    """What an agent sees as soon as the caller's number is known: add a repeat contact to one of
    these orders instead of registering a new one."""
    require_perm(request, "tickets.register")
    errors: dict[str, str] = {}
    e164 = _phone(phone, "phone", errors) if phone.strip() else ""
    if not e164:
        errors.setdefault("phone", _("This is not a valid phone number."))
    _raise(errors)
    customer = customers_with_phone(e164).order_by("pk").first()
    orders = list(actions.open_orders_for(customer, e164).for_list()[:10])
    user = request.user
    return ScreenPopOut(
        phone=phone_for(user, e164),
        customer=(
            CustomerOut(
                id=customer.pk, name=customer.name, tier=customer.tier, phone=phone_for(user, e164)
            )
            if customer
            else None
        ),
        open_orders=list_items(user, orders),
    )


# --- One order ----------------------------------------------------------------------------------


@router.post("/tickets", response={201: TicketOut}, summary="Register an order (R-IN-1)")
def register(
    request: HttpRequest,
    payload: RegisterIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> HttpResponse:
    """With an ``Idempotency-Key`` header, a retry returns the first response and creates
    nothing; the same key with a different body is refused (422)."""
    user = _actor(request)

    def create() -> tuple[int, Any]:
        ticket = actions.register(user, _registration(payload))
        # The new order is complete in memory (its relations were just assigned): answer from
        # it rather than reading it back, which would cost a twelve-table join per create.
        return 201, ticket_out(user, ticket, allowed_moves(user, ticket)).model_dump(mode="json")

    outcome = idempotency.run_once(
        user, idempotency_key, f"POST {request.path}", payload.model_dump(mode="json"), create
    )
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    # The body was built from TicketOut (or stored from one): render it as it is, as the API's
    # JSON renderer would, instead of having it validated against TicketOut once more.
    response.status_code = outcome.status
    response.content = json.dumps(outcome.body, cls=NinjaJSONEncoder)
    return response


@router.get("/tickets/{number}", response=TicketOut, summary="One order")
def get_ticket(request: HttpRequest, number: str) -> TicketOut:
    return _detail(request.user, number)


@router.get(
    "/tickets/{number}/timeline", response=list[TimelineEventOut], summary="Timeline, newest first"
)
def timeline(request: HttpRequest, number: str) -> list[TimelineEventOut]:
    ticket = access_ticket(request.user, number)
    return [event_out(e) for e in ticket.events.select_related("actor").order_by("-at", "-id")]


@router.patch("/tickets/{number}", response=TicketOut, summary="Change classification or text")
def update_ticket(request: HttpRequest, number: str, payload: UpdateIn) -> TicketOut:
    changes = payload.model_dump(exclude_unset=True, exclude={"version"})
    errors: dict[str, str] = {}
    for name, value in changes.items():
        if name in TAXONOMY_FIELDS:
            changes[name] = _by_code(TAXONOMY_FIELDS[name], value, name, errors)
        elif value is None:
            changes[name] = ""
    _raise(errors)
    if not changes:  # nothing to change: no write, no new version
        return _detail(request.user, number)
    return _act(
        request,
        number,
        lambda u, t: actions.update_details(u, t, changes, expected_version=payload.version),
    )


@router.post("/tickets/{number}/notes", response=TicketOut, summary="Add a note")
def add_note(request: HttpRequest, number: str, payload: NoteIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.add_note(
            u, t, payload.body, visibility=payload.visibility, expected_version=payload.version
        ),
    )


@router.post("/tickets/{number}/contacts", response=TicketOut, summary="Log a customer contact")
def log_contact(request: HttpRequest, number: str, payload: ContactIn) -> TicketOut:
    """R-WO-9: every contact with the customer while the order is open."""
    return _act(
        request,
        number,
        lambda u, t: actions.log_customer_contact(
            u,
            t,
            payload.summary,
            contacted_at=aware(payload.contacted_at),
            expected_version=payload.version,
        ),
    )


@router.post(
    "/tickets/{number}/repeat-contact", response=TicketRef, summary="The caller called again"
)
def repeat_contact(request: HttpRequest, number: str, payload: RepeatContactIn) -> TicketRef:
    """R-IN-4: log the call on the open order instead of registering a new one. As in the UI, any
    agent who takes the call may do this, also on an order they cannot otherwise open, so the
    answer is only the order's number, state and new version."""
    user = _actor(request)
    try:
        ticket = access_ticket(user, number)
    except Http404:
        require_perm(request, "tickets.register")
        open_order = Ticket.objects.open().filter(number=number).first()
        if open_order is None:
            raise
        ticket = open_order
    updated = actions.add_repeat_contact(
        user, ticket, payload.channel, payload.summary, expected_version=payload.version
    )
    return ticket_ref(updated)


@router.post("/tickets/{number}/resolve", response=TicketOut, summary="Resolve on first contact")
def resolve(request: HttpRequest, number: str, payload: AnswerIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.resolve_first_contact(
            u, t, payload.answer, expected_version=payload.version
        ),
    )


@router.post(
    "/tickets/{number}/close-harassment", response=TicketOut, summary="Close a harassment call"
)
def close_harassment(request: HttpRequest, number: str, payload: NoteTextIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.close_harassment(u, t, payload.note, expected_version=payload.version),
    )


def _target(payload: DispatchIn | ApproveIn) -> tuple[Department | None, User | None]:
    errors: dict[str, str] = {}
    department = _department(payload.department, errors)
    handler = _staff(payload.handler, "handler", errors)
    _raise(errors)
    return department, handler


@router.post("/tickets/{number}/drafts", response=TicketOut, summary="Submit a dispatch draft")
def submit_draft(request: HttpRequest, number: str, payload: DispatchIn) -> TicketOut:
    """R-WO-3: reviewed by a senior agent before it is sent. Without a department the routing
    rule of the call type chooses (R-WO-2); without a handler, the department's responsible."""
    department, handler = _target(payload)
    return _act(
        request,
        number,
        lambda u, t: actions.submit_dispatch_draft(
            u,
            t,
            department=department,
            handler=handler,
            instructions=payload.instructions,
            expected_version=payload.version,
        ),
    )


@router.post("/tickets/{number}/dispatch", response=TicketOut, summary="Dispatch directly")
def dispatch(request: HttpRequest, number: str, payload: DispatchIn) -> TicketOut:
    """R-WO-4: a senior agent dispatches without a draft."""
    department, handler = _target(payload)
    return _act(
        request,
        number,
        lambda u, t: actions.dispatch_now(
            u,
            t,
            department=department,
            handler=handler,
            instructions=payload.instructions,
            expected_version=payload.version,
        ),
    )


@router.post("/tickets/{number}/follow-up", response=TicketOut, summary="Draft a follow-up 追单")
def follow_up(request: HttpRequest, number: str, payload: InstructionsIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.submit_follow_up(
            u, t, payload.instructions, expected_version=payload.version
        ),
    )


@router.post("/tickets/{number}/withdrawal", response=TicketOut, summary="Draft a withdrawal 退单")
def withdrawal(request: HttpRequest, number: str, payload: ReasonIn) -> TicketOut:
    with _renamed_fields(instructions="reason"):
        return _act(
            request,
            number,
            lambda u, t: actions.submit_withdrawal(
                u, t, payload.reason, expected_version=payload.version
            ),
        )


@router.post("/tickets/{number}/accept", response=TicketOut, summary="Accept (handler)")
def accept(request: HttpRequest, number: str, payload: VersionIn) -> TicketOut:
    return _act(
        request, number, lambda u, t: actions.accept(u, t, expected_version=payload.version)
    )


@router.post("/tickets/{number}/feedback", response=TicketOut, summary="Feed back (R-WO-6)")
def feedback(request: HttpRequest, number: str, payload: FeedbackIn) -> TicketOut:
    result = actions.Feedback(
        contacted_at=aware(payload.contacted_at),
        solution=payload.solution,
        effect=payload.effect,
        remaining=payload.remaining,
    )
    return _act(
        request,
        number,
        lambda u, t: actions.feed_back(u, t, result, expected_version=payload.version),
    )


@router.post("/tickets/{number}/ask-superior", response=TicketOut, summary="Ask for help (R-WO-7)")
def ask_superior(request: HttpRequest, number: str, payload: ReasonIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.ask_superior(u, t, payload.reason, expected_version=payload.version),
    )


@router.post(
    "/tickets/{number}/pass-on", response=TicketOut, summary="Pass to a colleague of the department"
)
def pass_on(request: HttpRequest, number: str, payload: PassOnIn) -> TicketOut:
    """转派: the handler gives the order to another person of their department, who accepts it."""
    errors: dict[str, str] = {}
    colleague = _staff(payload.handler, "handler", errors)
    _raise(errors)
    return _act(
        request,
        number,
        lambda u, t: actions.pass_to_colleague(
            u, t, colleague, payload.reason, expected_version=payload.version
        ),
    )


@router.post(
    "/tickets/{number}/return-to-center",
    response=TicketRef,
    summary="Return a misrouted order to the center (R-WO-7)",
)
def return_to_center(request: HttpRequest, number: str, payload: ReasonIn) -> TicketRef:
    """The order leaves the handler's department, and with it what the handler may see: the
    answer is only its number, state and new version."""
    user = _actor(request)
    ticket = access_ticket(user, number)
    returned = actions.return_to_center(
        user, ticket, payload.reason, expected_version=payload.version
    )
    return ticket_ref(returned)


@router.post("/tickets/{number}/confirm", response=TicketOut, summary="Confirm the result")
def confirm(request: HttpRequest, number: str, payload: NoteTextIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.confirm(u, t, payload.note, expected_version=payload.version),
    )


@router.post("/tickets/{number}/send-back", response=TicketOut, summary="Send back to handler")
def send_back(request: HttpRequest, number: str, payload: ReasonIn) -> TicketOut:
    """R-WO-8: the result does not resolve the matter."""
    return _act(
        request,
        number,
        lambda u, t: actions.send_back_feedback(
            u, t, payload.reason, expected_version=payload.version
        ),
    )


@router.post("/tickets/{number}/close", response=TicketOut, summary="Close after the callback")
def close(request: HttpRequest, number: str, payload: NoteTextIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.close(u, t, payload.note, expected_version=payload.version),
    )


@router.post("/tickets/{number}/reopen", response=TicketOut, summary="Reopen a closed order")
def reopen(request: HttpRequest, number: str, payload: ReasonIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.reopen(u, t, payload.reason, expected_version=payload.version),
    )


@router.post(
    "/tickets/{number}/void", response=TicketOut, summary="Void a duplicate or mistaken order 作废"
)
def void(request: HttpRequest, number: str, payload: VoidIn) -> TicketOut:
    """Closed before dispatch with close reason ``void``: no callback, no time limits, in no
    report. ``duplicate_of`` names the order that stays (one the caller can see)."""
    return _act(
        request,
        number,
        lambda u, t: actions.void(
            u,
            t,
            payload.reason,
            duplicate_of=payload.duplicate_of or "",
            expected_version=payload.version,
        ),
    )


@router.post("/tickets/{number}/urgent", response=TicketOut, summary="Mark urgent 加急")
def mark_urgent(request: HttpRequest, number: str, payload: ReasonIn) -> TicketOut:
    return _act(
        request,
        number,
        lambda u, t: actions.mark_urgent(u, t, payload.reason, expected_version=payload.version),
    )


# --- Review (R-WO-3) ----------------------------------------------------------------------------


class DraftPage(Schema):
    items: list[DraftOut]
    next_cursor: str | None


def _access_draft(user: Any, draft_id: int) -> DispatchDraft:
    """A draft of an order the user may see; 404 otherwise. The action checks the review right."""
    draft = (
        DispatchDraft.objects.select_related("ticket")
        .filter(pk=draft_id, ticket__in=visible_tickets(user).values("pk"))
        .first()
    )
    if draft is None:
        raise Http404
    return draft


@router.get("/drafts", response=DraftPage, summary="Drafts; pending ones are the review queue")
def list_drafts(
    request: HttpRequest,
    status: str = DraftStatus.PENDING,
    cursor: int | None = None,
    limit: int = Query(50, ge=1, le=100),
) -> DraftPage:
    """``status=pending`` (default) is the review queue, oldest first, for senior agents;
    ``approved`` and ``sent_back`` list reviewed drafts of the orders you may see, newest first."""
    user = request.user
    if status not in DraftStatus.values:
        raise ValidationError({"status": _invalid(status)})
    if status == DraftStatus.PENDING:
        tickets = queries.queue(user, "review")
        order, after = ("id",), "pk__gt"
    else:
        tickets = visible_tickets(user)
        order, after = ("-id",), "pk__lt"
    qs = DispatchDraft.objects.filter(status=status, ticket__in=tickets.values("pk"))
    if cursor is not None:
        qs = qs.filter(**{after: cursor})
    rows = list(qs.select_related(*DRAFT_RELATED).order_by(*order)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return DraftPage(
        items=[draft_out(d) for d in rows], next_cursor=str(rows[-1].pk) if more else None
    )


@router.post("/drafts/{draft_id}/approve", response=TicketOut, summary="Approve or amend a draft")
def approve_draft(request: HttpRequest, draft_id: int, payload: ApproveIn) -> TicketOut:
    draft = _access_draft(request.user, draft_id)
    department, handler = _target(payload)
    actions.approve_draft(
        _actor(request),
        draft,
        department=department,
        handler=handler,
        instructions=payload.instructions,
        note=payload.note,
        expected_version=payload.version,
    )
    return _detail(request.user, draft.ticket.number)


@router.post("/drafts/{draft_id}/send-back", response=TicketOut, summary="Send a draft back")
def send_back_draft(request: HttpRequest, draft_id: int, payload: ReasonIn) -> TicketOut:
    draft = _access_draft(request.user, draft_id)
    actions.send_back_draft(
        _actor(request), draft, payload.reason, expected_version=payload.version
    )
    return _detail(request.user, draft.ticket.number)


# --- Taxonomy -----------------------------------------------------------------------------------


def _active(model: Any) -> list[CodeName]:
    return [CodeName(code=i.code, name=i.name) for i in model.objects.filter(is_active=True)]


def _choices(choices: Any) -> list[CodeName]:
    return [CodeName(code=value, name=str(label)) for value, label in choices.choices]


@router.get("/taxonomy", response=TaxonomyOut, summary="Codes and labels for building forms")
def taxonomy(request: HttpRequest) -> TaxonomyOut:
    require_perm(request, "core.use_workspace")
    return TaxonomyOut(
        call_types=[
            CallTypeOut(code=c.code, name=c.name, is_complaint=c.is_complaint)
            for c in CallType.objects.filter(is_active=True)
        ],
        request_kinds=_active(RequestKind),
        business_lines=_active(BusinessLine),
        natures=_active(Nature),
        suggestion_subjects=_active(SuggestionSubject),
        levels=_choices(Level),
        channels=_choices(Channel),
        priorities=_choices(Priority),
        statuses=_choices(TicketStatus),
    )
