"""R-KB-5 in real Chromium: during a call the agent searches the knowledge base beside the
intake form, opens the article, copies the unified wording in one click, registers the order,
and the order records the article (counted for the editor, noted on the timeline)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.kb import workflow
from kefu.kb.demo import load_categories
from kefu.kb.models import Article, ArticleUse
from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import Department, User
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket

# Transactional: the live server reads what the test commits. The taxonomy fixture re-seeds the
# call types a flush removed.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORDING = "您好，城区宽带故障24小时内修复，郊区48小时内修复，请您保持电话畅通。"


def publish_article() -> Article:
    staff = {u.employee_no: u for u in User.objects.all()}
    category = load_categories()["宽带上网/宽带故障"]
    article = workflow.receive_notice(
        staff["1042"],
        workflow.Notice(
            title="宽带故障报修时限",
            category=category,
            issuing_department=Department.objects.get(code="tech"),
        ),
    )
    workflow.mark_read(staff["1060"], article)
    workflow.record_study(staff["1042"], article, "已学习")
    workflow.enter(staff["1042"], article, {"wording": WORDING, "body": "## 时限\n\n城区24小时。"})
    workflow.confirm(staff["2401"], article)
    return workflow.publish(staff["1042"], article)


def test_agent_searches_copies_the_wording_and_the_order_records_the_article(
    live_server: LiveServer, page: Page, org: object, taxonomy: None
) -> None:
    article = publish_article()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("工号", exact=True).fill("1001")
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.goto(f"{live_server.url}/tickets/new/")

    # Search beside the intake form: results with the query's words highlighted.
    panel = page.get_by_test_id("kb-panel")
    panel.get_by_test_id("kb-panel-search").fill("宽带报修多久")
    first = panel.get_by_test_id("kb-panel-open").first
    expect(first).to_have_text("宽带故障报修时限")
    expect(first.locator("mark").first).to_have_text("宽带")

    # Open the article in the panel and copy its unified wording in one click.
    first.click()
    expect(panel.get_by_test_id("kb-wording")).to_have_text(WORDING)
    panel.get_by_test_id("kb-copy-wording").click()
    expect(panel.get_by_test_id("kb-panel-used")).to_contain_text("宽带故障报修时限")
    assert page.evaluate("navigator.clipboard.readText()") == WORDING

    # Register the call: an inquiry (E) answered from the knowledge base.
    page.get_by_label("联系电话", exact=True).fill("13812345678")
    call_type = page.get_by_label("来电类型", exact=True)
    call_type.select_option("E")
    page.get_by_label("诉求概要", exact=True).fill("咨询宽带故障多久能修好")
    page.get_by_test_id("register").click()

    # The order page lists the article used; the order records it and its timeline says so.
    used = page.get_by_test_id("kb-ticket-articles-list")
    expect(used).to_contain_text("宽带故障报修时限")
    number = page.get_by_test_id("ticket-number").inner_text()
    ticket = Ticket.objects.get(number=number)
    use = ArticleUse.objects.get(ticket=ticket)
    assert (use.article_id, use.version, use.user.employee_no) == (article.pk, 1, "1001")
    assert ticket.events.filter(kind=EventKind.NOTE, body__contains="宽带故障报修时限").exists()

    # Reloading the order page records nothing twice.
    page.reload()
    expect(page.get_by_test_id("kb-ticket-articles-list")).to_contain_text("宽带故障报修时限")
    assert ArticleUse.objects.filter(ticket=ticket).count() == 1
