"""R-SEC-2 / R-SEC-3 in real Chromium: a supervisor requests a customer export, a manager
approves it, the supervisor generates and downloads the file, and the manager finds every step
in the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.customers.services import CustomerData, create_customer
from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def log_in(page: Page, base: str, employee_no: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("工号", exact=True).fill(employee_no)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(employee_no)


def test_export_request_approval_download_and_trail(
    live_server: LiveServer, page: Page, org: object, results_dir: Path, tmp_path: Path
) -> None:
    agent = User.objects.get(employee_no="1001")
    for n in range(3):
        create_customer(
            agent,
            CustomerData(name=f"大客户{n}", phones=[f"1390000020{n}"], tier="vip", vip_level=1),
        )
    base = live_server.url
    with override_settings(KEFU_EXPORT_DIR=str(tmp_path / "exports")):
        log_in(page, base, "1060")  # supervisor
        page.goto(f"{base}/audit/")
        expect(page.get_by_test_id("export-request-form")).to_be_visible()
        form = page.get_by_test_id("export-request-form")
        form.locator("#id_purpose").fill("VIP 客户年终回访")
        form.locator("#id_tier").select_option("vip")
        form.locator("#id_file_format").select_option("csv")
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("export-table")).to_contain_text("VIP 客户年终回访")

        log_in(page, base, "1070")  # manager
        page.goto(f"{base}/audit/exports/approvals/")
        queue = page.get_by_test_id("approval-queue")
        expect(queue).to_contain_text("VIP 客户年终回访")
        queue.locator("textarea[name=reason]").first.fill("同意，仅限本次回访")
        queue.locator("[data-testid^=approve-]").first.click()
        expect(page.get_by_test_id("approval-queue")).not_to_contain_text("VIP 客户年终回访")
        page.screenshot(path=str(results_dir / "export-approvals.png"), full_page=True)

        log_in(page, base, "1060")
        page.goto(f"{base}/audit/exports/")
        page.locator("[data-testid^=generate-]").first.click()
        with page.expect_download() as download:
            page.locator("[data-testid^=download-]").first.click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "大客户2" in text
        assert "13900000202" in text

        log_in(page, base, "1070")
        page.goto(f"{base}/audit/trail/?action=export")
        rows = page.get_by_test_id("audit-row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("1060")
        page.goto(f"{base}/audit/trail/")
        page.screenshot(path=str(results_dir / "audit-trail.png"), full_page=True)
