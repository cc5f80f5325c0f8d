"""The order page: what the handler and the center read on it (R-WO-3, R-WO-6, R-WO-9), and
that a refused move keeps what the user typed."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from kefu.org.models import Department
from kefu.tickets import actions
from kefu.tickets.models import Dispatch
from kefu.tickets.views.move_table import DONE, MOVES


def fresh(ticket):
    ticket.refresh_from_db()
    return ticket


def _page(client, user, ticket):
    client.force_login(user)
    return client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()


def _section(html, testid):
    return html.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _approved_with_new_instructions(org, register):
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(
        org["agent"], ticket, instructions="请上门检修", expected_version=ticket.version
    )
    actions.approve_draft(
        org["senior"],
        draft,
        instructions="请今天18点前上门更换光猫",
        note="客户为老人，注意沟通",
        expected_version=fresh(ticket).version,
    )
    return fresh(ticket)


def test_r_wo_3_the_handler_sees_the_reviewed_instructions_of_the_current_dispatch(
    org, register, client
):
    ticket = _approved_with_new_instructions(org, register)

    card = _section(_page(client, org["handler"], ticket), "current-dispatch")

    assert "城市客服部" in card
    assert org["handler"].name in card
    assert "请今天18点前上门更换光猫" in card
    assert org["senior"].name in card  # who reviewed
    assert org["agent"].name in card  # who drafted


def test_r_wo_3_an_amended_approval_says_what_changed_on_the_timeline(org, register, client):
    ticket = _approved_with_new_instructions(org, register)

    timeline = _section(_page(client, org["agent"], ticket), "timeline")

    amended = timeline.split('data-event="draft_amended"', 1)[1].split("</li>", 1)[0]
    assert "请今天18点前上门更换光猫" in amended
    assert "客户为老人，注意沟通" in amended
    assert "请上门检修 → 请今天18点前上门更换光猫" in amended
    submitted = timeline.split('data-event="draft_submitted"', 1)[1].split("</li>", 1)[0]
    assert "请上门检修" in submitted


def test_r_wo_3_an_amended_department_is_recorded_before_and_after(org, register):
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    market = Department.objects.get(name="集团市场部")
    actions.approve_draft(
        org["senior"], draft, department=market, expected_version=fresh(ticket).version
    )
    event = ticket.events.get(kind="draft_amended")
    assert event.data["changes"]["department"] == ["城市客服部", "集团市场部"]
    assert event.data["changes"]["handler"] == [org["handler"].name, org["market_handler"].name]


def _in_progress(org, register):
    ticket = register("A1", "III")
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    return actions.accept(org["handler"], fresh(ticket), expected_version=fresh(ticket).version)


def test_r_wo_6_the_feedback_shows_when_the_customer_was_contacted(org, register, client):
    ticket = _in_progress(org, register)
    # Dispatched three hours ago, the customer called back an hour later (R-WO-6).
    Dispatch.objects.filter(ticket=ticket).update(dispatched_at=timezone.now() - timedelta(hours=3))
    contacted = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=2)
    feedback = actions.Feedback(contacted, "已上门更换光猫", "客户确认恢复", "")
    actions.feed_back(org["handler"], ticket, feedback, expected_version=ticket.version)

    timeline = _section(_page(client, org["agent"], ticket), "timeline")

    entry = timeline.split('data-event="feedback"', 1)[1].split("</li>", 1)[0]
    assert contacted.strftime("%Y-%m-%d %H:%M") in entry


def test_r_wo_7_the_timeline_names_the_superior_asked_for_help(org, register, client):
    ticket = _in_progress(org, register)
    actions.ask_superior(org["handler"], ticket, "需要协调工程队", expected_version=ticket.version)

    timeline = _section(_page(client, org["agent"], ticket), "timeline")

    entry = timeline.split('data-event="help_requested"', 1)[1].split("</li>", 1)[0]
    assert org["handler_head"].name in entry


def test_r_esc_1_an_escalation_shows_whom_it_went_to(org, register, client):
    ticket = _in_progress(org, register)
    record = actions.escalate(org["senior"], ticket, "客户第三次来电", expected_version=None)

    timeline = _section(_page(client, org["agent"], ticket), "timeline")

    entry = timeline.split('data-testid="escalated-to"', 1)[1].split("</div>", 1)[0]
    assert record.to_user.name in entry


def test_after_a_reopen_the_old_resolution_is_labelled_as_the_previous_rounds(
    org, register, client
):
    ticket = register("E", "")
    actions.resolve_first_contact(org["agent"], ticket, "已告知营业时间", expected_version=1)
    actions.close_after_callback(
        org["surveyor"], fresh(ticket), "回访满意", expected_version=fresh(ticket).version
    )
    html = _page(client, org["agent"], ticket)
    assert 'data-testid="resolution"' in html

    actions.reopen(
        org["surveyor"], fresh(ticket), "客户再次来电", expected_version=fresh(ticket).version
    )
    html = _page(client, org["agent"], ticket)

    assert 'data-testid="resolution"' not in html
    assert 'data-testid="previous-resolution"' in html


def test_a_stale_note_is_refused_but_its_text_is_kept(org, register, client):
    """A long note typed in a second tab survives the stale-version error."""
    ticket = register("A1", "III")
    actions.add_note(org["senior"], ticket, "另一位同事的备注", expected_version=ticket.version)
    client.force_login(org["agent"])
    long_note = "客户补充说明：" + "家中有老人，需提前电话预约上门时间。" * 20

    response = client.post(
        reverse("tickets:move", args=[ticket.number, "note"]),
        {"version": ticket.version, "text": long_note, "visibility": "customer"},
    )

    assert response.status_code == 200
    form = response.content.decode().split('data-testid="move-note"', 1)[1].split("</form>")[0]
    assert long_note in form
    assert '<option value="customer" selected>' in form
    assert f'name="version" value="{fresh(ticket).version}"' in form
    assert any(org["senior"].name in m for m in _messages(response))
    assert not ticket.events.filter(body=long_note).exists()


def test_an_invalid_feedback_keeps_every_field_typed(org, register, client):
    ticket = _in_progress(org, register)
    client.force_login(org["handler"])
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        reverse("tickets:move", args=[ticket.number, "feedback"]),
        {
            "version": ticket.version,
            "contacted_at": future,
            "solution": "已上门更换光猫",
            "effect": "客户确认恢复",
            "remaining": "需回访",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "已上门更换光猫</textarea>" in html
    assert 'value="客户确认恢复"' in html
    assert f'value="{future}"' in html


def test_sending_a_draft_back_without_a_reason_names_the_reason_field(org, register, client):
    ticket = register("A1", "III")
    actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    client.force_login(org["senior"])

    response = client.post(
        reverse("tickets:move", args=[ticket.number, "send_back_draft"]),
        {"version": fresh(ticket).version, "text": ""},
    )

    assert _messages(response) == ["原因: 这个字段是必填项。"]


def test_a_move_done_says_what_happened(org, register, client):
    ticket = register("A1", "III")
    client.force_login(org["agent"])

    response = client.post(
        reverse("tickets:move", args=[ticket.number, "submit_draft"]),
        {"version": ticket.version, "text": "请尽快上门"},
        follow=True,
    )

    assert _messages(response) == [str(DONE["submit_draft"])]
    assert "操作成功" not in response.content.decode()
    assert set(DONE) == set(MOVES)  # every move says what it did


def test_labels_on_the_timeline_use_the_readers_separator(org, register, client):
    """ "Instructions：" in Chinese, "Instructions: " in English: no full-width colon in English."""
    ticket = register("A1", "III")
    actions.submit_dispatch_draft(
        org["agent"], ticket, instructions="请带新光猫", expected_version=ticket.version
    )
    chinese = _section(_page(client, org["agent"], ticket), "timeline")
    assert "派单说明：请带新光猫" in chinese or "说明：请带新光猫" in chinese
    org["agent"].language = "en"
    org["agent"].save(update_fields=["language"])
    english = _section(_page(client, org["agent"], ticket), "timeline")
    assert "Instructions: 请带新光猫" in english
    assert "：" not in english.split("Instructions", 1)[1][:3]
