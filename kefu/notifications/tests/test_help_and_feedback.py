"""R-WO-7 help from the superior and R-WO-8 the center's confirmation: who is told."""

from __future__ import annotations

from django.utils import timezone

from kefu.notifications import services
from kefu.notifications.models import Notification
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import EventKind


def _in_progress(order, senior_agent, handler):  # type: ignore[no-untyped-def]
    ticket = order()
    ticket = actions.dispatch_now(senior_agent, ticket, expected_version=ticket.version)
    return actions.accept(handler, ticket, expected_version=ticket.version)


def test_r_wo_7_asking_for_help_notifies_the_superior_and_the_owner(
    order, agent, senior_agent, handler
):  # type: ignore[no-untyped-def]
    ticket = _in_progress(order, senior_agent, handler)
    superior = User.objects.get(employee_no="2002")  # head of 城市客服部

    actions.ask_superior(handler, ticket, "需要协调施工队", expected_version=ticket.version)

    note = Notification.objects.get(recipient=superior)
    assert (note.event, note.body) == ("tickets.help_requested", "需要协调施工队")
    assert handler.name in note.title
    assert ticket.number in note.title
    assert Notification.objects.filter(recipient=agent, event="tickets.help_requested").exists()
    assert not Notification.objects.filter(
        recipient=handler, event="tickets.help_requested"
    ).exists()
    event = ticket.events.get(kind=EventKind.HELP_REQUESTED)
    assert event.data["superior"] == superior.name


def test_r_wo_7_a_head_asking_for_help_is_not_their_own_superior(order, agent, senior_agent):  # type: ignore[no-untyped-def]
    head = User.objects.get(employee_no="2002")
    ticket = order()
    ticket = actions.dispatch_now(
        senior_agent, ticket, handler=head, expected_version=ticket.version
    )
    ticket = actions.accept(head, ticket, expected_version=ticket.version)

    actions.ask_superior(head, ticket, "需要协调", expected_version=ticket.version)

    assert not Notification.objects.filter(recipient=head, event="tickets.help_requested").exists()
    assert Notification.objects.filter(recipient=agent, event="tickets.help_requested").exists()


def test_r_wo_8_feedback_notifies_the_first_contact_owner_to_confirm(
    order, agent, senior_agent, handler
):  # type: ignore[no-untyped-def]
    ticket = _in_progress(order, senior_agent, handler)
    feedback = actions.Feedback(
        contacted_at=timezone.now(), solution="已上门更换光猫", effect="已恢复", remaining=""
    )

    actions.feed_back(handler, ticket, feedback, expected_version=ticket.version)

    note = Notification.objects.get(recipient=agent, event="tickets.fed_back")
    assert note.body == "已上门更换光猫"
    assert ticket.number in note.title


def test_the_new_notices_can_be_chosen_in_each_persons_settings(agent):  # type: ignore[no-untyped-def]
    codes = {p.event for p in services.preferences(agent)}
    assert {"tickets.help_requested", "tickets.fed_back"} <= codes
    services.set_preferences(agent, {"tickets.fed_back": {"email": True}})
    chosen = {p.event: p for p in services.preferences(agent)}
    assert chosen["tickets.fed_back"].email
