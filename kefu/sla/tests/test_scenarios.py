"""Clocks on real orders with frozen time: every row of R-SLA-1, R-SLA-2, the 2-hour text-entry
limit (R-IN-2), the 1-hour dispatch limit (R-WO-4), warning at 80 %, alarm and urge at 100 %
(R-SLA-5), escalation (R-ESC-1, R-ESC-2), the manager hotline (R-ESC-3), pausing (R-ESC-4) and
the 72-hour callback clock (R-CB-1). Orders are built through the actions; the sweep runs as
the worker runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from kefu.notifications.models import Notification
from kefu.sla.choices import ClockState, TargetKind
from kefu.sla.models import Clock, Target
from kefu.sla.sweep import sweep
from kefu.sla.tests.conftest import cst
from kefu.tickets import actions
from kefu.tickets.choices import Channel, EscalationKind, EventKind
from kefu.tickets.models import Escalation

K = TargetKind


def clock(ticket, kind):
    return Clock.objects.filter(ticket=ticket, kind=kind).latest("id")


def recipients(ticket, event):
    return set(
        Notification.objects.filter(ticket=ticket, event=event).values_list(
            "recipient__employee_no", flat=True
        )
    )


def events(ticket, kind):
    return list(ticket.events.filter(kind=kind))


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


# R-SLA-1: type, level, call back (min), on site (None: no on-site clock), who it escalates to
# (None: nobody above the department's responsible person → manager hotline).
R_SLA_1 = [
    ("A1", "III", 10, timedelta(hours=1), "2002"),
    ("A2", "III", 30, timedelta(days=3), None),
    ("B", "", 30, None, None),
    ("C", "", 30, None, None),
    ("D", "III", 10, timedelta(hours=1), "2002"),
]


@pytest.mark.parametrize(("type_code", "level", "call_back", "on_site", "escalates_to"), R_SLA_1)
def test_r_sla_1_limits_count_from_the_handler_receiving_the_order(
    frozen, staff, dispatched, type_code, level, call_back, on_site, escalates_to
):
    received = frozen.now
    frozen.advance(minutes=20)  # registered and dispatched 20 minutes after receipt
    ticket = dispatched(type_code, level, received_at=received)
    handed = frozen.now
    assert clock(ticket, K.CALL_BACK).due_at == handed + timedelta(minutes=call_back)
    # "Same day": 24:00 of the day the handler received it.
    assert clock(ticket, K.FEEDBACK).due_at == cst(2026, 3, 3)
    if on_site is None:
        assert not Clock.objects.filter(ticket=ticket, kind=K.ON_SITE).exists()
    else:
        assert clock(ticket, K.ON_SITE).due_at == handed + on_site
    if type_code in {"A1", "A2", "D"}:  # complaints: dispatched within the hour (R-WO-4)
        dispatch = clock(ticket, K.DISPATCH)
        assert dispatch.started_at == received
        assert dispatch.state_at(frozen.now) == ClockState.MET
    handler = fresh(ticket).handler

    # R-SLA-5: at 80 % of the call-back time, one warning to the handler and the surveyor.
    frozen.set(handed + timedelta(minutes=call_back) * 0.8 - timedelta(seconds=1))
    assert sweep().warned == []
    frozen.advance(seconds=1)
    result = sweep()
    assert result.warned == [clock(ticket, K.CALL_BACK).pk]
    assert recipients(ticket, "sla.warning") == {handler.employee_no, "1030"}
    assert len(events(ticket, EventKind.SLA_WARNING)) == 1

    # At 100 %: an alarm and an urge to the handler and their superior, and one escalation step.
    frozen.set(handed + timedelta(minutes=call_back))
    result = sweep()
    assert result.alarmed == [clock(ticket, K.CALL_BACK).pk]
    assert result.escalated == result.alarmed
    ticket = fresh(ticket)
    superior = {escalates_to} if escalates_to else set()
    assert recipients(ticket, "sla.alarm") == {handler.employee_no} | superior
    assert recipients(ticket, "sla.urge") == {handler.employee_no} | superior
    assert clock(ticket, K.CALL_BACK).breached_at == handed + timedelta(minutes=call_back)
    if escalates_to:
        assert ticket.escalation_level == 1
        assert ticket.escalated_to.employee_no == escalates_to
        assert recipients(ticket, "sla.escalated") >= {escalates_to}
    else:  # R-ESC-3: nobody further up the path
        assert ticket.at_manager_hotline
        assert "1022" in recipients(ticket, "sla.manager_hotline")

    # Nothing happens twice, however often the worker sweeps.
    for _ in range(3):
        again = sweep()
        assert again.warned == [] or clock(ticket, K.CALL_BACK).pk not in again.warned
        assert clock(ticket, K.CALL_BACK).pk not in again.alarmed + again.escalated
    assert len(events(ticket, EventKind.SLA_ALARM)) == 1
    assert Notification.objects.filter(ticket=ticket, event="sla.urge").count() == len(
        {handler.employee_no} | superior
    )


def test_r_sla_1_the_call_back_is_met_when_the_handler_reaches_the_customer(
    frozen, staff, dispatched
):
    ticket = dispatched("A1", "III")
    frozen.advance(minutes=6)
    ticket = actions.log_customer_contact(
        staff["handler"], ticket, "已电话联系客户，约定下午上门", expected_version=None
    ).ticket
    call_back = clock(ticket, K.CALL_BACK)
    assert call_back.met_at == frozen.now
    assert call_back.state_at(frozen.now) == ClockState.MET
    frozen.advance(minutes=10)
    assert call_back.pk not in sweep().alarmed


def test_r_sla_1_feedback_meets_the_on_site_and_feedback_clocks(frozen, staff, dispatched):
    ticket = dispatched("A1", "IV")
    actions.accept(staff["handler"], ticket, expected_version=fresh(ticket).version)
    frozen.advance(minutes=50)
    feedback = actions.Feedback(
        contacted_at=frozen.now - timedelta(minutes=35), solution="上门更换光猫", effect="已恢复"
    )
    actions.feed_back(staff["handler"], ticket, feedback, expected_version=fresh(ticket).version)
    assert clock(ticket, K.CALL_BACK).met_at == frozen.now - timedelta(minutes=35)
    assert clock(ticket, K.CALL_BACK).breached_at is not None  # 5 minutes late
    assert clock(ticket, K.ON_SITE).state_at(frozen.now) == ClockState.MET
    assert clock(ticket, K.FEEDBACK).state_at(frozen.now) == ClockState.MET


def test_r_sla_2_a_complaint_is_resolved_within_three_working_days(frozen, staff, dispatched):
    """Received Monday 2026-03-02 09:00: due at 24:00 on Thursday."""
    ticket = dispatched("A1", "III")
    resolve = clock(ticket, K.RESOLVE)
    assert resolve.started_at == cst(2026, 3, 2, 9, 0)
    assert resolve.due_at == cst(2026, 3, 6)
    handler = staff["handler"]
    actions.accept(handler, ticket, expected_version=fresh(ticket).version)
    frozen.set(cst(2026, 3, 4, 15, 0))
    feedback = actions.Feedback(contacted_at=frozen.now, solution="已更换设备", effect="恢复正常")
    actions.feed_back(handler, ticket, feedback, expected_version=fresh(ticket).version)
    actions.confirm(staff["agent"], ticket, expected_version=fresh(ticket).version)
    assert clock(ticket, K.RESOLVE).state_at(frozen.now) == ClockState.MET


def test_r_sla_2_around_national_day_the_holidays_do_not_count(frozen, dispatched):
    frozen.set(cst(2025, 9, 30, 15, 0))
    ticket = dispatched("A2", "III")
    assert clock(ticket, K.RESOLVE).due_at == cst(2025, 10, 12)  # 10-09, 10-10, Sat 10-11 (调休)


def test_r_esc_3_an_unresolved_complaint_past_its_limit_goes_to_the_manager_hotline(
    frozen, staff, dispatched
):
    ticket = dispatched("A1", "III")
    actions.log_customer_contact(staff["handler"], ticket, "已联系", expected_version=None)
    frozen.set(cst(2026, 3, 6, 0, 0))
    result = sweep()
    resolve = clock(ticket, K.RESOLVE)
    assert resolve.pk in result.escalated
    ticket = fresh(ticket)
    assert ticket.at_manager_hotline
    record = Escalation.objects.get(ticket=ticket, kind=EscalationKind.MANAGER_HOTLINE)
    assert record.sla_kind == K.RESOLVE
    assert "1022" in recipients(ticket, "sla.manager_hotline")
    # R-SLA-4: the escalated complaint is followed up within 24 hours.
    follow_up = clock(ticket, K.ESCALATION_FOLLOW_UP)
    assert follow_up.due_at == frozen.now + timedelta(hours=24)


def test_r_wo_4_an_undispatched_complaint_warns_at_48_minutes_and_escalates_at_one_hour(
    frozen, staff, register
):
    ticket = register("A1", "III")
    dispatch = clock(ticket, K.DISPATCH)
    assert dispatch.due_at == frozen.now + timedelta(hours=1)
    frozen.advance(minutes=48)
    assert sweep().warned == [dispatch.pk]
    # Not dispatched yet: the warning goes to the first-contact owner (and the surveyor).
    assert recipients(ticket, "sla.warning") == {"1001", "1030"}
    frozen.advance(minutes=12)
    result = sweep()
    assert result.alarmed == [dispatch.pk]
    ticket = fresh(ticket)
    # The owner's superior is the team leader of 话务一班: one step up the path (R-ESC-1).
    assert ticket.escalated_to == staff["team_leader"]
    assert recipients(ticket, "sla.urge") == {"1001", "1010"}


def test_r_wo_4_a_dispatch_overdue_in_review_alarms_the_senior_agents_who_hold_it(
    frozen, staff, register
):
    """Drafted and waiting for review, the order waits on the reviewers, not on its author."""
    ticket = register("A1", "III")
    actions.submit_dispatch_draft(staff["agent"], ticket, expected_version=ticket.version)
    dispatch = clock(ticket, K.DISPATCH)
    frozen.advance(minutes=48)
    assert sweep().warned == [dispatch.pk]
    assert {"1020", "1021"} <= recipients(ticket, "sla.warning")
    frozen.advance(minutes=12)
    assert sweep().alarmed == [dispatch.pk]
    assert {"1020", "1021"} <= recipients(ticket, "sla.urge")


def test_r_wo_4_a_second_dispatch_awaiting_review_runs_on_the_dispatch_limit(
    frozen, staff, dispatched
):
    """R-CB-4: the callback found the problem back; its second dispatch waits for review like
    a first one, so an overdue one warns and shows in the due-first review queue."""
    ticket = dispatched("A1", "III")
    actions.accept(staff["handler"], fresh(ticket), expected_version=fresh(ticket).version)
    feedback = actions.Feedback(frozen.now, "已上门更换光猫", "客户确认恢复")
    actions.feed_back(staff["handler"], fresh(ticket), feedback, expected_version=None)
    actions.confirm(staff["agent"], fresh(ticket), expected_version=None)
    frozen.advance(hours=2)
    actions.submit_dispatch_draft(staff["agent"], fresh(ticket), expected_version=None)
    redispatch = clock(ticket, K.DISPATCH)
    assert (redispatch.met_at, redispatch.cancelled_at) == (None, None)
    assert redispatch.started_at == frozen.now
    assert fresh(ticket).sla_due_at == redispatch.due_at


def test_r_wo_4_urgent_orders_are_dispatched_at_once(frozen, register):
    ticket = register("A1", "III", urgent=True)
    assert clock(ticket, K.DISPATCH).due_at == frozen.now + timedelta(minutes=15)


def test_r_wo_4_levels_resolved_by_the_center_have_no_dispatch_clock(frozen, register):
    ticket = register("A1", "I")
    assert not Clock.objects.filter(ticket=ticket, kind=K.DISPATCH).exists()


@pytest.mark.parametrize(
    ("late", "state"), [(timedelta(minutes=110), ClockState.MET), (timedelta(hours=3), "late")]
)
def test_r_in_2_text_contacts_are_registered_within_two_hours_of_receipt(
    frozen, staff, register, late, state
):
    ticket = register(
        "E", "", channel=Channel.LETTER, received_at=frozen.now - late, by=staff["text_clerk"]
    )
    entry = clock(ticket, K.REGISTER)
    assert entry.started_at == frozen.now - late
    assert entry.due_at == frozen.now - late + timedelta(hours=2)
    assert entry.met_at == fresh(ticket).registered_at
    if state == "late":
        assert entry.state_at(frozen.now) == ClockState.MET_LATE
        assert entry.breached_at == entry.due_at
    else:
        assert entry.state_at(frozen.now) == ClockState.MET


def test_r_in_2_phone_contacts_have_no_registration_clock(frozen, register):
    ticket = register("E", "")
    assert not Clock.objects.filter(ticket=ticket, kind=K.REGISTER).exists()


def test_r_cb_1_a_completed_order_gets_a_72_hour_callback_clock(frozen, staff, register):
    ticket = register("E", "")
    actions.resolve_first_contact(staff["agent"], ticket, "已解答", expected_version=1)
    callback = clock(ticket, K.CALLBACK_AFTER_COMPLETION)
    assert callback.due_at == frozen.now + timedelta(hours=72)
    frozen.advance(hours=30)
    actions.close_after_callback(
        staff["agent"], ticket, "回访满意", expected_version=fresh(ticket).version
    )
    assert clock(ticket, K.CALLBACK_AFTER_COMPLETION).met_at == frozen.now
    assert fresh(ticket).sla_due_at is None


def test_a_withdrawn_order_stops_every_clock(frozen, staff, dispatched):
    ticket = dispatched("A1", "III")
    draft = actions.submit_withdrawal(
        staff["agent"], ticket, "客户要求撤销", expected_version=fresh(ticket).version
    )
    actions.approve_draft(staff["senior"], draft, expected_version=fresh(ticket).version)
    assert not Clock.objects.filter(
        ticket=ticket, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    frozen.advance(days=10)
    assert sweep().alarmed == []


def test_r_esc_4_waiting_on_the_customer_pauses_only_the_clocks_whose_policy_says_so(
    frozen, staff, dispatched
):
    ticket = dispatched("A1", "III")
    on_site_due = clock(ticket, K.ON_SITE).due_at
    call_back_due = clock(ticket, K.CALL_BACK).due_at
    frozen.advance(minutes=5)
    ticket = actions.wait_on_customer(
        staff["handler"], ticket, "客户出差，下周一才能提供地址", expected_version=None
    )
    assert clock(ticket, K.ON_SITE).paused_at == frozen.now
    assert clock(ticket, K.CALL_BACK).paused_at is None  # the policy does not pause it
    frozen.advance(hours=3)
    result = sweep()  # the on-site clock is not overdue while paused; the call back is
    assert clock(ticket, K.ON_SITE).pk not in result.alarmed
    assert clock(ticket, K.CALL_BACK).pk in result.alarmed
    actions.customer_responded(staff["handler"], ticket, "客户已提供地址", expected_version=None)
    resumed = clock(ticket, K.ON_SITE)
    assert resumed.due_at == on_site_due + timedelta(hours=3)
    assert resumed.paused_seconds == 3 * 3600
    assert clock(ticket, K.CALL_BACK).due_at == call_back_due


def test_a_policy_change_applies_to_new_clocks_only(frozen, staff, dispatched):
    first = dispatched("A1", "III")
    target = Target.objects.get(policy__call_type__code="A1", kind=K.CALL_BACK)
    target.duration = 20
    target.save()
    second = dispatched("A1", "III")
    assert clock(first, K.CALL_BACK).due_at == frozen.now + timedelta(minutes=10)
    assert clock(first, K.CALL_BACK).policy_snapshot["duration"] == 10
    assert clock(second, K.CALL_BACK).due_at == frozen.now + timedelta(minutes=20)


def test_r_esc_1_the_receiving_side_plans_a_resolution_time_and_the_customer_is_told(
    frozen, staff, dispatched
):
    ticket = dispatched("A1", "III")
    record = actions.escalate(staff["senior"], ticket, "客户第三次来电", expected_version=None)
    ticket = fresh(ticket)
    assert (ticket.escalation_level, ticket.escalated_to) == (1, staff["handler_head"])
    assert record.customer_task_open
    follow_up = clock(ticket, K.ESCALATION_FOLLOW_UP)
    assert follow_up.due_at == frozen.now + timedelta(hours=24)
    # Someone outside the receiving side cannot state the plan.
    with pytest.raises(PermissionDenied):
        actions.plan_resolution(
            staff["agent"], record, frozen.now + timedelta(days=1), expected_version=None
        )
    planned = frozen.now + timedelta(days=2)
    actions.plan_resolution(staff["handler_head"], record, planned, expected_version=None)
    assert fresh(ticket).planned_resolution_at == planned
    frozen.advance(hours=2)
    actions.inform_customer(staff["agent"], record, "已告知客户：后天前解决", expected_version=None)
    record.refresh_from_db()
    assert record.customer_informed_at == frozen.now
    assert clock(ticket, K.ESCALATION_FOLLOW_UP).state_at(frozen.now) == ClockState.MET
    # The next step goes up from the department head: nobody above 城市客服部's head.
    second = actions.escalate(
        staff["senior"], ticket, "仍未解决", reason="overdue", expected_version=None
    )
    assert second.kind == EscalationKind.MANAGER_HOTLINE


def test_r_esc_1_agents_cannot_escalate_and_senior_agents_can(frozen, staff, dispatched):
    ticket = dispatched("A1", "III")
    with pytest.raises(PermissionDenied):
        actions.escalate(staff["agent"], ticket, expected_version=None)
    actions.hand_to_manager_hotline(
        staff["surveyor"], ticket, "客户不接受正确答复", reason="refused", expected_version=None
    )
    assert fresh(ticket).at_manager_hotline


def test_the_order_keeps_its_next_due_time_for_the_queues(frozen, dispatched):
    ticket = dispatched("A1", "III")
    assert fresh(ticket).sla_due_at == frozen.now + timedelta(minutes=10)  # the call back
