"""What a handler and a chasing customer do to an order besides accepting and feeding back:
the customer chases 催单 (R-IN-4, R-WO-9), the handler passes the order to a department colleague
转派, or returns a misrouted order to the center 退回中心 (R-WO-7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import IllegalTransition
from kefu.notifications.models import Notification
from kefu.sla.choices import TargetKind as K
from kefu.sla.models import Clock
from kefu.tickets import actions
from kefu.tickets.actions.handling import pass_to_colleague, return_to_center
from kefu.tickets.choices import Channel, EventKind, Move, Status
from kefu.tickets.models import Dispatch
from kefu.tickets.moves import allowed_moves

pytestmark = pytest.mark.django_db


def dispatched(org, register, **fields):
    ticket = register(**fields)
    return actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)


def accepted(org, register):
    ticket = dispatched(org, register)
    return actions.accept(org["handler"], ticket, expected_version=ticket.version)


def told(ticket, event):
    return list(
        Notification.objects.filter(ticket=ticket, event=event).values_list(
            "recipient__employee_no", "body"
        )
    )


def running(ticket, kind):
    return Clock.objects.filter(ticket=ticket, kind=kind, met_at=None, cancelled_at=None).exists()


# --- The customer chases (R-IN-4, R-WO-9) ----------------------------------------------------


def test_r_in_4_a_chase_on_a_dispatched_order_tells_its_handler_what_the_customer_said(
    org, register
):
    ticket = dispatched(org, register)
    actions.add_repeat_contact(org["agent2"], ticket, Channel.PHONE, "客户第二次来电，问何时上门")

    assert told(ticket, "tickets.chased") == [("2001", "客户第二次来电，问何时上门")]
    assert ticket.events.filter(kind=EventKind.REPEAT_CONTACT).count() == 1


def test_r_in_4_a_chase_while_no_handler_has_the_order_tells_its_first_contact_owner(org, register):
    ticket = register()  # registered by the agent, who owns it (R-WO-10)
    actions.add_repeat_contact(org["agent2"], ticket, Channel.PHONE, "还没人联系我")

    assert told(ticket, "tickets.chased") == [("1001", "还没人联系我")]


def test_r_in_4_the_agent_who_owns_the_order_is_not_told_of_the_call_they_took(org, register):
    ticket = register()
    actions.add_repeat_contact(org["agent"], ticket, Channel.PHONE, "又来电了")

    assert told(ticket, "tickets.chased") == []


def test_r_wo_9_the_order_page_shows_how_often_the_customer_chased(org, register, login):
    ticket = register()
    page = login(org["agent"]).get(reverse("tickets:detail", kwargs={"number": ticket.number}))
    assert 'data-testid="chase-count"' not in page.content.decode()

    for said in ("第一次催", "第二次催"):
        ticket = actions.add_repeat_contact(org["agent2"], ticket, Channel.PHONE, said)
    page = login(org["agent"]).get(reverse("tickets:detail", kwargs={"number": ticket.number}))

    html = page.content.decode()
    assert 'data-testid="chase-count"' in html
    assert "2" in html.split('data-testid="chase-count">')[1].split("</span>")[0]


# --- Passing the order to a colleague 转派 ---------------------------------------------------


def test_handler_passes_the_order_to_a_department_colleague_who_accepts_it_anew(org, register):
    ticket = accepted(org, register)
    first = Dispatch.objects.get(ticket=ticket)

    ticket = pass_to_colleague(
        org["handler"], ticket, org["handler_head"], "我明天休假", expected_version=ticket.version
    )

    assert ticket.status == Status.DISPATCHED
    assert ticket.handler == org["handler_head"]
    event = ticket.events.get(kind=EventKind.TRANSFERRED)
    assert (event.actor, event.body, event.from_status) == (
        org["handler"],
        "我明天休假",
        Status.IN_PROGRESS,
    )
    assert event.data["from"] == org["handler"].name
    first.refresh_from_db()
    assert first.ended_at is not None
    current = Dispatch.objects.get(ticket=ticket, ended_at=None)
    assert (current.handler, current.department) == (org["handler_head"], first.department)
    assert ("2002", "我明天休假") in told(ticket, "tickets.dispatched")
    actions.accept(org["handler_head"], ticket, expected_version=ticket.version)


def test_passing_on_keeps_the_departments_time_limits_running(org, register):
    ticket = accepted(org, register)
    before = set(Clock.objects.filter(ticket=ticket).values_list("pk", "due_at", "cancelled_at"))

    pass_to_colleague(
        org["handler"], ticket, org["handler_head"], "转给组长", expected_version=ticket.version
    )

    after = set(Clock.objects.filter(ticket=ticket).values_list("pk", "due_at", "cancelled_at"))
    assert after == before


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("market_handler", "不是您部门的在岗同事"),  # another department
        ("agent", "不是您部门的在岗同事"),  # the center, not the department
        ("handler", "已在"),  # the order is already with them
    ],
)
def test_an_order_is_passed_only_to_another_colleague_of_the_department(
    org, register, who, message
):
    ticket = accepted(org, register)
    with pytest.raises(ValidationError, match=message):
        pass_to_colleague(org["handler"], ticket, org[who], "转走", expected_version=ticket.version)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.handler) == (Status.IN_PROGRESS, org["handler"])


def test_an_inactive_colleague_or_none_is_refused_and_a_reason_is_needed(org, register):
    ticket = accepted(org, register)
    head = org["handler_head"]
    with pytest.raises(ValidationError):
        pass_to_colleague(org["handler"], ticket, head, "  ", expected_version=ticket.version)
    with pytest.raises(ValidationError):
        pass_to_colleague(org["handler"], ticket, None, "转走", expected_version=ticket.version)
    head.is_active = False
    head.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="不是您部门的在岗同事"):
        pass_to_colleague(org["handler"], ticket, head, "转走", expected_version=ticket.version)


def test_only_the_department_passes_an_order_on(org, register):
    ticket = accepted(org, register)
    with pytest.raises(PermissionDenied):
        pass_to_colleague(
            org["market_handler"], ticket, org["handler_head"], "转", expected_version=None
        )


# --- Returning a misrouted order to the center (R-WO-7) --------------------------------------


@pytest.mark.parametrize("accept_first", [False, True])
def test_r_wo_7_a_misrouted_order_goes_back_to_the_center_and_its_owner_is_told(
    org, register, accept_first
):
    ticket = accepted(org, register) if accept_first else dispatched(org, register)

    ticket = return_to_center(
        org["handler"], ticket, "这是集团客户，不归我们部门", expected_version=ticket.version
    )

    assert ticket.status == Status.REGISTERED
    assert (ticket.department, ticket.handler) == (None, None)
    event = ticket.events.get(kind=EventKind.RETURNED_TO_CENTER)
    assert event.body == "这是集团客户，不归我们部门"
    assert event.to_status == Status.REGISTERED
    assert not Dispatch.objects.filter(ticket=ticket, ended_at=None).exists()
    assert told(ticket, "tickets.returned") == [("1001", "这是集团客户，不归我们部门")]
    # R-ORG-3: no longer the department's order.
    assert not org["handler"].has_perm("tickets.accept", ticket)


def test_r_wo_7_returning_stops_the_handlers_clocks_and_restarts_the_dispatch_clock(org, register):
    ticket = accepted(org, register)
    assert running(ticket, K.CALL_BACK)
    assert running(ticket, K.FEEDBACK)
    assert not running(ticket, K.DISPATCH)  # met at dispatch
    resolve = Clock.objects.get(ticket=ticket, kind=K.RESOLVE, cancelled_at=None, met_at=None)

    ticket = return_to_center(org["handler"], ticket, "派错了", expected_version=ticket.version)

    for kind in (K.CALL_BACK, K.ON_SITE, K.FEEDBACK):
        assert not running(ticket, kind)
    assert Clock.objects.filter(ticket=ticket, kind=K.CALL_BACK).exclude(cancelled_at=None)
    assert running(ticket, K.DISPATCH)  # R-WO-4: to be dispatched again
    resolve.refresh_from_db()
    assert resolve.cancelled_at is None  # the customer still waits for a resolution

    # Dispatched again, to the right department: the handler's clocks start afresh.
    ticket = actions.dispatch_now(
        org["senior"],
        ticket,
        department=org["market_handler"].department,
        handler=org["market_handler"],
        expected_version=ticket.version,
    )
    assert running(ticket, K.CALL_BACK)
    assert not running(ticket, K.DISPATCH)


def test_r_wo_7_only_a_dispatched_order_is_returned_and_only_with_a_reason(org, register):
    ticket = accepted(org, register)
    ticket = actions.feed_back(
        org["handler"],
        ticket,
        actions.Feedback(contacted_at=timezone.now(), solution="已修复", effect="可上网"),
        expected_version=ticket.version,
    )
    with pytest.raises(IllegalTransition):  # fed back: the center confirms it now (R-WO-8)
        return_to_center(org["handler"], ticket, "派错", expected_version=ticket.version)
    ticket = dispatched(org, register)
    with pytest.raises(ValidationError):
        return_to_center(org["handler"], ticket, "", expected_version=ticket.version)


def test_neither_move_while_a_follow_up_awaits_review(org, register):
    ticket = accepted(org, register)
    actions.submit_follow_up(org["agent"], ticket, "改为今天完成", expected_version=ticket.version)
    ticket.refresh_from_db()

    assert Move.TRANSFER not in allowed_moves(org["handler"], ticket)
    assert Move.RETURN_TO_CENTER not in allowed_moves(org["handler"], ticket)
    with pytest.raises(IllegalTransition):
        return_to_center(org["handler"], ticket, "派错", expected_version=ticket.version)
    with pytest.raises(IllegalTransition):
        pass_to_colleague(
            org["handler"], ticket, org["handler_head"], "转", expected_version=ticket.version
        )


# --- On the order page -----------------------------------------------------------------------


def test_the_handler_is_offered_both_moves_on_the_order_page_and_the_center_is_not(
    org, register, login
):
    ticket = dispatched(org, register)
    assert {Move.TRANSFER, Move.RETURN_TO_CENTER} <= set(allowed_moves(org["handler"], ticket))
    assert Move.TRANSFER not in allowed_moves(org["agent"], ticket)
    url = reverse("tickets:detail", kwargs={"number": ticket.number})

    html = login(org["handler"]).get(url).content.decode()
    assert 'data-testid="move-transfer"' in html
    assert 'data-testid="move-return_to_center"' in html
    colleagues = html.split('data-testid="move-transfer"')[1].split("</form>")[0]
    assert org["handler_head"].name in colleagues
    assert org["market_handler"].name not in colleagues
    assert 'data-testid="move-transfer"' not in login(org["agent"]).get(url).content.decode()


def test_the_order_page_passes_on_and_returns_through_the_actions(org, register, login):
    ticket = dispatched(org, register)
    client = login(org["handler"])
    move = reverse("tickets:move", kwargs={"number": ticket.number, "move": "transfer"})

    refused = client.post(move, {"version": ticket.version, "text": "转给组长"})
    assert refused.status_code == 200  # no colleague chosen: shown again
    done = client.post(
        move,
        {"version": ticket.version, "text": "转给组长", "handler": org["handler_head"].pk},
    )
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert ticket.handler == org["handler_head"]

    back = reverse("tickets:move", kwargs={"number": ticket.number, "move": "return_to_center"})
    done = login(org["handler_head"]).post(back, {"version": ticket.version, "text": "派错了"})
    assert done.status_code == 302
    # The order has left the department: back to the handler's queues, not to a 404.
    assert done["Location"] == reverse("tickets:list")
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_a_pass_keeps_the_centers_instructions_and_the_first_arrival_for_contact_times(
    org, register
):
    """The colleague reads what the center asked, not the handler's reason for passing it on;
    and a customer contacted before the pass was contacted after the order reached the
    department (R-WO-6)."""
    from datetime import timedelta

    from django.utils import timezone

    ticket = accepted(org, register)
    first = Dispatch.objects.get(ticket=ticket)
    Dispatch.objects.filter(pk=first.pk).update(
        instructions="请24小时内联系客户", dispatched_at=timezone.now() - timedelta(hours=3)
    )
    ticket = pass_to_colleague(
        org["handler"], ticket, org["handler_head"], "我明天休假", expected_version=ticket.version
    )
    current = Dispatch.objects.get(ticket=ticket, ended_at=None)
    assert current.instructions == "请24小时内联系客户"
    ticket = actions.accept(org["handler_head"], ticket, expected_version=ticket.version)
    contacted_before_the_pass = timezone.now() - timedelta(hours=2)
    feedback = actions.Feedback(contacted_before_the_pass, "已上门", "已恢复")
    actions.feed_back(org["handler_head"], ticket, feedback, expected_version=ticket.version)
    ticket.refresh_from_db()
    assert ticket.status == Status.FED_BACK
