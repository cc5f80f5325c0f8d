"""R-CB-1: an order awaiting its callback is closed by the callback's outcome, not by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.callbacks import services as callbacks
from kefu.callbacks.choices import CallbackStatus, Outcome
from kefu.callbacks.models import Callback
from kefu.core.errors import IllegalTransition
from kefu.tickets import actions
from kefu.tickets.choices import Status
from kefu.tickets.moves import allowed_moves


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def awaiting_callback(org, register):
    ticket = register("E", "")
    ticket = fresh(ticket)
    actions.resolve_first_contact(org["agent"], ticket, "已告知办理流程", expected_version=1)
    return fresh(ticket)


def test_the_plain_close_is_not_offered_while_the_callback_is_open(org, awaiting_callback, client):
    ticket = awaiting_callback
    assert Callback.objects.get(ticket=ticket).status == CallbackStatus.OPEN
    assert "close" not in allowed_moves(org["surveyor"], ticket)
    client.force_login(org["surveyor"])
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="move-close"' not in html


def test_closing_by_hand_without_a_callback_is_refused(org, awaiting_callback, client):
    ticket = awaiting_callback
    with pytest.raises(IllegalTransition):
        actions.close(org["surveyor"], ticket, "", expected_version=ticket.version)

    client.force_login(org["surveyor"])
    response = client.post(
        reverse("tickets:move", args=[ticket.number, "close"]),
        {"version": ticket.version, "text": "回访后关闭"},
    )
    assert response.status_code == 200
    assert fresh(ticket).status == Status.PENDING_CALLBACK
    assert Callback.objects.get(ticket=ticket).status == CallbackStatus.OPEN


def test_the_callback_outcome_still_closes_the_order(org, awaiting_callback):
    ticket = awaiting_callback
    callbacks.record_attempt(org["surveyor"], ticket, Outcome.REACHED, "客户接听")
    callbacks.close_satisfied(org["surveyor"], fresh(ticket), score=5, comment="满意")

    assert fresh(ticket).status == Status.CLOSED
    assert Callback.objects.get(ticket=ticket).status == CallbackStatus.SATISFIED


def test_an_order_without_an_open_round_may_still_be_closed_by_hand(org, awaiting_callback):
    """Orders that reached the callback state before the callback module kept rounds."""
    ticket = awaiting_callback
    Callback.objects.filter(ticket=ticket).delete()
    assert "close" in allowed_moves(org["surveyor"], ticket)
    actions.close(org["surveyor"], ticket, "回访满意", expected_version=ticket.version)
    assert fresh(ticket).status == Status.CLOSED


def test_the_api_refuses_the_plain_close_while_the_callback_is_open(org, awaiting_callback):
    from kefu.tickets.tests.api_fixtures import Api

    ticket = awaiting_callback
    response = Api(org["surveyor"]).move(ticket.number, "close", note="回访后关闭")
    assert response.status_code == 409
    assert fresh(ticket).status == Status.PENDING_CALLBACK
