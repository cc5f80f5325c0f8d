"""Reading work orders: the queues, filters, search and keyset pagination shared by the UI and
the API. Every list starts from ``access.visible_tickets(user)`` (R-ORG-3)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from kefu.org.models import User
from kefu.tickets.access import center_q, department_q, own_q, visible_tickets
from kefu.tickets.choices import OPEN_STATUSES, DraftStatus, Status
from kefu.tickets.models import DispatchDraft, Ticket
from kefu.tickets.models.ticket import TicketQuerySet
from kefu.tickets.search import parse, search


@dataclass(frozen=True)
class Queue:
    code: str
    label: Any
    permission: str
    # Further permissions, any of which also opens the queue.
    or_permissions: tuple[str, ...] = ()

    def open_to(self, user: Any) -> bool:
        return any(user.has_perm(p) for p in (self.permission, *self.or_permissions))


QUEUES: dict[str, Queue] = {
    q.code: q
    for q in [
        # Whose turn it is (``waiting_q``): owners, handlers, reviewers, people escalated to,
        # and surveyors, whose turn the callbacks queue lists.
        Queue(
            "waiting",
            _("Waiting for me"),
            "tickets.view_own",
            ("tickets.accept", "tickets.review", "tickets.take_escalated", "callbacks.make"),
        ),
        Queue("mine", _("My orders"), "tickets.view_own"),
        Queue("review", _("Review queue"), "tickets.review"),
        Queue("department", _("Department queue"), "tickets.view_department"),
        Queue("open", _("All open orders"), "tickets.view_center"),
        Queue("all", _("All orders"), "tickets.view_center"),
    ]
}


def queues_for(user: Any) -> list[Queue]:
    return [q for q in QUEUES.values() if q.open_to(user)]


def _own_pending_drafts(user: Any) -> QuerySet[DispatchDraft]:
    return DispatchDraft.objects.filter(status=DraftStatus.PENDING, drafted_by_id=user.pk)


def reviewable_q(user: Any) -> Q:
    """Orders with a draft this reviewer may review (R-WO-3): never one they drafted
    themselves; VIP / major orders only for senior agents (R-CLS-6)."""
    condition = center_q(user) & ~Q(pk__in=_own_pending_drafts(user).values("ticket_id"))
    if not user.has_perm("tickets.handle_vip"):
        condition &= Q(senior_only=False)
    return condition


WAITING_STATUSES = (
    Status.REGISTERED,
    Status.AWAITING_REVIEW,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.FED_BACK,
)


def waiting_q(user: Any) -> Q:
    """The orders whose next step is the user's, per state (R-WO-1, ``moves.allowed_moves``).

    Each branch starts from an indexed column (owner+status, status, handler, escalated_to),
    so the database answers the OR with one bitmap of small index ranges, never a scan:
    * registered and owned by me (a dispatch draft sent back returns the order to registered,
      R-WO-3), or my own sent-back draft on it; fed back and owned by me (R-WO-8);
    * dispatched or in progress with me as handler (R-WO-6);
    * a draft awaiting review that I may review (R-WO-3): dispatches and second dispatches
      (awaiting review) and follow-ups / withdrawals (dispatched or in progress);
    * escalated to me and still being handled: I state the planned resolution time (R-ESC-1).
    Orders awaiting callback are the callbacks queue's (R-CB-1), not repeated here; from then
    on the callback, not the escalation, is the next step.
    """
    me = user.pk
    sent_back = DispatchDraft.objects.filter(status=DraftStatus.SENT_BACK, drafted_by_id=me)
    condition = (
        Q(owner_id=me, status__in=[Status.REGISTERED, Status.FED_BACK])
        | Q(status=Status.REGISTERED, pk__in=sent_back.values("ticket_id"))
        | Q(handler_id=me, status__in=[Status.DISPATCHED, Status.IN_PROGRESS])
        | Q(escalated_to_id=me, status__in=WAITING_STATUSES)
    )
    if user.has_perm("tickets.review"):
        drafts = Q(status=Status.AWAITING_REVIEW) | Q(
            status__in=[Status.DISPATCHED, Status.IN_PROGRESS], has_pending_draft=True
        )
        condition |= drafts & reviewable_q(user)
    return condition


def queue(user: Any, code: str, *, status: str = "") -> TicketQuerySet:
    """The orders of one queue, already limited to what the user may see.

    ``status`` is the status filter the list applies: "我的工单" holds open orders, and closed
    ones too when that filter asks for them."""
    spec = QUEUES.get(code)
    if spec is None or not spec.open_to(user):
        raise PermissionDenied
    qs = visible_tickets(user)
    if code == "waiting":
        # The states of ``waiting_q`` once more, as one plain condition: it bounds any plan to
        # the open orders' range of the status index (a few thousand at 1M orders), even where
        # the database walks an index for the sort instead of combining the OR's branches.
        return qs.filter(waiting_q(user), status__in=WAITING_STATUSES)
    if code == "mine":
        return (
            qs.filter(own_q(user)) if status else qs.filter(own_q(user), status__in=OPEN_STATUSES)
        )
    if code == "review":
        pending = DispatchDraft.objects.filter(status=DraftStatus.PENDING).values("ticket_id")
        return qs.filter(reviewable_q(user), pk__in=pending)
    if code == "department":
        return qs.filter(department_q(user), status__in=[Status.DISPATCHED, Status.IN_PROGRESS])
    if code == "open":
        return qs.filter(status__in=OPEN_STATUSES)
    return qs


@dataclass
class Filters:
    status: str = ""
    call_type: str = ""  # code
    level: str = ""
    channel: str = ""
    department: int | None = None
    urgent: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str = ""
    owner: int | None = None  # user ids: the form looks employee numbers up
    handler: int | None = None
    escalated_to: int | None = None
    overdue: bool = False  # past the next SLA due time (the ``sla_due_at`` index)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def apply_filters(qs: TicketQuerySet, f: Filters) -> TicketQuerySet:
    if f.status:
        qs = qs.filter(status=f.status)
    if f.call_type:
        qs = qs.filter(call_type__code=f.call_type)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.department:
        qs = qs.filter(department_id=f.department)
    if f.urgent is not None:
        qs = qs.filter(urgent=f.urgent)
    if f.received_from:
        qs = qs.filter(received_at__gte=_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_day_start(f.received_to) + timedelta(days=1))
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.handler:
        qs = qs.filter(handler_id=f.handler)
    if f.escalated_to:
        qs = qs.filter(escalated_to_id=f.escalated_to)
    if f.overdue:
        qs = qs.filter(sla_due_at__lt=timezone.now())
    if f.q:
        qs = search(qs, f.q)
    return qs


def staff_choices() -> QuerySet[User]:
    """The people a first-contact owner, handler or escalated-to filter may name (lazy)."""
    return User.objects.filter(is_active=True).only("employee_no", "name").order_by("employee_no")


def filtered_queue(user: Any, code: str, f: Filters) -> TicketQuerySet:
    """One queue with the filters applied (the status filter may widen "我的工单")."""
    return apply_filters(queue(user, code, status=f.status), f)


# --- Keyset pagination --------------------------------------------------------------------
# Lists run newest received first; a cursor is the (received_at, id) of the last row shown, so
# the next page is an index range scan however deep the user pages: no OFFSET, no COUNT over a
# million rows. A keyword search runs newest registered first (by id) instead: a common word
# matches a large share of all orders, and only an order the database can follow from the word
# index (ascending ids) or the primary key stops after one page; sorting 150,000 matches by
# received time cost over a second at 1M orders (bench/results).


def _pack(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _unpack(cursor: str) -> list[str]:
    """The ``|``-separated fields of a cursor; raises ValueError/binascii.Error if malformed."""
    padded = cursor + "=" * (-len(cursor) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode().split("|")


def encode_cursor(ticket: Ticket, by_id: bool = False) -> str:
    return _pack(f"id|{ticket.pk}" if by_id else f"{ticket.received_at.isoformat()}|{ticket.pk}")


def decode_cursor(cursor: str) -> tuple[datetime | None, int] | None:
    """(received_at, id) of a list cursor, (None, id) of a search cursor; None if malformed."""
    try:
        first, pk_text = _unpack(cursor)
        if first == "id":
            return (None, int(pk_text))
        when = parse_datetime(first)
        return (when, int(pk_text)) if when else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def is_keyword_search(text: str) -> bool:
    return parse(text).kind == "words"


SORTS = {"received": _("Newest first"), "due": _("Due soonest (SLA)")}
# The button to the next page says where it leads in each order.
NEXT_PAGE_LABELS = {"received": _("Older orders"), "due": _("Due later")}
# Queues sorted by due time by default, and that list their orders without a running clock
# after the dated ones: nothing waiting on someone may drop out of sight.
DUE_FIRST_QUEUES = frozenset({"review", "waiting"})


def default_sort(queue_code: str) -> str:
    """The review queue works against the 1-hour dispatch limit (R-WO-4), and what waits on me
    is worked in the order it falls due: due first there."""
    return "due" if queue_code in DUE_FIRST_QUEUES else "received"


def next_page_label(sort: str, *, by_id: bool = False) -> Any:
    """A keyword search pages newest registered first, whatever the sort asked."""
    return NEXT_PAGE_LABELS["received" if by_id else sort]


def _due_cursor(ticket: Ticket) -> str:
    if ticket.sla_due_at is None:
        return _pack(f"undated||{ticket.pk}")
    return _pack(f"due|{ticket.sla_due_at.isoformat()}|{ticket.pk}")


def due_position(cursor: str) -> tuple[str, datetime | None, int] | None:
    """("due", due time, id) or ("undated", None, id) of a due-sort cursor; None if malformed."""
    try:
        tag, when_text, pk_text = _unpack(cursor)
        if tag == "undated":
            return (tag, None, int(pk_text))
        when = parse_datetime(when_text)
        return (tag, when, int(pk_text)) if tag == "due" and when else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def page_by_due(
    qs: QuerySet[Ticket], cursor: str = "", size: int = 50, *, with_undated: bool = False
) -> tuple[list[Ticket], str]:
    """Orders with a running SLA clock, soonest due first (kefu.sla keeps ``sla_due_at``);
    keyset-paginated on the (sla_due_at, id) index like the other lists.

    ``with_undated`` lists the orders without a running clock after them (oldest registered
    first), so a queue sorted by due time by default hides none of its orders."""
    position = due_position(cursor) if cursor else None
    rows: list[Ticket] = []
    if position is None or position[0] == "due":
        dated = qs.filter(sla_due_at__isnull=False).order_by("sla_due_at", "id")
        if position and position[1] is not None:
            _, when, pk = position
            dated = dated.filter(sla_due_at__gte=when).filter(Q(sla_due_at__gt=when) | Q(id__gt=pk))
        rows = list(dated[: size + 1])
    if with_undated and len(rows) <= size:
        undated = qs.filter(sla_due_at__isnull=True).order_by("id")
        if position and position[0] == "undated":
            undated = undated.filter(id__gt=position[2])
        rows += list(undated[: size + 1 - len(rows)])
    next_cursor = _due_cursor(rows[size - 1]) if len(rows) > size else ""
    return rows[:size], next_cursor


def page(
    qs: QuerySet[Ticket],
    cursor: str = "",
    size: int = 50,
    *,
    by_id: bool = False,
    by_due: bool = False,
    with_undated: bool = False,
) -> tuple[list[Ticket], str]:
    """One page and the cursor of the next ("" when this is the last)."""
    if by_due and not by_id:
        return page_by_due(qs, cursor, size, with_undated=with_undated)
    position = decode_cursor(cursor) if cursor else None
    if by_id:
        qs = qs.order_by("-id")
        if position:
            qs = qs.filter(id__lt=position[1])
    else:
        qs = qs.order_by("-received_at", "-id")
        if position and position[0] is not None:
            when, pk = position
            # The plain bound first, so the database walks the (received_at, id) index from the
            # cursor down; the OR alone makes PostgreSQL scan and sort deep into the table.
            qs = qs.filter(received_at__lte=when).filter(Q(received_at__lt=when) | Q(id__lt=pk))
    rows = list(qs[: size + 1])
    next_cursor = encode_cursor(rows[size - 1], by_id) if len(rows) > size else ""
    return rows[:size], next_cursor


_NOT_LOADED = object()


def pending_draft(ticket: Ticket) -> DispatchDraft | None:
    """The order's draft awaiting review, with its people and department; read once per order
    object, since the page, the move list and the API answer all ask for it."""
    cached = getattr(ticket, "_pending_draft", _NOT_LOADED)
    if cached is not _NOT_LOADED:
        return cached  # type: ignore[return-value]
    draft = None
    if ticket.has_pending_draft:
        draft = (
            ticket.drafts.filter(status=DraftStatus.PENDING)
            .select_related("department", "handler", "drafted_by", "reviewed_by")
            .first()
        )
        if draft is not None:
            draft.ticket = ticket
    ticket._pending_draft = draft  # type: ignore[attr-defined]
    return draft
