"""The bell in real Chromium: a dispatch lights it, marking read through HTMX clears it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.notifications.models import Notification
from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_handler_sees_the_dispatch_on_the_bell_and_marks_it_read(
    live_server: LiveServer, page: Page, org: object, taxonomy: None, results_dir: Path
) -> None:
    agent, senior = User.objects.get(employee_no="1001"), User.objects.get(employee_no="1020")
    ticket = actions.register(
        agent,
        actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title="宽带断网三天，要求上门维修",
            description="客户称家中宽带自周一起无法上网。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level="III",
        ),
    )
    actions.dispatch_now(senior, ticket, instructions="今天上门", expected_version=ticket.version)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("工号", exact=True).fill("2001")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("bell-count")).to_have_text("1")

    page.get_by_test_id("notification-bell").click()
    row = page.get_by_test_id("notification").first
    expect(row).to_contain_text(ticket.number)
    expect(row).to_contain_text("今天上门")
    page.screenshot(path=results_dir / "notifications-list.png")
    row.get_by_test_id("mark-read").click()
    expect(row).to_have_attribute("data-read", "yes")
    expect(page.get_by_test_id("bell-count")).to_have_count(0)  # the bell heard the change
    assert Notification.objects.get().read_at is not None

    page.get_by_test_id("preferences-link").click()
    page.locator("[name='tickets.dispatched__email']").uncheck()
    page.get_by_test_id("save-preferences").click()
    expect(page.locator("[name='tickets.dispatched__email']")).not_to_be_checked()
    expect(page.locator("[name='tickets.dispatched__in_app']")).to_be_checked()
    page.screenshot(path=results_dir / "notifications-preferences.png", full_page=True)
