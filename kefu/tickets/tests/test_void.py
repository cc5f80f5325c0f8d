"""作废: a duplicate or mistakenly registered order is voided before dispatch (R-WO-1), closed
with close reason ``void``, its time limits cancelled, no callback owed (R-CB-1), and left out
of the SLA report, the callback rates and the complaint statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.callbacks import reports as callback_reports
from kefu.callbacks.models import Callback, ComplaintRecord
from kefu.core.errors import IllegalTransition
from kefu.sla import report as sla_report
from kefu.sla.models import Clock
from kefu.tickets import actions
from kefu.tickets.choices import (
    Channel,
    CloseReason,
    DraftStatus,
    EventKind,
    Move,
    Status,
)
from kefu.tickets.moves import allowed_moves
from kefu.tickets.tests.api_fixtures import Api

pytestmark = pytest.mark.django_db


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


def void(org, ticket, reason="重复登记", **kw):
    return actions.void(org["senior"], ticket, reason, expected_version=ticket.version, **kw)


# --- Legal moves ------------------------------------------------------------------------------


def test_a_registered_order_is_voided_and_closed_with_reason_void(org, register):
    ticket = register()
    assert Move.VOID in allowed_moves(org["senior"], ticket)

    void(org, ticket, "误登记，客户拨错号码")

    ticket = fresh(ticket)
    assert ticket.status == Status.CLOSED
    assert ticket.close_reason == CloseReason.VOID
    assert ticket.closed_at is not None
    event = ticket.events.get(kind=EventKind.VOIDED)
    assert (event.from_status, event.to_status) == (Status.REGISTERED, Status.CLOSED)
    assert event.body == "误登记，客户拨错号码"
    assert event.data == {}


def test_voiding_an_order_awaiting_review_cancels_its_pending_draft(org, register):
    ticket = register()
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    ticket = fresh(ticket)
    assert ticket.status == Status.AWAITING_REVIEW
    assert Move.VOID in allowed_moves(org["senior"], ticket)

    void(org, ticket)

    ticket, draft = fresh(ticket), fresh(draft)
    assert ticket.status == Status.CLOSED
    assert not ticket.has_pending_draft
    assert draft.status == DraftStatus.CANCELLED
    assert draft.reviewed_by == org["senior"]


def test_a_dispatched_order_cannot_be_voided(org, register):
    ticket = register()
    ticket = actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    assert Move.VOID not in allowed_moves(org["senior"], ticket)

    with pytest.raises(IllegalTransition):
        void(org, ticket)
    assert fresh(ticket).status == Status.DISPATCHED


# --- Permission and input ---------------------------------------------------------------------


def test_an_agent_may_not_void_but_a_senior_agent_and_the_manager_may(org, register):
    ticket = register()
    assert Move.VOID not in allowed_moves(org["agent"], ticket)
    assert Move.VOID in allowed_moves(org["manager"], ticket)
    with pytest.raises(PermissionDenied):
        actions.void(org["agent"], ticket, "重复", expected_version=ticket.version)
    assert fresh(ticket).status == Status.REGISTERED


def test_the_reason_is_required(org, register):
    ticket = register()
    with pytest.raises(ValidationError) as error:
        void(org, ticket, "  ")
    assert "reason" in error.value.message_dict
    assert fresh(ticket).status == Status.REGISTERED


def test_duplicate_of_names_the_surviving_order_on_the_timeline(org, register, client):
    survivor = register()
    ticket = register()

    void(org, ticket, "同一客户重复来电登记", duplicate_of=f" {survivor.number} ")

    event = fresh(ticket).events.get(kind=EventKind.VOIDED)
    assert event.data == {"duplicate_of": survivor.number}
    client.force_login(org["senior"])
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    link = reverse("tickets:detail", args=[survivor.number])
    assert 'data-testid="duplicate-of"' in html
    assert f'href="{link}"' in html
    assert 'data-testid="void-badge"' in html


@pytest.mark.parametrize("which", ["unknown", "itself", "void"])
def test_duplicate_of_must_be_another_live_order_the_actor_can_see(org, register, which):
    ticket = register()
    number = {"unknown": "NOPE-0000", "itself": ticket.number}.get(which, "")
    if which == "void":
        other = register()
        void(org, other)
        number = other.number

    with pytest.raises(ValidationError) as error:
        void(org, ticket, duplicate_of=number)
    assert "duplicate_of" in error.value.message_dict
    assert fresh(ticket).status == Status.REGISTERED


# --- Time limits and callbacks ------------------------------------------------------------------


def test_voiding_cancels_every_clock_neither_met_nor_breached(org, register):
    ticket = register(channel=Channel.EMAIL)  # R-IN-2: a registration clock, met at once
    assert Clock.objects.filter(ticket=ticket, met_at__isnull=True).exists()

    void(org, ticket)

    clocks = Clock.objects.filter(ticket=ticket)
    assert clocks.exists()
    assert not clocks.filter(cancelled_at__isnull=True).exists()
    assert not clocks.filter(breached_at__isnull=False).exists()
    assert fresh(ticket).sla_due_at is None


def test_voiding_opens_no_callback_round(org, register):
    ticket = register("E", "")
    void(org, ticket)
    assert not Callback.objects.filter(ticket=ticket).exists()


# --- Reports ------------------------------------------------------------------------------------


def test_a_void_order_is_left_out_of_the_sla_report(org, register):
    kept = register(channel=Channel.EMAIL)
    voided = register(channel=Channel.EMAIL)
    void(org, voided)

    today = timezone.localdate()
    counted = set(sla_report.clocks_in(today, today).values_list("ticket_id", flat=True))
    assert kept.pk in counted
    assert voided.pk not in counted


def test_a_void_complaint_is_left_out_of_the_complaint_statistics(org, register):
    register()
    voided = register()
    assert ComplaintRecord.objects.filter(ticket=voided).exists()
    void(org, voided)

    today = timezone.localdate()
    table = callback_reports.classification(today, today + timedelta(days=1))
    assert table["total"] == 1


def test_earlier_callback_rounds_of_a_reopened_then_voided_order_leave_the_callback_rate(
    org, register
):
    ticket = register("E", "")
    actions.resolve_first_contact(org["agent"], ticket, "已告知", expected_version=ticket.version)
    ticket = actions.close_after_callback(org["surveyor"], fresh(ticket), expected_version=None)
    assert callback_reports.callback_rates().due == 1
    ticket = actions.reopen(org["senior"], ticket, "客户说登记有误", expected_version=None)

    void(org, fresh(ticket))

    assert Callback.objects.filter(ticket=ticket).exists()
    assert callback_reports.callback_rates().due == 0


# --- API ----------------------------------------------------------------------------------------


def test_api_voids_and_lists_the_move(org, register):
    survivor, ticket = register(), register()
    api = Api(org["senior"])
    assert "void" in api.ticket(ticket.number)["allowed_moves"]

    response = api.move(ticket.number, "void", reason="重复登记", duplicate_of=survivor.number)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["close_reason"]) == ("closed", "void")
    assert "void" not in body["allowed_moves"]


def test_api_refuses_voiding_a_dispatched_order_with_409(org, register):
    ticket = register()
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    response = Api(org["senior"]).move(ticket.number, "void", reason="重复登记")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reason": ""}, "reason"), ({"reason": "重复", "duplicate_of": "NOPE-0000"}, "duplicate_of")],
)
def test_api_refuses_bad_input_with_422(org, register, body, field):
    ticket = register()
    response = Api(org["senior"]).move(ticket.number, "void", **body)
    assert response.status_code == 422
    assert field in response.content.decode()
    assert fresh(ticket).status == Status.REGISTERED


def test_api_refuses_an_agent_with_403(org, register):
    ticket = register()
    response = Api(org["agent"]).move(ticket.number, "void", reason="重复")
    assert response.status_code == 403


def test_the_order_page_voids_through_its_form(org, register, client):
    ticket = register()
    client.force_login(org["senior"])
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="move-void"' in page

    response = client.post(
        reverse("tickets:move", args=[ticket.number, "void"]),
        {"version": ticket.version, "text": "误登记", "duplicate_of": ""},
    )
    assert response.status_code == 302
    assert fresh(ticket).close_reason == CloseReason.VOID
