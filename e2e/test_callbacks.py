"""A dissatisfied callback in real Chromium (R-CB-1..4, R-WO-3, R-WO-8): the surveyor reaches
the customer, records the cause, the apology and a written warning, and creates the second
dispatch; a senior agent approves it; the handler feeds back; the agent confirms; the surveyor
calls again, the customer is satisfied and the order closes. The timeline tells the whole
story and the department's warning count went up by one.

Fields are found by id and test id, not by label, so the test holds in every UI language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.callbacks.models import Callback, DepartmentWarning
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def open_order(page: Page, server: LiveServer, number: str) -> None:
    page.goto(f"{server.url}/tickets/{number}/")
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)


def submit(page: Page, testid: str) -> None:
    page.get_by_test_id(testid).locator("button[type=submit]").first.click()


def awaiting_callback() -> Ticket:
    """An A1-III order handled by 城市客服部 and confirmed, built through the actions."""
    agent, senior = User.objects.get(employee_no="1001"), User.objects.get(employee_no="1020")
    ticket = actions.register(
        agent,
        actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title="宽带频繁掉线，维修人员上门未解决",
            description="客户反映家中宽带近一周每天掉线多次。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level="III",
        ),
    )
    draft = actions.submit_dispatch_draft(agent, ticket, expected_version=None)
    actions.approve_draft(senior, draft, expected_version=None)
    ticket = Ticket.objects.get(pk=ticket.pk)
    actions.accept(ticket.handler, ticket, expected_version=None)
    actions.feed_back(
        ticket.handler,
        Ticket.objects.get(pk=ticket.pk),
        actions.Feedback(contacted_at=timezone.now(), solution="更换光猫", effect="已恢复"),
        expected_version=None,
    )
    actions.confirm(agent, Ticket.objects.get(pk=ticket.pk), expected_version=None)
    return Ticket.objects.get(pk=ticket.pk)


def warnings_total(page: Page, server: LiveServer) -> int:
    page.goto(f"{server.url}/callbacks/statistics/")
    return int(page.get_by_test_id("warnings-total-city-service").inner_text())


def test_dissatisfied_callback_second_dispatch_to_satisfied_closure(
    live_server: LiveServer,
    page: Page,
    org: object,
    taxonomy: None,
    results_dir: Path,
    log_in: Callable[[str, str], None],
) -> None:
    ticket = awaiting_callback()
    number = ticket.number

    # --- 周婷, callback surveyor: the order is in her queue; the customer is dissatisfied ------
    log_in("1030", "周婷")
    before = warnings_total(page, live_server)
    page.goto(f"{live_server.url}/callbacks/")
    row = page.get_by_test_id("callback-queue").locator(f"tr[data-number='{number}']")
    expect(row).to_be_visible()
    row.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)
    expect(page.get_by_test_id("callback-due")).to_be_visible()

    # One form: "reached" opens the satisfaction fields; a dissatisfied score leads on to the
    # second dispatch, which opens with the score and the comment already filled in.
    attempt = page.get_by_test_id("callback-attempt")
    attempt.locator("#attempt_outcome").select_option("no_answer")
    expect(page.get_by_test_id("callback-attempt-satisfaction")).to_be_hidden()
    attempt.locator("#attempt_outcome").select_option("reached")
    expect(page.get_by_test_id("callback-attempt-satisfaction")).to_be_visible()
    attempt.locator("#attempt_score").select_option("1")
    expect(page.get_by_test_id("callback-dissatisfied-hint")).to_be_visible()
    attempt.locator("#attempt_comment").fill("还是每天掉线")
    submit(page, "callback-attempt")
    second = page.get_by_test_id("callback-second-dispatch")
    expect(second.locator("#second_score")).to_have_value("1")
    expect(second.locator("#second_comment")).to_have_value("还是每天掉线")
    second.locator("#second_cause").fill("维修人员未彻底排查入户线路")
    second.locator("#second_remedy").fill("向客户致歉，说明原因，承诺明天上午重新上门")
    second.locator("#second_warning").fill("处理不彻底导致客户二次不满，予以书面警告。")
    submit(page, "callback-second-dispatch")
    expect(page.get_by_test_id("pending-draft")).to_be_visible()
    expect(page.get_by_test_id("department-warnings")).to_contain_text("城市客服部")
    assert warnings_total(page, live_server) == before + 1
    log_out(page)

    # --- 赵敏, senior agent: reviews and approves the second dispatch (R-WO-3) ----------------
    log_in("1020", "赵敏")
    open_order(page, live_server, number)
    submit(page, "move-approve_draft")
    expect(page.get_by_test_id("pending-draft")).to_have_count(0)
    log_out(page)

    # --- 林涛, handler: accepts and feeds back --------------------------------------------------
    log_in("2001", "林涛")
    open_order(page, live_server, number)
    submit(page, "move-accept")
    feedback = page.get_by_test_id("move-feedback")
    contacted = timezone.localtime()  # after the dispatch (R-WO-6), to the minute
    feedback.locator("#fb-at").fill(contacted.strftime("%Y-%m-%dT%H:%M"))
    feedback.locator("#fb-effect").fill("连续观察一天无掉线")
    feedback.locator("#fb-solution").fill("重新布放入户光纤并更换分光器端口。")
    submit(page, "move-feedback")
    expect(page.get_by_test_id("move-feedback")).to_have_count(0)
    log_out(page)

    # --- 王丽, agent: confirms the result ---------------------------------------------------------
    log_in("1001", "王丽")
    open_order(page, live_server, number)
    submit(page, "move-confirm")
    expect(page.get_by_test_id("move-confirm")).to_have_count(0)
    log_out(page)

    # --- 周婷 again: the customer is satisfied; the order closes ---------------------------------
    log_in("1030", "周婷")
    open_order(page, live_server, number)
    expect(page.get_by_test_id("callback-round-2")).to_be_visible()
    # One callback, one submit: the call and the satisfied close together.
    attempt = page.get_by_test_id("callback-attempt")
    attempt.locator("#attempt_outcome").select_option("reached")
    attempt.locator("#attempt_score").select_option("5")
    attempt.locator("#attempt_comment").fill("这次彻底解决了")
    submit(page, "callback-attempt")
    expect(page.get_by_test_id("ticket-status")).to_have_attribute("class", re.compile("light"))

    # The timeline, newest first, tells the whole story with who did each step.
    kinds = page.get_by_test_id("timeline").locator("[data-event]")
    story = [kinds.nth(i).get_attribute("data-event") for i in range(kinds.count())]
    expected_order = [
        "closed",  # 周婷: satisfied
        "customer_contacted",  # 周婷: second callback reached the customer
        "confirmed",  # 王丽
        "feedback",  # 林涛
        "accepted",  # 林涛
        "draft_approved",  # 赵敏: second dispatch reviewed
        "draft_submitted",  # 周婷: second dispatch
        "note",  # 周婷: written warning / cause and remedy
        "customer_contacted",  # 周婷: first callback
        "confirmed",
    ]
    positions = [story.index(expected_order[0])]
    for kind in expected_order[1:]:
        positions.append(story.index(kind, positions[-1] + 1))
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("维修人员未彻底排查入户线路")
    expect(timeline).to_contain_text("处理不彻底导致客户二次不满")
    expect(timeline).to_contain_text("这次彻底解决了")
    page.screenshot(path=str(results_dir / "callback-flow.png"), full_page=True)
    assert warnings_total(page, live_server) == before + 1

    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "closed"
    assert ticket.dispatches.count() == 2
    assert list(
        Callback.objects.filter(ticket=ticket).order_by("round").values_list("status", "score")
    ) == [
        ("second_dispatch", 1),
        ("satisfied", 5),
    ]
    assert (
        DepartmentWarning.objects.filter(ticket=ticket, department__code="city-service").count()
        == 1
    )


def test_without_javascript_a_satisfied_callback_takes_two_steps(
    live_server: LiveServer,
    browser: Browser,
    org: object,
    taxonomy: None,
) -> None:
    """The attempt form works without JavaScript: the satisfaction fields stay hidden, the call
    is recorded, and the result is recorded on the form that follows (R-CB-2, R-CB-3)."""
    from kefu.org.demo import DEMO_PASSWORD

    ticket = awaiting_callback()
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.locator("input[name=username]").fill("1030")
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.locator("input[name=password]").press("Enter")
        page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))
        open_order(page, live_server, ticket.number)
        expect(page.get_by_test_id("callback-attempt-satisfaction")).to_be_hidden()
        page.locator("#attempt_outcome").select_option("reached")
        submit(page, "callback-attempt")
        satisfied = page.get_by_test_id("callback-satisfied")
        satisfied.locator("#satisfied_score").select_option("4")
        submit(page, "callback-satisfied")
        expect(page.get_by_test_id("ticket-status")).to_have_attribute("class", re.compile("light"))
    finally:
        context.close()
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
