"""R-CB-4 second dispatch: a VIP order's second dispatch is drafted by the surveyor and reviewed
by a senior agent (R-CLS-6 still stops ordinary drafting); the form keeps what was typed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from kefu.callbacks import services
from kefu.callbacks.choices import Outcome
from kefu.callbacks.models import SecondDispatch
from kefu.customers.choices import CustomerTier
from kefu.customers.services import CustomerData, create_customer
from kefu.tickets import actions
from kefu.tickets.choices import DraftKind, Status

from .conftest import fresh

# The entry point of kefu.tickets this fix relies on (see the report of the change).


@pytest.fixture
def vip_to_callback(staff, register):
    """A VIP customer's A1-III order, dispatched by a senior agent and confirmed: awaiting its
    callback (R-CLS-6: only senior agents draft and confirm it)."""
    customer = create_customer(
        staff["agent"],
        CustomerData(name="金总", phones=["+8613900001111"], tier=CustomerTier.VIP),
    )
    ticket = register(customer=customer, contact_phone="+8613900001111")
    assert ticket.senior_only
    actions.dispatch_now(staff["senior"], ticket, expected_version=None)
    ticket = fresh(ticket)
    actions.accept(ticket.handler, ticket, expected_version=None)
    actions.feed_back(
        ticket.handler,
        fresh(ticket),
        actions.Feedback(contacted_at=timezone.now(), solution="已上门", effect="已恢复"),
        expected_version=None,
    )
    actions.confirm(staff["senior"], fresh(ticket), expected_version=None)
    return fresh(ticket)


def _problem(**kw):
    values = {
        "score": 1,
        "cause": "专线中断未按承诺时间修复",
        "remedy": "致歉并安排专人跟进",
        "warning": "VIP 专线故障处理超时，予以书面警告",
    }
    values.update(kw)
    return services.ProblemBack(**values)


def test_r_cls_6_ordinary_drafting_of_a_vip_order_stays_with_senior_agents(staff, register):
    customer = create_customer(
        staff["agent"],
        CustomerData(name="钱总", phones=["+8613900002222"], tier=CustomerTier.MAJOR),
    )
    ticket = register(customer=customer, contact_phone="+8613900002222")
    with pytest.raises(PermissionDenied):
        actions.submit_dispatch_draft(staff["agent"], ticket, expected_version=None)


def test_r_cb_4_surveyor_drafts_the_second_dispatch_of_a_vip_order(staff, vip_to_callback):
    ticket = vip_to_callback
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    record = services.second_dispatch(staff["surveyor"], fresh(ticket), _problem())
    assert record.draft.kind == DraftKind.REDISPATCH
    assert record.draft.drafted_by == staff["surveyor"]
    assert fresh(ticket).status == Status.AWAITING_REVIEW
    # reviewed by a senior agent, as every second dispatch (R-WO-3)
    actions.approve_draft(staff["senior"], record.draft, expected_version=None)
    assert fresh(ticket).status == Status.DISPATCHED


def test_r_cb_4_form_keeps_what_was_typed_when_it_is_refused(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    client.force_login(staff["surveyor"])
    response = client.post(
        f"/callbacks/orders/{ticket.number}/second_dispatch/",
        {
            "score": "2",
            "cause": "维修人员爽约",
            "remedy": "已致歉并承诺今天上门",
            "comment": "等了一整天",
            "warning": "",  # the service asks for it: 城市客服部 handled the order
        },
        follow=True,
    )
    page = response.content.decode()
    assert not SecondDispatch.objects.exists()
    assert "维修人员爽约" in page
    assert "已致歉并承诺今天上门" in page
    assert 'value="等了一整天"' in page
    assert 'data-testid="field-error-warning"' in page
    assert 'data-testid="callback-second-dispatch" open' in page
    # taken once: a reload shows the empty form again
    assert "维修人员爽约" not in client.get(f"/tickets/{ticket.number}/").content.decode()


def test_r_cb_4_form_keeps_what_was_typed_when_the_form_is_invalid(
    staff, dispatched_to_callback, client: Client
):
    ticket = dispatched_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    client.force_login(staff["surveyor"])
    response = client.post(
        f"/callbacks/orders/{ticket.number}/second_dispatch/",
        {"score": "2", "cause": "维修人员爽约", "remedy": "", "comment": "等了一整天"},
        follow=True,
    )
    page = response.content.decode()
    assert "维修人员爽约" in page
    assert 'data-testid="field-error-remedy"' in page
