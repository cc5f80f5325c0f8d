"""The customer archive in real Chromium: a supervisor imports a file (check, confirm, progress),
finds a customer by another spelling of the number, sees the VIP badge and the masked number,
and reveals it (R-CUS-1, R-SEC-1)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.audit.models import AuditRecord
from kefu.customers.models import Customer
from kefu.org.demo import load_org

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSV = (
    "姓名,电话,等级,区域,标签\n"
    "王建国,138-1234-5678,VIP3,徐汇区,宽带\n"
    ",13900001111,普通,黄浦区,\n"  # row 3: no name
    "李秀英,13700002222,大客户,静安区,\n"
)


def test_import_find_and_reveal(
    page: Page, live_server: LiveServer, tmp_path: Path, log_in: Callable[[str, str], None]
) -> None:
    load_org()
    log_in("1060", "胡军")  # supervisor: owns the archive
    page.goto(f"{live_server.url}/customers/imports/")
    upload = tmp_path / "客户.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(str(upload))
    page.get_by_test_id("upload").click()

    expect(page.get_by_test_id("valid-rows")).to_have_text("2")
    expect(page.get_by_test_id("error-rows")).to_have_text("1")
    expect(page.get_by_test_id("import-errors").locator("tr[data-row]")).to_have_count(1)
    expect(page.locator("tr[data-row='3']")).to_be_visible()
    assert Customer.objects.count() == 0

    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("import-progress").locator(".progress-bar")).to_have_text("100%")
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["李秀英", "王建国"]

    page.goto(f"{live_server.url}/customers/")
    search = page.get_by_label(re.compile("搜索|Search"))
    search.fill("+86 138 1234 5678")
    search.press("Enter")  # HTMX swaps the table in place
    table = page.get_by_test_id("customer-table")
    expect(table).not_to_contain_text("李秀英")
    expect(table).to_contain_text("王建国")
    table.get_by_role("link", name="王建国").click()

    expect(page.get_by_test_id("vip-badge")).to_contain_text("VIP3")
    contacts = page.get_by_test_id("contacts")
    expect(contacts).to_contain_text("138****5678")
    expect(contacts).not_to_contain_text("13812345678")
    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("revealed")).to_contain_text("13812345678")
    assert AuditRecord.objects.filter(action="customer.reveal").count() == 1
