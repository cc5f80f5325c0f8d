"""SLA clocks as the staff see them, in real Chromium (issue 4, item 3; R-WO-4, R-SLA-5).

The agent's queue shows a badge per running clock with the time left; a clock past its due time
is red and says how long it is overdue, in the queue and on the order page; the live countdown
rewrites the text in the browser; a supervisor sorting the queue by due time gets the most
urgent order first. Orders are registered through the actions; a clock is made overdue by
moving its due time into the past, which is test set-up, not a shortcut through the app.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.org.models import User
from kefu.sla import services as sla
from kefu.sla import snapshot as sla_snapshot
from kefu.sla.choices import TargetKind
from kefu.sla.models import Clock
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, Ticket

# Transactional (the live server reads what the test commits); serialized_rollback puts the
# data seeded by migrations back for the tests that follow.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISPATCH = "派单"  # TargetKind.DISPATCH in Chinese, the UI's default language
MINUTES = r"\d+\s*分钟"  # Django's timeuntil / timesince in Chinese ("55 分钟")


@pytest.fixture
def sla_policies(taxonomy: None) -> None:
    """The seeded time limits, put back if an earlier transactional test flushed them."""
    importlib.import_module("kefu.sla.migrations.0002_seed_defaults").seed(apps, None)
    sla_snapshot.invalidate()


def complaint(minutes_ago: int, title: str, type_code: str = "A1") -> Ticket:
    """An order the agent 王丽 registered from a call received ``minutes_ago``."""
    call_type = CallType.objects.get(code=type_code)
    return actions.register(
        User.objects.get(employee_no="1001"),
        actions.Registration(
            call_type=call_type,
            channel=Channel.PHONE,
            title=title,
            description="客户反映家中宽带每天掉线多次，要求尽快处理。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level="III" if call_type.is_complaint else "",
            received_at=timezone.now() - timedelta(minutes=minutes_ago),
        ),
    )


def make_overdue(ticket: Ticket, minutes: int) -> None:
    """Set-up: the order's dispatch clock ran out ``minutes`` ago (R-WO-4 missed)."""
    due = timezone.now() - timedelta(minutes=minutes)
    Clock.objects.filter(ticket=ticket, kind=TargetKind.DISPATCH).update(
        started_at=due - timedelta(hours=1), due_at=due, warn_at=due - timedelta(minutes=12)
    )
    sla.refresh_next_due(ticket)  # the queues' due sort follows, as after any clock change


def row(page: Page, number: str) -> Locator:
    return (
        page.get_by_test_id("ticket-table")
        .locator("tbody tr")
        .filter(has=page.get_by_role("link", name=number, exact=True))
    )


def dispatch_badge(scope: Locator) -> Locator:
    return scope.get_by_test_id("sla-badge").filter(has_text=DISPATCH)


def test_badges_countdowns_and_the_due_sort(
    live_server: LiveServer,
    page: Page,
    org: object,
    sla_policies: None,
    results_dir: Path,
    log_in: Callable[[str, str], None],
) -> None:
    running = complaint(5, "宽带掉线（刚来电）")  # dispatch due in 55 minutes
    soon = complaint(50, "宽带掉线（快到期）")  # past 80 %: near its limit, due in 10 minutes
    late = complaint(20, "宽带掉线（已超时）")
    make_overdue(late, 30)
    no_clock = complaint(0, "咨询资费套餐", type_code="E")  # no time limit applies

    # --- 王丽, agent: her queue shows a badge per running clock ------------------------------
    log_in("1001", "王丽")
    page.goto(f"{live_server.url}/tickets/?queue=mine")

    badge = dispatch_badge(row(page, running.number))
    expect(badge).to_have_class(re.compile(r"\btext-bg-info\b"))
    expect(badge.locator(".sla-countdown")).to_have_text(re.compile(rf"^{MINUTES}$"))
    expect(dispatch_badge(row(page, soon.number))).to_have_class(re.compile(r"\btext-bg-warning\b"))
    overdue = dispatch_badge(row(page, late.number))
    expect(overdue).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(overdue.locator(".sla-countdown")).to_have_text(re.compile(rf"^已超时\s*{MINUTES}$"))
    expect(row(page, no_clock.number).get_by_test_id("sla-badge")).to_have_count(0)

    # The live countdown (every 30 s in the page) rewrites the text in the browser, in the
    # same words as the first paint.
    page.evaluate("window.kefuSlaCountdown()")
    expect(badge.locator(".sla-countdown")).to_have_text(re.compile(r"^(5[0-5])分钟$"))
    expect(overdue.locator(".sla-countdown")).to_have_text(re.compile(r"^已超时\s*(29|30|31)分钟$"))
    page.screenshot(path=str(results_dir / "sla-badges-queue.png"), full_page=True)

    # --- The order page: every clock with its state; the overdue one red ---------------------
    page.get_by_role("link", name=late.number, exact=True).click()
    expect(page.get_by_test_id("ticket-number")).to_have_text(late.number)
    panel = page.get_by_test_id("sla-clocks")
    dispatch_row = panel.locator("tbody tr").filter(has_text=DISPATCH)
    state = dispatch_row.locator(".badge")
    expect(state).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(state).to_contain_text("已逾期")  # ClockState.BREACHED
    expect(state.locator(".sla-countdown")).to_have_text(re.compile(rf"^已超时\s*{MINUTES}$"))
    resolve = panel.locator("tbody tr").filter(has_text="办结").locator(".badge")
    expect(resolve).to_contain_text("计时中")  # the resolve clock still runs
    expect(resolve).to_have_class(re.compile(r"\btext-bg-info\b"))
    page.screenshot(path=str(results_dir / "sla-badges-order.png"), full_page=True)

    page.goto(f"{live_server.url}/tickets/{running.number}/")
    running_state = (
        page.get_by_test_id("sla-clocks").locator("tbody tr").filter(has_text=DISPATCH)
    ).locator(".badge")
    expect(running_state).to_contain_text("计时中")
    expect(running_state.locator(".sla-countdown")).to_have_text(re.compile(rf"^{MINUTES}$"))

    # --- 陈静, team leader: sorts the center's open orders by due time ----------------------
    page.context.clear_cookies()
    log_in("1010", "陈静")
    page.goto(f"{live_server.url}/tickets/?queue=open")
    links = page.get_by_test_id("ticket-table").locator("tbody tr td:first-child a")
    newest_first = [no_clock.number, running.number, late.number, soon.number]
    expect(links).to_have_text(newest_first)

    page.get_by_test_id("sort").select_option("due")
    # Overdue first, then the one about to run out, then the rest; no clock, not listed.
    expect(links).to_have_text([late.number, soon.number, running.number])
    expect(page).to_have_url(re.compile(r"sort=due"))
    page.reload()  # the sort is in the address: a reload or a shared link keeps it
    expect(links).to_have_text([late.number, soon.number, running.number])
