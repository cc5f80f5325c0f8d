"""The whole life of a work order through the actions (R-WO-1..10)."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.tickets import actions
from kefu.tickets.choices import DraftStatus, EventKind, Status
from kefu.tickets.models import CallType, Dispatch, DispatchDraft


def refreshed(ticket):
    ticket.refresh_from_db()
    return ticket


def test_a1_iii_complaint_goes_from_registration_to_close_with_every_step_on_the_timeline(
    org, register
):
    """R-WO-1, R-WO-3, R-WO-6, R-WO-8: the main path, each step a timeline event."""
    agent, senior, handler = org["agent"], org["senior"], org["handler"]
    ticket = register("A1", "III")
    assert ticket.status == Status.REGISTERED
    assert ticket.owner == agent  # R-WO-10 first-contact owner

    draft = actions.submit_dispatch_draft(agent, ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.AWAITING_REVIEW
    # R-WO-2 default: A1 goes to 城市客服部 and its responsible person.
    assert draft.department.name == "城市客服部"
    assert draft.handler == handler

    actions.approve_draft(senior, draft, expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.DISPATCHED
    assert (ticket.department.name, ticket.handler) == ("城市客服部", handler)
    assert Dispatch.objects.get(ticket=ticket).reviewed_by == senior

    actions.accept(handler, ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    feedback = actions.Feedback(
        contacted_at=timezone.now(),
        solution="已上门更换光猫",
        effect="客户确认恢复上网",
        remaining="",
    )
    actions.feed_back(handler, ticket, feedback, expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.FED_BACK

    actions.confirm(agent, ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.PENDING_CALLBACK
    # The callback's outcome closes the order (kefu.callbacks, R-CB-1).
    actions.close_after_callback(agent, ticket, "回访满意", expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.CLOSED
    assert ticket.closed_at is not None

    kinds = list(ticket.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [
        EventKind.REGISTERED,
        EventKind.DRAFT_SUBMITTED,
        EventKind.DRAFT_APPROVED,
        EventKind.ACCEPTED,
        EventKind.FEEDBACK,
        EventKind.CONFIRMED,
        EventKind.CLOSED,
    ]
    feedback_event = ticket.events.get(kind=EventKind.FEEDBACK)
    assert feedback_event.actor == handler
    assert feedback_event.data["effect"] == "客户确认恢复上网"


def test_numbers_carry_type_and_date_and_count_up(org, register):
    """R-WO-11: type + date + sequence, unique."""
    first, second = register("A1", "III"), register("A1", "III")
    other = register("E", "")
    day = timezone.localtime().strftime("%Y%m%d")
    assert first.number == f"A1-{day}-0001"
    assert second.number == f"A1-{day}-0002"
    assert other.number == f"E-{day}-0001"


def test_agent_cannot_dispatch_without_review(org, register):
    """R-WO-3: an agent drafts, only a senior agent dispatches."""
    ticket = register("A1", "III")
    with pytest.raises(PermissionDenied):
        actions.dispatch_now(org["agent"], ticket, expected_version=ticket.version)


def test_author_cannot_review_their_own_draft(org, register):
    """R-WO-3 two-step review means two people."""
    ticket = register("A1", "III", by=org["senior"])
    draft = actions.submit_dispatch_draft(org["senior"], ticket, expected_version=ticket.version)
    with pytest.raises(PermissionDenied):
        actions.approve_draft(org["senior"], draft, expected_version=refreshed(ticket).version)


def test_senior_sends_a_draft_back_with_a_reason_and_the_agent_can_redraft(org, register):
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    with pytest.raises(ValidationError):
        actions.send_back_draft(
            org["senior"], draft, "  ", expected_version=refreshed(ticket).version
        )
    actions.send_back_draft(
        org["senior"], draft, "地址不全，请补充", expected_version=refreshed(ticket).version
    )
    ticket = refreshed(ticket)
    assert ticket.status == Status.REGISTERED
    assert DispatchDraft.objects.get(pk=draft.pk).status == DraftStatus.SENT_BACK
    assert ticket.events.filter(kind=EventKind.DRAFT_SENT_BACK, body="地址不全，请补充").exists()
    actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    assert refreshed(ticket).status == Status.AWAITING_REVIEW


def test_senior_amends_a_draft_to_another_department(org, register):
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    market = org["market_handler"].department
    actions.approve_draft(
        org["senior"],
        draft,
        department=market,
        handler=org["market_handler"],
        expected_version=refreshed(ticket).version,
    )
    ticket = refreshed(ticket)
    assert ticket.department == market
    assert ticket.events.filter(kind=EventKind.DRAFT_AMENDED).exists()


def test_a_draft_moved_to_another_department_goes_to_that_departments_responsible_person(
    org, register
):
    """R-WO-2 / R-ORG-3: amending only the department must not keep the drafted handler, who
    belongs to the old department and could not open the order."""
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    assert draft.handler == org["handler"]
    market = org["market_handler"].department
    actions.approve_draft(
        org["senior"], draft, department=market, expected_version=refreshed(ticket).version
    )
    ticket = refreshed(ticket)
    assert ticket.department == market
    assert ticket.handler == market.responsible
    assert ticket.handler != org["handler"]


def test_an_order_is_never_dispatched_to_a_handler_of_another_department(org, register):
    """R-ORG-3: the handler must belong to the department, or they could not see the order."""
    ticket = register("A1", "III")
    city = org["handler"].department
    with pytest.raises(ValidationError) as refused:
        actions.dispatch_now(
            org["senior"],
            ticket,
            department=city,
            handler=org["market_handler"],
            expected_version=ticket.version,
        )
    assert "handler" in refused.value.message_dict
    assert refreshed(ticket).status == Status.REGISTERED
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    with pytest.raises(ValidationError):
        actions.approve_draft(
            org["senior"],
            draft,
            handler=org["market_handler"],
            expected_version=refreshed(ticket).version,
        )
    assert refreshed(ticket).status == Status.AWAITING_REVIEW


def test_level_i_and_ii_complaints_are_resolved_by_the_center(org, register):
    """R-CLS-4 / R-WO-2: A1 I–II resolved by the center, III–IV must be dispatched."""
    calm = register("A1", "I")
    actions.resolve_first_contact(
        org["agent"], calm, "已解释资费构成", expected_version=calm.version
    )
    assert refreshed(calm).status == Status.PENDING_CALLBACK

    on_site = register("A1", "IV")
    with pytest.raises(IllegalTransition):
        actions.resolve_first_contact(
            org["agent"], on_site, "已解释", expected_version=on_site.version
        )


def test_harassment_is_closed_politely_with_a_record(org, register):
    """R-WO-2 F."""
    call = register("F", "", contact_phone="", title="来电辱骂后挂断")
    actions.close_harassment(
        org["agent"], call, "两次提醒后礼貌结束通话", expected_version=call.version
    )
    call = refreshed(call)
    assert call.status == Status.CLOSED
    assert call.close_reason == "harassment"
    inquiry = register("E", "")
    with pytest.raises(IllegalTransition):
        actions.close_harassment(org["agent"], inquiry, "x", expected_version=inquiry.version)


def test_illegal_moves_are_refused(org, register):
    """R-WO-1: only legal transitions are possible."""
    ticket = register("A1", "III")
    with pytest.raises(IllegalTransition):
        actions.confirm(org["agent"], ticket, expected_version=ticket.version)
    with pytest.raises(IllegalTransition):
        actions.close(org["agent"], ticket, expected_version=ticket.version)
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    feedback = actions.Feedback(timezone.now(), "已处理", "已恢复")
    with pytest.raises(IllegalTransition):  # not accepted yet
        actions.feed_back(org["handler"], ticket, feedback, expected_version=ticket.version)
    assert refreshed(ticket).status == Status.DISPATCHED


def _dispatched(org, register, **fields):
    ticket = register("A1", "III", **fields)
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    return refreshed(ticket)


def test_handler_of_another_department_cannot_accept(org, register):
    """R-ORG-3: a handler sees and touches only their department's orders."""
    ticket = _dispatched(org, register)
    with pytest.raises(PermissionDenied):
        actions.accept(org["market_handler"], ticket, expected_version=ticket.version)


