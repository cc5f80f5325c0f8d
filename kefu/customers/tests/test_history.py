"""The caller's last contacts (R-IN-4) say what came of them: status, date, the department the
order went to and its result, linked only for a viewer who may open the order (R-ORG-3), with
phone numbers masked for a viewer without personal data (R-SEC-1), in the same queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.customers import screen_pop, services
from kefu.tickets import actions
from kefu.tickets.choices import Channel, Status
from kefu.tickets.models import CallType, Ticket

ANSWER = "已告知宽带月费 99 元，客户另留电话 13900001111"


def register(user, code="E", level="", title="咨询宽带资费"):
    reg = actions.Registration(
        call_type=CallType.objects.get(code=code),
        channel=Channel.PHONE,
        title=title,
        level=level,
        contact_phone=services.normalize_phone("13812345678"),
        contact_name="陈先生",
    )
    return actions.register(user, reg)


def closed(ticket: Ticket) -> Ticket:
    # The callback that closes an order is another feature's; here only its end state matters.
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    return ticket


@pytest.fixture
def answered(staff, taxonomy) -> Ticket:
    """An inquiry the center answered on first contact, by the first agent."""
    ticket = register(staff["agent"])
    actions.resolve_first_contact(staff["agent"], ticket, ANSWER, expected_version=None)
    return closed(ticket)


@pytest.fixture
def fed_back(staff, taxonomy) -> Ticket:
    """An A1-III complaint dispatched to 城市客服部, whose handler fed back."""
    ticket = register(staff["agent"], "A1", "III", "宽带断网三天")
    draft = actions.submit_dispatch_draft(staff["agent"], ticket, expected_version=None)
    actions.approve_draft(staff["senior_agent"], draft, expected_version=None)
    handler = draft.handler
    ticket.refresh_from_db()
    actions.accept(handler, ticket, expected_version=None)
    ticket.refresh_from_db()
    feedback = actions.Feedback(
        contacted_at=timezone.now(),
        solution="已上门更换光猫",
        effect="恢复上网",
    )
    actions.feed_back(handler, ticket, feedback, expected_version=None)
    return closed(ticket)


def test_r_in_4_the_screen_pop_shows_each_contacts_status_department_and_result(
    staff, answered, fed_back, client
):
    client.force_login(staff["agent"])
    response = client.get(reverse("tickets:screen_pop"), {"contact_phone": "13812345678"})
    html = response.content.decode()
    assert html.count('data-testid="recent-contact"') == 2
    assert "城市客服部" in html
    assert "已上门更换光猫" in html
    assert "13900001111" in html  # an agent on the call may see the customer's numbers
    assert html.count('class="badge text-bg-') >= 2
    for order in (answered, fed_back):
        url = reverse("tickets:detail", args=[order.number])
        assert f'<a href="{url}"' in html


def test_r_org_3_a_contact_the_viewer_cannot_open_is_not_linked(staff, answered, client):
    """The text-entry clerk may take the call but not open another's order: number as text;
    and they see the customer's numbers masked (R-SEC-1)."""
    clerk = staff["text_entry_clerk"]
    client.force_login(clerk)
    html = client.get(
        reverse("tickets:screen_pop"), {"contact_phone": "13812345678"}
    ).content.decode()
    assert answered.number in html
    assert reverse("tickets:detail", args=[answered.number]) not in html
    assert "13900001111" not in html
    assert "139****1111" in html


def test_r_sec_1_history_lines_mask_numbers_for_viewers_without_personal_data(staff, answered):
    pop = screen_pop.lookup("13812345678")
    (agents,) = screen_pop.history_lines(staff["agent"], pop.history)
    (clerks,) = screen_pop.history_lines(staff["text_entry_clerk"], pop.history)
    assert agents.result == ANSWER
    assert agents.may_open
    assert clerks.result == ANSWER.replace("13900001111", "139****1111")
    assert not clerks.may_open


def test_the_history_costs_no_more_queries_with_more_contacts(
    staff, answered, fed_back, django_assert_num_queries
):
    """Department and result come in the history's own query; linking costs none per line."""
    with django_assert_num_queries(3):  # contact point with its customer, open, last
        pop = screen_pop.lookup("13812345678")
    assert len(pop.history) == 2
    agent = staff["agent"]
    with django_assert_num_queries(0):
        lines = screen_pop.history_lines(agent, pop.history)
        assert [line.order.department.name if line.order.department else "" for line in lines]
        assert [line.result for line in lines]


def test_the_customer_page_shows_the_department_of_each_order(staff, fed_back, client):
    client.force_login(staff["agent"])
    response = client.get(reverse("customers:detail", args=[fed_back.customer_id]))
    html = response.content.decode()
    assert "城市客服部" in html
    assert reverse("tickets:detail", args=[fed_back.number]) in html
    # What the center answered last time, as the screen pop shows it (R-IN-4).
    assert 'data-testid="order-result">已上门更换光猫<' in html


def test_the_customer_pages_results_mask_the_numbers_in_them(staff, fed_back, client):
    """The archive shows every number masked (R-SEC-1), free text included."""
    from kefu.tickets.models import Ticket

    Ticket.objects.filter(pk=fed_back.pk).update(resolution="已回电 13812345678 确认恢复")
    client.force_login(staff["agent"])
    html = client.get(reverse("customers:detail", args=[fed_back.customer_id])).content.decode()
    assert "13812345678" not in html
    assert "138****5678" in html
