"""The demo orders of ``kefu demo`` (issue 3, item 10): every type, channel and state, every queue
with content, built only through the actions, and loaded once however often the demo runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from kefu.callbacks.demo import load_callbacks
from kefu.core.permissions import _object_rules
from kefu.customers.choices import CustomerTier, CustomerType
from kefu.customers.demo import DemoCustomer, load_customers
from kefu.customers.models import ContactPoint, Customer
from kefu.org.demo import load_org
from kefu.org.models import User
from kefu.tickets import queries
from kefu.tickets.access import department_ids, visible_tickets
from kefu.tickets.choices import Channel, CloseReason, DraftKind, DraftStatus, EventKind, Status
from kefu.tickets.demo import demo_orders, load_orders, summary_line
from kefu.tickets.models import CallType, DispatchDraft, Ticket, TimelineEvent

pytestmark = pytest.mark.django_db

HANDLERS = ["2001", "2002", "2101", "2201", "2301", "2401"]
# The persona whose view of each queue must not be empty.
QUEUE_PERSONAS = {
    "waiting": "1001",  # 王丽: what waits on her
    "mine": "1001",  # 王丽, agent
    "review": "1020",  # 赵敏, senior agent
    "department": "2001",  # 林涛, handler of 城市客服部
    "open": "1070",  # 郭强, manager
    "all": "1070",
}


@dataclass(frozen=True)
class Demo:
    customers: list[DemoCustomer]
    made: int


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo loaded once for this module, inside a transaction rolled back at its end (each
    test runs in a savepoint of it), because loading 300 orders takes seconds."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_org()
        customers = load_customers()
        made = load_orders(customers)
        load_callbacks()  # the orders meant to end closed are closed by their callbacks
        yield Demo(customers=customers, made=made)
        transaction.set_rollback(True)


def staff(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


def test_the_demo_makes_a_few_hundred_orders(demo):
    assert demo.made == 300
    assert demo_orders().count() == 300
    assert summary_line().startswith("Demo orders: 300 (registered ")


def test_every_call_type_channel_level_and_state_has_orders(demo):
    orders = demo_orders()
    assert set(orders.values_list("call_type__code", flat=True)) == set(
        CallType.objects.values_list("code", flat=True)
    )
    assert set(orders.values_list("channel", flat=True)) == set(Channel.values)
    assert set(orders.values_list("status", flat=True)) == set(Status.values)
    complaint_levels = orders.filter(call_type__is_complaint=True).values_list("level", flat=True)
    assert set(complaint_levels) == {"I", "II", "III", "IV"}
    closed = orders.filter(status=Status.CLOSED).values_list("close_reason", flat=True)
    assert set(closed) == set(CloseReason.values)


def test_the_side_paths_appear_too(demo):
    """Sent-back drafts, follow-ups, pending withdrawals and second dispatches (R-WO-3, R-WO-5),
    help requests (R-WO-7), repeat contacts (R-IN-4), customer contacts (R-WO-9), notes."""
    drafts = set(DispatchDraft.objects.values_list("kind", "status"))
    assert (DraftKind.DISPATCH, DraftStatus.SENT_BACK) in drafts
    assert (DraftKind.DISPATCH, DraftStatus.PENDING) in drafts
    assert (DraftKind.FOLLOW_UP, DraftStatus.APPROVED) in drafts
    assert (DraftKind.FOLLOW_UP, DraftStatus.PENDING) in drafts
    assert (DraftKind.WITHDRAWAL, DraftStatus.APPROVED) in drafts
    assert (DraftKind.REDISPATCH, DraftStatus.PENDING) in drafts
    kinds = set(TimelineEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.REPEAT_CONTACT,
        EventKind.CUSTOMER_CONTACTED,
        EventKind.NOTE,
        EventKind.HELP_REQUESTED,
        EventKind.URGENT,
        EventKind.DRAFT_AMENDED,
        EventKind.FEEDBACK_SENT_BACK,
    } <= kinds
    assert demo_orders().filter(status=Status.IN_PROGRESS, help_requested=True).exists()
    assert demo_orders().filter(senior_only=True, urgent=True).exists()  # R-CLS-5, R-CLS-6


@pytest.mark.parametrize("code", list(queries.QUEUES))
def test_every_queue_has_content_for_its_persona(demo, code):
    user = staff(QUEUE_PERSONAS[code])
    assert queries.queue(user, code).exists()


def test_a_handlers_list_holds_only_orders_of_their_department(demo):
    """R-ORG-3: a department handler sees only what was dispatched to their department."""
    for employee_no in HANDLERS:
        handler = staff(employee_no)
        allowed = set(department_ids(handler))
        listed = queries.queue(handler, "department")
        assert listed.exists(), employee_no
        assert set(listed.values_list("department_id", flat=True)) <= allowed, employee_no
        visible = visible_tickets(handler).values_list("department_id", flat=True)
        assert set(visible) <= allowed, employee_no


def test_every_timeline_starts_with_the_registration(demo):
    first_kind: dict[int, str] = {}
    events = TimelineEvent.objects.filter(ticket__in=demo_orders()).order_by("ticket", "at", "id")
    for ticket_id, kind in events.values_list("ticket_id", "kind"):
        first_kind.setdefault(ticket_id, kind)
    assert len(first_kind) == 300
    assert set(first_kind.values()) == {EventKind.REGISTERED}


def test_running_the_demo_again_adds_nothing(demo):
    tables = [Ticket, TimelineEvent, DispatchDraft, Customer, ContactPoint]
    before = [model._default_manager.count() for model in tables]

    load_org()
    assert load_orders(load_customers()) == 0

    assert [model._default_manager.count() for model in tables] == before


def test_the_demo_customers_cover_every_type_and_the_senior_tiers(demo):
    """R-CUS-1 / R-CLS-6: end users, merchants and media; VIP, major, important, leased line."""
    customers = [c.customer for c in demo.customers]
    assert 70 <= len(customers) <= 90
    assert {c.customer_type for c in customers} >= {
        CustomerType.END_USER,
        CustomerType.MERCHANT,
        CustomerType.MEDIA,
    }
    assert {c.tier for c in customers} == set(CustomerTier.values)
    assert all(c.phone.startswith("+86") for c in demo.customers)
    landlines = [c for c in demo.customers if c.phone.startswith("+8621")]
    assert landlines, "organisations are reached on Shanghai landlines"
    assert len({c.phone for c in demo.customers}) == len(demo.customers)


def test_every_ticket_rule_check_agrees_with_its_query_for_every_demo_person(demo):
    """R-ORG-3: the in-memory checks of each ticket rule agree with its database query.

    Permission checks on a loaded order use the in-memory form (no query); lists and look-ups use
    the Q. If the two ever disagreed, a page could offer a move the list would hide, or the
    reverse. (Over the demo orders of this module: loading them again costs seconds.)
    """
    tickets = list(Ticket.objects.all())
    assert len(tickets) > 100
    rules = {perm: rule for perm, rule in _object_rules.items() if rule.model is Ticket}
    assert rules, "the ticket rules are registered"
    for user in User.objects.filter(is_active=True):
        for perm, rule in rules.items():
            assert rule.check is not None, perm
            in_query = set(Ticket.objects.filter(rule.query(user)).values_list("pk", flat=True))
            in_memory = {t.pk for t in tickets if rule.check(user, t)}
            assert in_memory == in_query, (user.employee_no, perm)
