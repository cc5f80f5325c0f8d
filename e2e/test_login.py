"""An agent's first minutes in Kefu, in real Chromium: login, home page, language, logout."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.org.demo import DEMO_PASSWORD

# Transactional (the live server reads what the test commits); serialized_rollback puts the
# data seeded by migrations back for the transactional tests that follow.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill_login(page: Page, employee_no: str, password: str) -> None:
    page.get_by_label("工号", exact=True).fill(employee_no)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_agent_logs_in_in_chinese_switches_to_english_and_logs_out(
    live_server: LiveServer, page: Page, org: object, results_dir: Path
) -> None:
    page.goto(f"{live_server.url}/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    fill_login(page, "1001", DEMO_PASSWORD)

    heading = page.get_by_test_id("home-heading")
    expect(heading).to_contain_text("王丽")
    expect(heading).to_contain_text("您好")
    expect(page.get_by_test_id("duties-panel")).to_contain_text("客服专员")
    expect(page.get_by_test_id("profile-panel")).to_contain_text("话务一班")
    expect(page.get_by_test_id("admin-panel")).to_have_count(0)
    page.screenshot(path=str(results_dir / "agent-home.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(heading).to_contain_text("Hello")
    expect(page.get_by_test_id("duties-panel")).to_contain_text("Agent")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_label("Employee number")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")


def test_wrong_password_shows_the_chinese_error(
    live_server: LiveServer, page: Page, org: object
) -> None:
    page.goto(f"{live_server.url}/login/")
    fill_login(page, "1001", "not-the-password")
    expect(page.get_by_test_id("form-errors")).to_contain_text("工号或密码错误")
    expect(page).to_have_url(f"{live_server.url}/login/")


def test_repeated_failures_lock_the_account(
    live_server: LiveServer, page: Page, org: object
) -> None:
    page.goto(f"{live_server.url}/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        fill_login(page, "1001", "not-the-password")
        expect(page.get_by_test_id("form-errors")).to_contain_text("工号或密码错误")
    fill_login(page, "1001", "not-the-password")
    expect(page.get_by_test_id("locked-out")).to_contain_text("账号已锁定")

    page.goto(f"{live_server.url}/login/")
    fill_login(page, "1001", DEMO_PASSWORD)
    expect(page.get_by_test_id("locked-out")).to_contain_text("账号已锁定")
