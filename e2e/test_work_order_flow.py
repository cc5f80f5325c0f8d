"""One work order through its whole dispatch loop, in real Chromium, as the four people see it.

The agent registers an A1-III complaint from a live call with the keyboard only and drafts the
dispatch; a senior agent approves it; the city-service handler accepts and feeds back; the agent
confirms. The order page's timeline then tells the story, newest first, with who did each step.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.org.demo import DEMO_PASSWORD
from kefu.tickets.models import Ticket, TimelineEvent

# Transactional (the live server reads what the test commits); serialized_rollback puts the
# data seeded by migrations (the taxonomy, the routing rules) back for the tests that follow.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NUMBER = re.compile(r"^A1-\d{8}-\d{4}$")
PHONE = "13812345678"


def log_in(page: Page, server: LiveServer, employee_no: str, name: str) -> None:
    if page.url != f"{server.url}/login/":  # after a log-out the browser is there already
        page.goto(f"{server.url}/login/")
    page.get_by_label("工号", exact=True).fill(employee_no)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(name)


def log_out(page: Page, server: LiveServer) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(f"{server.url}/login/")


def open_from_queue(page: Page, server: LiveServer, queue: str, label: str, number: str) -> None:
    """The queue's page (its tab is the one shown as active), then the order's row in it."""
    page.goto(f"{server.url}/tickets/?queue={queue}")
    expect(page.get_by_test_id(f"queue-{queue}")).to_have_text(label)
    expect(page.get_by_test_id(f"queue-{queue}")).to_have_class(re.compile(r"\bactive\b"))
    page.get_by_test_id("ticket-table").get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(number)


def status(page: Page) -> Locator:
    return page.get_by_test_id("ticket-status")


def test_complaint_goes_from_phone_call_to_callback(
    live_server: LiveServer, page: Page, org: object, taxonomy: None, results_dir: Path
) -> None:
    # --- 王丽, agent: registers the call with the keyboard, drafts the dispatch --------------
    log_in(page, live_server, "1001", "王丽")
    page.get_by_role("navigation").get_by_role("link", name="新建工单", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/tickets/new/")

    phone = page.get_by_label("联系电话", exact=True)
    expect(phone).to_be_focused()  # autofocus: the agent types the number straight away
    keyboard = page.keyboard
    keyboard.type(PHONE)
    keyboard.press("Tab")
    expect(page.get_by_label("来电人", exact=True)).to_be_focused()
    keyboard.type("陈先生")
    keyboard.press("Tab")
    call_type = page.get_by_label("来电类型", exact=True)
    expect(call_type).to_be_focused()
    expect(call_type).to_have_value("")  # nothing preselected: the agent must classify
    # Arrow keys, not type-ahead: Chromium's type-ahead on a closed select depends on timing
    # and missed keys on a loaded machine. A1 is the first type after the empty choice.
    keyboard.press("ArrowDown")
    expect(call_type).to_have_value("A1")
    keyboard.press("Tab")
    level = page.get_by_label("投诉级别", exact=True)
    expect(level).to_be_focused()
    for _ in range(3):  # — → I → II → III
        keyboard.press("ArrowDown")
    expect(level).to_have_value("III")
    keyboard.press("Tab")
    expect(page.get_by_label("诉求概要", exact=True)).to_be_focused()
    keyboard.type("宽带频繁掉线，维修人员上门未解决")
    keyboard.press("Tab")
    expect(page.get_by_label("详细内容", exact=True)).to_be_focused()
    keyboard.type(
        "客户反映家中宽带近一周每天掉线多次，已报修两次，师傅上门后仍未解决，要求尽快处理。"
    )
    # The screen pop has looked the number up: a new caller with no open orders.
    screen_pop = page.get_by_test_id("screen-pop")
    expect(screen_pop).to_contain_text("新来电客户")
    expect(screen_pop).to_contain_text("没有未结工单。")
    keyboard.press("Control+Enter")

    number_heading = page.get_by_test_id("ticket-number")
    expect(number_heading).to_have_text(NUMBER)
    number = number_heading.inner_text()
    expect(status(page)).to_have_text("已登记")

    page.get_by_test_id("move-submit_draft").get_by_role("button", name="提交派单审核").click()
    expect(status(page)).to_have_text("待审核")
    expect(page.get_by_test_id("pending-draft")).to_contain_text("城市客服部 · 林涛")
    log_out(page, live_server)

    # --- 赵敏, senior agent: approves the draft from the review queue -------------------------
    log_in(page, live_server, "1020", "赵敏")
    open_from_queue(page, live_server, "review", "审核队列", number)
    page.get_by_test_id("move-approve_draft").get_by_role("button", name="审核通过").click()
    expect(status(page)).to_have_text("已派单")
    expect(page.get_by_text("城市客服部 · 林涛", exact=True)).to_be_visible()
    log_out(page, live_server)

    # --- 林涛, city-service handler: accepts and feeds back ----------------------------------
    log_in(page, live_server, "2001", "林涛")
    open_from_queue(page, live_server, "department", "部门待办", number)
    page.get_by_test_id("move-accept").get_by_role("button", name="接单").click()
    expect(status(page)).to_have_text("处理中")

    feedback = page.get_by_test_id("move-feedback")
    contacted = timezone.localtime()  # after the dispatch (R-WO-6), to the minute
    feedback.get_by_label("联系客户时间").fill(contacted.strftime("%Y-%m-%dT%H:%M"))
    feedback.get_by_label("处理效果").fill("客户满意，网络已恢复稳定")
    feedback.get_by_label("解决方案").fill("更换光猫并重新熔接入户光纤，现场测试连续两小时无掉线。")
    feedback.get_by_label("遗留问题").fill("无")
    feedback.get_by_role("button", name="反馈中心").click()
    expect(status(page)).to_have_text("已反馈")
    log_out(page, live_server)

    # --- 王丽 again: confirms the result from her own orders ----------------------------------
    log_in(page, live_server, "1001", "王丽")
    open_from_queue(page, live_server, "mine", "我的工单", number)
    page.get_by_test_id("move-confirm").get_by_role("button", name="确认结果").click()
    expect(status(page)).to_have_text("待回访")

    events = page.get_by_test_id("timeline").locator("[data-event]")
    expected = [
        ("confirmed", "王丽"),
        ("feedback", "林涛"),
        ("accepted", "林涛"),
        ("draft_approved", "赵敏"),
        ("draft_submitted", "王丽"),
        ("registered", "王丽"),
    ]
    expect(events).to_have_count(len(expected))
    for item, (kind, actor) in zip(events.all(), expected, strict=True):
        expect(item).to_have_attribute("data-event", kind)
        expect(item).to_contain_text(re.compile(rf"\d\d:\d\d:\d\d · {actor}"))  # when · who
    expect(events.nth(1)).to_contain_text("客户满意，网络已恢复稳定")
    page.screenshot(path=str(results_dir / "work-order-flow.png"), full_page=True)

    ticket = Ticket.objects.get(number=number)
    assert ticket.status == "pending_callback"
    assert ticket.level == "III"
    assert ticket.contact_phone == "+86" + PHONE
    assert (ticket.department.code, ticket.handler.employee_no) == ("city-service", "2001")
    assert TimelineEvent.objects.filter(ticket=ticket).count() == len(expected)
    assert list(ticket.events.values_list("kind", flat=True)) == [k for k, _ in expected]
