"""R-IN-4 screen pop and R-CUS-2 differentiated service."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kefu.customers import screen_pop, services
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType
from kefu.tickets.tests.api_fixtures import Api


def register(user, phone="13812345678", customer=None, title="宽带断网", code="A1"):
    reg = actions.Registration(
        call_type=CallType.objects.get(code=code),
        channel=Channel.PHONE,
        title=title,
        level="III" if code == "A1" else "",
        customer=customer,
        contact_phone=services.normalize_phone(phone),
        contact_name="陈先生",
    )
    return actions.register(user, reg)


@pytest.mark.parametrize(
    "spelling", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "0086 13812345678"]
)
def test_r_in_4_lookup_by_any_spelling(staff, make_customer, taxonomy, spelling):
    customer = make_customer(tier="vip", vip_level=2)
    open_order = register(staff["senior_agent"], customer=customer)
    closed = register(staff["senior_agent"], customer=customer, title="骚扰", code="F")
    actions.close_harassment(staff["senior_agent"], closed, "已结束", expected_version=None)
    pop = screen_pop.lookup(spelling)
    assert pop.phone == "+8613812345678"
    assert pop.customer == customer
    assert pop.profile is not None
    assert pop.profile.vip_level == 2
    assert pop.profile.senior_only
    assert [t.number for t in pop.open_orders] == [open_order.number]
    assert [t.number for t in pop.history] == [closed.number]


def test_r_in_4_an_unknown_number_still_shows_orders_under_that_number(staff, taxonomy):
    order = register(staff["agent"], phone="13900001111")  # intake creates the customer
    pop = screen_pop.lookup("139 0000 1111")
    assert pop.customer == order.customer
    assert screen_pop.lookup("not a phone").phone == ""
    assert screen_pop.lookup("13700000000").customer is None


def test_r_in_4_screen_pop_shows_every_open_order_to_whoever_answers(
    staff, make_customer, taxonomy
):
    """Another agent's open order appears too: the call is added to it, not duplicated."""
    customer = make_customer()
    order = register(staff["agent2"], customer=customer)
    assert [t.number for t in screen_pop.lookup("13812345678").open_orders] == [order.number]


def test_the_intake_side_panel_uses_the_lookup_and_shows_the_vip_badge(
    staff, make_customer, taxonomy, client
):
    customer = make_customer(name="王建国", tier="vip", vip_level=4)
    order = register(staff["agent"], customer=customer)
    client.force_login(staff["agent"])
    html = client.get(
        reverse("tickets:screen_pop"), {"contact_phone": "138 1234 5678"}
    ).content.decode()
    assert "王建国" in html
    assert 'data-testid="vip-badge"' in html
    assert "VIP4" in html
    assert order.number in html


def test_the_order_page_shows_the_badge(staff, make_customer, taxonomy, client):
    customer = make_customer(tier="major")
    order = register(staff["agent"], customer=customer)
    client.force_login(staff["agent"])
    html = client.get(reverse("tickets:detail", args=[order.number])).content.decode()
    assert 'data-testid="vip-badge"' in html


def test_r_in_4_screen_pop_api(staff, make_customer, taxonomy):
    customer = make_customer(tier="vip", vip_level=1, region="徐汇区")
    order = register(staff["agent"], customer=customer)
    body = Api(staff["agent"]).get("/customers/screen-pop", {"phone": "+86 138-1234-5678"}).json()
    assert body["customer"]["id"] == customer.pk
    assert body["customer"]["tier_label"] == "VIP1"
    assert body["profile"] == {
        "tier": "vip",
        "vip_level": 1,
        "region": "徐汇区",
        "customer_type": "end_user",
        "tenure_days": 0,
        "senior_only": True,
    }
    assert [o["number"] for o in body["open_orders"]] == [order.number]
    bad = Api(staff["agent"]).get("/customers/screen-pop", {"phone": "12"})
    assert bad.status_code == 422
    assert "phone" in bad.json()["errors"]
    refused = Api(staff["statistician"]).get("/customers/screen-pop", {"phone": "13812345678"})
    assert refused.status_code == 403


def test_r_cus_2_service_profile(make_customer):
    customer = make_customer(
        tier="leased_line",
        region="浦东新区",
        customer_type="merchant",
        registered_on=date(2024, 1, 1),
    )
    profile = customer.service_profile(today=date(2025, 1, 1))
    assert profile.tier == "leased_line"
    assert profile.vip_level is None
    assert profile.region == "浦东新区"
    assert profile.customer_type == "merchant"
    assert profile.tenure_days == 366
    assert profile.senior_only is True
    ordinary = make_customer(name="普通", phones=["13900001111"])
    assert ordinary.service_profile().senior_only is False


def test_r_cus_2_an_order_of_a_vip_goes_to_senior_agents(staff, make_customer, taxonomy):
    customer = make_customer(tier="vip", vip_level=1)
    assert register(staff["agent"], customer=customer).senior_only is True
