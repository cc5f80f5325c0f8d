"""Screen pop 弹屏 (R-IN-4): as soon as the caller's number is known, who is calling, their tier,
their open orders and their last contacts.

Every open order of the caller is shown to whoever answers, whatever queue it sits in: the agent
must be able to add the call to it instead of registering a duplicate (R-IN-4). A number no
customer has yet still shows the open orders registered under that number.

Four indexed queries, none of which grows with the size of the database: the contact point
(kind, value), the customer by key, the customer's open orders (customer, status) and the last
orders (customer, status) with the department each went to — bench/screen_pop_bench.py measures
it at 1M customers. ``history_lines`` adds none: who may open an order is decided in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kefu.customers.models import Customer, ServiceProfile
from kefu.customers.services import customer_for_phone
from kefu.lib.phones import try_normalize

OPEN_LIMIT = 10
HISTORY_LIMIT = 5
ORDER_FIELDS = (
    "number",
    "status",
    "title",
    "level",
    "received_at",
    "senior_only",
    "customer_id",
    "call_type__code",
    "call_type__name",
)
# The last contacts also say what came of them (R-IN-4): where the order went, what the center
# answered or the department fed back, and who may open it (R-ORG-3: owner, registrar, unit).
HISTORY_FIELDS = (
    *ORDER_FIELDS,
    "resolution",
    "closed_at",
    "owner",
    "registered_by",
    "department__name",
)


@dataclass
class ScreenPop:
    phone: str  # E.164, or "" if the input was no phone number
    customer: Customer | None = None
    profile: ServiceProfile | None = None
    open_orders: list[Any] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)  # last closed contacts, newest first


@dataclass(frozen=True)
class HistoryLine:
    """One of the caller's last contacts as a viewer sees it: numbers in its texts masked unless
    the viewer may see personal data (R-SEC-1), a link only if they may open it (R-ORG-3)."""

    order: Any
    title: str
    result: str
    may_open: bool


def history_lines(user: Any, orders: list[Any]) -> list[HistoryLine]:
    from kefu.audit.masking import shown
    from kefu.tickets.access import is_visible

    return [
        HistoryLine(
            order=order,
            title=shown(user, order.title),
            result=shown(user, order.resolution),
            may_open=is_visible(user, order),
        )
        for order in orders
    ]


def lookup(raw_phone: str) -> ScreenPop:
    """The screen pop for a number in any spelling (13812345678, +86 138 1234 5678,
    021-5234 5678); an empty one for anything that is not a phone number."""
    from kefu.tickets.choices import Status
    from kefu.tickets.models import Ticket

    phone = try_normalize(raw_phone or "")
    if not phone:
        return ScreenPop(phone="")
    customer = customer_for_phone(phone)
    pop = ScreenPop(phone=phone, customer=customer)
    # Only what the panel and the API show: a wide order row costs more to build than to read.
    orders = (
        Ticket.objects.open()
        .select_related("call_type")
        .only(*ORDER_FIELDS)
        .order_by("-received_at", "-id")
    )
    if customer is None:
        pop.open_orders = list(orders.filter(contact_phone=phone)[:OPEN_LIMIT])
        return pop
    pop.profile = customer.service_profile()
    pop.open_orders = list(orders.filter(customer=customer)[:OPEN_LIMIT])
    pop.history = list(
        Ticket.objects.filter(customer=customer, status=Status.CLOSED)
        .select_related("call_type", "department")
        .only(*HISTORY_FIELDS)
        .order_by("-received_at", "-id")[:HISTORY_LIMIT]
    )
    return pop
