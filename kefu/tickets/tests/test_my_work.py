"""待我处理 / Waiting for me: every order whose next step is the user's, per state (R-WO-1),
plus the review-queue, 我的工单 and paging fixes and the daily filters (owner, handler,
escalated to, overdue)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kefu.tickets import actions, queries
from kefu.tickets.choices import Status
from kefu.tickets.models import Ticket


def waiting(user) -> set[str]:
    return set(queries.queue(user, "waiting").values_list("number", flat=True))


def drafted(agent, ticket):
    return actions.submit_dispatch_draft(agent, ticket, expected_version=None)


def dispatched(org, ticket) -> Ticket:
    """Through review (R-WO-3): drafted by the agent, approved by the senior agent."""
    draft = drafted(org["agent"], ticket)
    return actions.approve_draft(org["senior"], draft, expected_version=None)


def fed_back(org, ticket) -> Ticket:
    ticket = dispatched(org, ticket)
    ticket = actions.accept(org["handler"], ticket, expected_version=None)
    feedback = actions.Feedback(
        contacted_at=timezone.now(), solution="已上门更换光猫", effect="恢复上网"
    )
    return actions.feed_back(org["handler"], ticket, feedback, expected_version=None)


# --- Whose turn it is -----------------------------------------------------------------------


def test_a_registered_order_waits_on_its_first_contact_owner_r_wo_10(org, register):
    ticket = register("A1", "III")
    assert ticket.number in waiting(org["agent"])
    assert ticket.number not in waiting(org["agent2"])
    assert ticket.number not in waiting(org["senior"])  # nothing to review yet


def test_a_draft_awaiting_review_waits_on_reviewers_not_its_owner_r_wo_3(org, register):
    ticket = register("A1", "III")
    drafted(org["agent"], ticket)
    assert ticket.number not in waiting(org["agent"])
    assert ticket.number in waiting(org["senior"])
    assert ticket.number in waiting(org["senior2"])


def test_a_reviewer_does_not_wait_on_their_own_draft_r_wo_3(org, register):
    ticket = register("A1", "III", by=org["senior"])
    drafted(org["senior"], ticket)
    assert ticket.number not in waiting(org["senior"])
    assert ticket.number in waiting(org["senior2"])


def test_a_sent_back_draft_waits_on_its_author_r_wo_3(org, register):
    ticket = register("A1", "III")
    draft = drafted(org["agent"], ticket)
    actions.send_back_draft(org["senior"], draft, "请补充故障地址", expected_version=None)
    assert ticket.number in waiting(org["agent"])
    assert ticket.number not in waiting(org["senior2"])


def test_a_dispatched_order_waits_on_its_handler_not_its_owner_r_wo_6(org, register):
    ticket = dispatched(org, register("A1", "III"))
    assert ticket.handler == org["handler"]
    assert ticket.number in waiting(org["handler"])
    assert ticket.number not in waiting(org["agent"])
    accepted = actions.accept(org["handler"], ticket, expected_version=None)
    assert accepted.status == Status.IN_PROGRESS
    assert ticket.number in waiting(org["handler"])


def test_a_pending_follow_up_waits_on_reviewers_and_still_on_the_handler_r_wo_5(org, register):
    ticket = dispatched(org, register("A1", "III"))
    actions.submit_follow_up(org["agent"], ticket, "客户改约明天上午", expected_version=None)
    assert ticket.number in waiting(org["senior2"])
    assert ticket.number in waiting(org["handler"])


def test_a_fed_back_order_waits_on_its_owner_to_confirm_r_wo_8(org, register):
    ticket = fed_back(org, register("A1", "III"))
    assert ticket.status == Status.FED_BACK
    assert ticket.number in waiting(org["agent"])
    assert ticket.number not in waiting(org["handler"])


def test_an_escalated_order_waits_on_the_person_escalated_to_r_esc_1(org, register):
    ticket = dispatched(org, register("A1", "III"))
    record = actions.escalate(org["senior"], ticket, "客户多次来电")
    target = Ticket.objects.get(pk=ticket.pk).escalated_to
    assert target is not None
    assert target == record.to_user
    assert ticket.number in waiting(target)


def test_the_waiting_queue_is_one_query(org, register):
    """Indexed OR branches in one statement: no per-branch queries, no N+1."""
    register("A1", "III")
    senior = org["senior"]
    queries.queue(senior, "waiting")  # loads the permission cache
    with CaptureQueriesContext(connection) as captured:
        list(queries.queue(senior, "waiting").for_list())
    assert len(captured.captured_queries) == 1
    sql = captured.captured_queries[0]["sql"]
    assert "LIKE '%" not in sql  # no leading-wildcard scans


def test_waiting_is_the_first_tab_and_sorted_due_first(org, register, as_user):
    later, sooner = register("A1", "III"), register("A1", "III")
    now = timezone.now()
    Ticket.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(hours=5))
    Ticket.objects.filter(pk=sooner.pk).update(sla_due_at=now + timedelta(hours=1))
    undated = register("E", "")
    response = as_user(org["agent"]).get(reverse("tickets:list"))
    assert response.context["current"] == "waiting"
    assert response.context["sort"] == "due"
    assert [t.number for t in response.context["rows"]] == [
        sooner.number,
        later.number,
        undated.number,
    ]
    html = response.content.decode()
    assert html.index('data-testid="queue-waiting"') < html.index('data-testid="queue-mine"')


def test_surveyors_are_pointed_to_the_callbacks_queue(org, as_user):
    html = as_user(org["surveyor"]).get(reverse("tickets:list"), {"queue": "waiting"})
    assert 'data-testid="waiting-callbacks"' in html.content.decode()
    assert reverse("callbacks:queue") in html.content.decode()


# --- Bugs -------------------------------------------------------------------------------------


def test_the_review_queue_leaves_out_the_reviewers_own_drafts_r_wo_3(org, register):
    mine, theirs = register("A1", "III", by=org["senior"]), register("A1", "III")
    drafted(org["senior"], mine)
    drafted(org["agent"], theirs)
    listed = set(queries.queue(org["senior"], "review").values_list("number", flat=True))
    assert listed == {theirs.number}
    other = set(queries.queue(org["senior2"], "review").values_list("number", flat=True))
    assert other == {mine.number, theirs.number}


def test_my_orders_find_a_closed_order_when_the_status_filter_asks(org, register, as_user):
    closed = register("F", "")
    actions.close_harassment(org["agent"], closed, "骚扰电话，已礼貌结束", expected_version=None)
    open_one = register("E", "")
    client = as_user(org["agent"])
    default = client.get(reverse("tickets:list"), {"queue": "mine"}).context["rows"]
    assert [t.number for t in default] == [open_one.number]
    rows = client.get(reverse("tickets:list"), {"queue": "mine", "status": "closed"}).context[
        "rows"
    ]
    assert [t.number for t in rows] == [closed.number]
    found = client.get(
        reverse("tickets:list"), {"queue": "mine", "status": "closed", "q": closed.number}
    ).context["rows"]
    assert [t.number for t in found] == [closed.number]


def test_the_next_page_button_is_labelled_by_the_sort(org, register, as_user):
    for _ in range(51):
        register("E", "")
    client = as_user(org["manager"])
    by_time = client.get(reverse("tickets:list"), {"queue": "all"}).content.decode()
    assert "更早的工单" in by_time
    by_due = client.get(reverse("tickets:list"), {"queue": "all", "sort": "due"})
    assert by_due.context["next_label"] == queries.NEXT_PAGE_LABELS["due"]
    assert "更早的工单" not in by_due.content.decode()
    assert queries.next_page_label("due", by_id=True) == queries.NEXT_PAGE_LABELS["received"]


# --- Filters ----------------------------------------------------------------------------------


def rows_of(client, **params) -> list[str]:
    response = client.get(reverse("tickets:list"), {"queue": "all", **params})
    return [t.number for t in response.context["rows"]]


def test_filter_by_first_contact_owner_employee_number(org, register, as_user):
    a, b = register("E", ""), register("E", "", by=org["agent2"])
    client = as_user(org["manager"])
    assert rows_of(client, owner=org["agent"].employee_no) == [a.number]
    assert rows_of(client, owner=org["agent2"].employee_no) == [b.number]


def test_filter_by_handler_and_escalated_to(org, register, as_user):
    sent = dispatched(org, register("A1", "III"))
    register("A1", "III")
    client = as_user(org["manager"])
    assert rows_of(client, handler=org["handler"].employee_no) == [sent.number]
    record = actions.escalate(org["senior"], sent, "客户多次来电")
    assert rows_of(client, escalated_to=record.to_user.employee_no) == [sent.number]


def test_an_unknown_employee_number_is_flagged_and_the_other_filters_still_apply(
    org, register, as_user
):
    register("E", "")
    response = as_user(org["manager"]).get(
        reverse("tickets:list"), {"queue": "all", "owner": "no-such", "call_type": "A1"}
    )
    assert "owner" in response.context["form"].errors
    assert response.context["rows"] == []


def test_filter_overdue_only_uses_the_due_time(org, register, as_user):
    late, on_time, undated = register("A1", "III"), register("A1", "III"), register("E", "")
    now = timezone.now()
    Ticket.objects.filter(pk=late.pk).update(sla_due_at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=on_time.pk).update(sla_due_at=now + timedelta(hours=2))
    client = as_user(org["manager"])
    assert rows_of(client, overdue="on") == [late.number]
    assert undated.number in rows_of(client)


def test_the_extra_filters_fold_under_more_filters(org, as_user):
    html = as_user(org["manager"]).get(reverse("tickets:list"), {"handler": "2001"})
    text = html.content.decode()
    more = text[text.index('data-testid="more-filters"') :]
    assert 'name="handler"' in more
    assert 'name="overdue"' in more
    assert 'id="staff-numbers"' in more
    assert html.context["form"].more_in_use() == 1