def test_feedback_requires_every_r_wo_6_field(org, register):
    ticket = _dispatched(org, register)
    actions.accept(org["handler"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    with pytest.raises(ValidationError) as error:
        actions.feed_back(
            org["handler"], ticket, actions.Feedback(None, "", ""), expected_version=ticket.version
        )
    assert set(error.value.message_dict) == {"contacted_at", "solution", "effect"}


def test_handler_asks_superior_and_center_sends_feedback_back(org, register):
    """R-WO-7, R-WO-8."""
    ticket = _dispatched(org, register)
    actions.accept(org["handler"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    actions.ask_superior(org["handler"], ticket, "需要协调工程队", expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.help_requested
    event = ticket.events.get(kind=EventKind.HELP_REQUESTED)
    assert event.data["superior"] == org["handler_head"].name
    actions.feed_back(
        org["handler"],
        ticket,
        actions.Feedback(timezone.now(), "已派工程队", "部分恢复", "仍有丢包"),
        expected_version=ticket.version,
    )
    ticket = refreshed(ticket)
    actions.send_back_feedback(
        org["agent"], ticket, "客户反映仍有丢包", expected_version=ticket.version
    )
    assert refreshed(ticket).status == Status.IN_PROGRESS


def test_follow_up_and_withdrawal_reference_the_original_dispatch(org, register):
    """R-WO-5."""
    ticket = _dispatched(org, register)
    original = Dispatch.objects.get(ticket=ticket)
    follow = actions.submit_follow_up(
        org["agent"], ticket, "客户要求今天17点前上门", expected_version=ticket.version
    )
    assert follow.original_dispatch == original
    with pytest.raises(IllegalTransition):  # one pending draft at a time
        actions.submit_withdrawal(
            org["agent"], ticket, "x", expected_version=refreshed(ticket).version
        )
    actions.approve_draft(org["senior"], follow, expected_version=refreshed(ticket).version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.DISPATCHED
    assert ticket.events.filter(kind=EventKind.FOLLOW_UP).exists()

    withdrawal = actions.submit_withdrawal(
        org["agent"], ticket, "客户已自行解决，要求撤单", expected_version=ticket.version
    )
    assert withdrawal.original_dispatch == original
    actions.approve_draft(org["senior"], withdrawal, expected_version=refreshed(ticket).version)
    ticket = refreshed(ticket)
    assert ticket.status == Status.CLOSED
    assert ticket.close_reason == "withdrawn"
    assert Dispatch.objects.get(pk=original.pk).ended_at is not None


def test_second_person_editing_gets_a_conflict_naming_who_changed_it(org, register):
    """Concurrency: the second writer is told who changed the order, never silently overwrites."""
    ticket = register("A1", "III")
    seen_version = ticket.version
    actions.update_details(
        org["agent"], ticket, {"title": "宽带断网"}, expected_version=seen_version
    )
    with pytest.raises(StaleObject) as error:
        actions.update_details(
            org["senior"], ticket, {"title": "别的"}, expected_version=seen_version
        )
    assert org["agent"].name in str(error.value)
    assert refreshed(ticket).title == "宽带断网"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: SQLite locks the whole database"
)
def test_a_move_locks_its_order_only_not_the_call_type_it_reads(org, register):
    """An order's move holds its row until it commits, but not the row of its call type (read
    with it): moves of other orders of the same type do not wait for it. The call types are
    data of the migrations, committed, so a second connection sees their rows."""
    ticket = register("A1", "III")
    probe = "SELECT 1 FROM tickets_calltype WHERE id = %s FOR UPDATE NOWAIT"
    other = psycopg.connect(conninfo=_conninfo(), autocommit=True)
    try:
        with transaction.atomic():
            actions.update_details(org["agent"], ticket, {"title": "宽带断网"}, expected_version=1)
            assert other.execute(probe, [ticket.call_type_id]).fetchone() == (1,)
        with transaction.atomic():  # the probe does see a lock this test's transaction holds
            CallType.objects.select_for_update().get(pk=ticket.call_type_id)
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(probe, [ticket.call_type_id])
    finally:
        other.close()


def _conninfo() -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or "",
        port=str(settings["PORT"] or ""),
        password=settings["PASSWORD"] or "",
    )


def test_vip_customer_orders_are_for_senior_agents_and_complaints_urgent(org, register):
    """R-CLS-6, R-CLS-5."""
    from kefu.customers.models import Customer

    vip = Customer.objects.create(name="某银行", tier="major")
    ticket = register("A1", "I", customer=vip, contact_phone="")
    assert ticket.senior_only
    assert ticket.urgent
    with pytest.raises(PermissionDenied):
        actions.resolve_first_contact(org["agent"], ticket, "答复", expected_version=ticket.version)
    actions.resolve_first_contact(org["senior"], ticket, "答复", expected_version=ticket.version)


def test_repeat_contact_is_added_to_the_open_order(org, register):
    """R-IN-4: no duplicate order."""
    ticket = register("A1", "III")
    open_orders = actions.open_orders_for(ticket.customer, ticket.contact_phone)
    assert list(open_orders) == [ticket]
    actions.add_repeat_contact(
        org["agent2"], ticket, "phone", "客户再次来电催促", expected_version=ticket.version
    )
    assert refreshed(ticket).events.filter(kind=EventKind.REPEAT_CONTACT).count() == 1


def test_d_secondary_complaint_goes_to_the_superior_of_the_person_complained_about(org, register):
    """R-WO-2 D."""
    with pytest.raises(ValidationError):
        register("D", "II")
    ticket = register("D", "II", complained_staff=org["handler"])
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    assert ticket.handler == org["handler_head"]


def test_complaint_without_level_and_future_receipt_are_refused_with_field_errors(org, register):

    with pytest.raises(ValidationError) as error:
        register("A1", "", received_at=timezone.now() + timedelta(hours=2))
    assert {"level", "received_at"} <= set(error.value.message_dict)


def test_reopen_puts_a_closed_order_back_to_registered(org, register):
    ticket = register("E", "")
    actions.resolve_first_contact(org["agent"], ticket, "已答复", expected_version=ticket.version)
    ticket = refreshed(ticket)
    actions.close_after_callback(org["agent"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    with pytest.raises(PermissionDenied):
        actions.reopen(org["agent"], ticket, "问题复现", expected_version=ticket.version)
    actions.reopen(org["surveyor"], ticket, "问题复现", expected_version=ticket.version)
    assert refreshed(ticket).status == Status.REGISTERED


def test_staff_who_see_the_whole_center_may_note_any_order(org, register):
    """R-WO-9: a senior agent logs a contact on an order someone else owns."""
    ticket = register("A1", "III")
    assert org["senior"].has_perm("tickets.add_note", ticket)
    actions.log_customer_contact(
        org["senior"], ticket, "已告知客户处理进度", expected_version=ticket.version
    )
    assert not org["agent2"].has_perm("tickets.add_note", ticket)


def test_a_clerk_hands_a_letter_on_to_an_agent_who_then_owns_it(org, register):
    """R-WO-10: the order is handed on and never falls between people."""
    letter = register("A1", "III", by=org["text_clerk"], channel="letter")
    assert not org["agent"].has_perm("tickets.draft_dispatch", letter)
    actions.hand_over(
        org["text_clerk"], letter, org["agent"], "请跟进", expected_version=letter.version
    )
    letter = refreshed(letter)
    assert letter.owner == org["agent"]
    assert letter.registered_by == org["text_clerk"]
    event = letter.events.get(kind=EventKind.HANDED_OVER)
    assert event.data == {"from": org["text_clerk"].name, "to": org["agent"].name}
    actions.submit_dispatch_draft(org["agent"], letter, expected_version=letter.version)
    with pytest.raises(ValidationError):  # only to people who can take orders on
        actions.hand_over(
            org["agent"], refreshed(letter), org["statistician"], expected_version=None
        )


def test_secondary_complaint_about_an_agent_goes_to_their_team_leader(org, register):
    """R-WO-2 D: the superior of an agent is their team leader, who handles it."""
    ticket = register("D", "II", complained_staff=org["agent"], by=org["agent2"])
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    leader = ticket.handler
    assert leader.employee_no == "1010"
    actions.accept(leader, ticket, expected_version=ticket.version)
    assert refreshed(ticket).status == Status.IN_PROGRESS


def test_r_wo_6_a_contact_before_the_order_reached_the_department_is_refused(org, register):
    """Else a breached call-back limit could be met "on time" by a contact time in the past."""
    ticket = register("A1", "III")
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    actions.accept(org["handler"], ticket, expected_version=ticket.version)
    ticket = refreshed(ticket)
    before = Dispatch.objects.get(ticket=ticket).dispatched_at - timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        actions.feed_back(
            org["handler"],
            ticket,
            actions.Feedback(before, "已上门", "已恢复"),
            expected_version=ticket.version,
        )
    assert "contacted_at" in refused.value.message_dict
    assert refreshed(ticket).status == Status.IN_PROGRESS
