"""The customer's chase 催单 is a notification like the others (R-IN-4, R-WO-9); and a notice
that asked someone to act is read, for everyone told, once the act is done."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kefu.notifications import services
from kefu.notifications.models import Notification
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.actions.handling import pass_to_colleague, return_to_center
from kefu.tickets.choices import Channel

pytestmark = pytest.mark.django_db


def unread(event, ticket=None):
    rows = Notification.objects.filter(event=event, read_at=None)
    if ticket is not None:
        rows = rows.filter(ticket=ticket)
    return set(rows.values_list("recipient__employee_no", flat=True))


def head():
    return User.objects.get(employee_no="2002")


def in_progress(order, senior_agent, handler):
    ticket = order()
    ticket = actions.dispatch_now(senior_agent, ticket, expected_version=ticket.version)
    return actions.accept(handler, ticket, expected_version=ticket.version)


def fed_back(order, senior_agent, handler):
    ticket = in_progress(order, senior_agent, handler)
    feedback = actions.Feedback(contacted_at=timezone.now(), solution="已修复", effect="可上网")
    return actions.feed_back(handler, ticket, feedback, expected_version=ticket.version)


# --- The chase --------------------------------------------------------------------------------


def test_the_chase_is_chosen_in_each_persons_settings_like_the_other_events(
    order, agent, teammate, senior_agent, handler
):
    codes = {p.event for p in services.preferences(handler)}
    assert "tickets.chased" in codes
    services.set_preferences(handler, {"tickets.chased": {"in_app": False}})
    ticket = actions.dispatch_now(senior_agent, order(), expected_version=1)

    actions.add_repeat_contact(teammate, ticket, Channel.PHONE, "催一下")

    assert unread("tickets.chased") == set()  # the handler turned it off
    actions.add_repeat_contact(teammate, order(), Channel.PHONE, "还没人联系")
    assert unread("tickets.chased") == {agent.employee_no}  # the owner keeps the default


# --- Notices read once answered ---------------------------------------------------------------


def test_r_wo_8_confirming_reads_the_please_confirm_notice(order, agent, senior_agent, handler):
    ticket = fed_back(order, senior_agent, handler)
    assert unread("tickets.fed_back", ticket) == {agent.employee_no}

    actions.confirm(agent, ticket, "", expected_version=ticket.version)

    assert unread("tickets.fed_back", ticket) == set()


def test_r_wo_8_sending_the_feedback_back_reads_it_too(order, agent, senior_agent, handler):
    ticket = fed_back(order, senior_agent, handler)

    actions.send_back_feedback(agent, ticket, "客户说还是断网", expected_version=ticket.version)

    assert unread("tickets.fed_back", ticket) == set()
    assert unread("tickets.sent_back", ticket) == {handler.employee_no}  # a new ask, unread


def test_r_wo_3_a_review_reads_awaiting_review_for_every_reviewer(order, agent, senior_agent):
    ticket = order(urgent=True)
    actions.submit_dispatch_draft(agent, ticket, expected_version=ticket.version)
    told = unread("tickets.review_needed", ticket)
    assert len(told) >= 2
    assert senior_agent.employee_no in told
    other = order(urgent=True)
    actions.submit_dispatch_draft(agent, other, expected_version=other.version)
    ticket.refresh_from_db()

    draft = ticket.drafts.get()
    actions.approve_draft(senior_agent, draft, expected_version=ticket.version)

    assert unread("tickets.review_needed", ticket) == set()  # the other seniors' too
    assert unread("tickets.review_needed", other) == told  # another order's stay


def test_r_wo_3_sending_a_draft_back_reads_awaiting_review(order, agent, senior_agent):
    ticket = order(urgent=True)
    draft = actions.submit_dispatch_draft(agent, ticket, expected_version=ticket.version)
    ticket.refresh_from_db()

    actions.send_back_draft(senior_agent, draft, "部门选错", expected_version=ticket.version)

    assert unread("tickets.review_needed", ticket) == set()


def test_voiding_an_order_awaiting_review_reads_awaiting_review(order, agent, senior_agent):
    ticket = order(urgent=True)
    actions.submit_dispatch_draft(agent, ticket, expected_version=ticket.version)
    ticket.refresh_from_db()
    assert unread("tickets.review_needed", ticket)

    actions.void(senior_agent, ticket, "坐席重复登记", expected_version=ticket.version)

    assert unread("tickets.review_needed", ticket) == set()


def test_accepting_reads_dispatched_to_you(order, senior_agent, handler):
    ticket = actions.dispatch_now(senior_agent, order(), expected_version=1)
    assert unread("tickets.dispatched", ticket) == {handler.employee_no}

    actions.accept(handler, ticket, expected_version=ticket.version)

    assert unread("tickets.dispatched", ticket) == set()


def test_passing_on_reads_the_old_notice_and_the_colleagues_new_one_stays_unread(
    order, senior_agent, handler
):
    ticket = actions.dispatch_now(senior_agent, order(), expected_version=1)

    pass_to_colleague(handler, ticket, head(), "我休假", expected_version=ticket.version)

    assert unread("tickets.dispatched", ticket) == {"2002"}


def test_r_wo_7_the_superior_acting_reads_help_requested_for_everyone_told(
    order, agent, senior_agent, handler
):
    ticket = in_progress(order, senior_agent, handler)
    ticket = actions.ask_superior(
        handler, ticket, "需要协调工程队", expected_version=ticket.version
    )
    assert unread("tickets.help_requested", ticket) == {"2002", agent.employee_no}

    return_to_center(head(), ticket, "不归本部门", expected_version=ticket.version)

    assert unread("tickets.help_requested", ticket) == set()
    assert unread("tickets.returned", ticket) == {agent.employee_no}  # the new ask stays


def test_r_wo_7_feedback_after_help_reads_help_requested(order, agent, senior_agent, handler):
    ticket = in_progress(order, senior_agent, handler)
    ticket = actions.ask_superior(handler, ticket, "需要协调", expected_version=ticket.version)
    feedback = actions.Feedback(contacted_at=timezone.now(), solution="已修复", effect="可上网")

    actions.feed_back(head(), ticket, feedback, expected_version=ticket.version)

    assert unread("tickets.help_requested", ticket) == set()
    assert unread("tickets.fed_back", ticket) == {agent.employee_no}


def test_an_unrelated_event_reads_nothing(order, agent, senior_agent, handler):
    ticket = actions.dispatch_now(senior_agent, order(), expected_version=1)

    actions.add_note(agent, ticket, "客户改了联系电话")
    actions.add_repeat_contact(agent, ticket, Channel.PHONE, "催")

    assert unread("tickets.dispatched", ticket) == {handler.employee_no}
    assert unread("tickets.chased", ticket) == {handler.employee_no}
