"""R-ESC-1: the person an order is escalated to can work it, not only state a planned time."""

from __future__ import annotations

from kefu.tickets import actions
from kefu.tickets.choices import EventKind


def test_the_team_leader_an_order_is_escalated_to_notes_and_logs_contacts_on_it(org, register):
    ticket = register("A1", "III")
    actions.escalate(org["senior"], ticket, "超时未派单", expected_version=ticket.version)
    ticket.refresh_from_db()
    team_leader = ticket.escalated_to
    assert team_leader is not None
    assert team_leader.employee_no == "1010"  # the head of the owner's team (话务一班)

    actions.add_note(team_leader, ticket, "已督促坐席今天内派单", expected_version=ticket.version)
    ticket.refresh_from_db()
    actions.log_customer_contact(
        team_leader, ticket, "已致电客户说明处理进度", expected_version=ticket.version
    )
    kinds = set(ticket.events.filter(actor=team_leader).values_list("kind", flat=True))
    assert {EventKind.NOTE, EventKind.CUSTOMER_CONTACTED} <= kinds
