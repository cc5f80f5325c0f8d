"""Layout at the screens the center uses (1366×768 laptops, 1920×1080 desks), in Chinese and in
English, for an agent (1001), a senior agent (1020) and the manager (1070, the longest menu).

Each page is checked by measuring, not only by eye: no sideways scroll, the user menu on screen,
the navigation on one line, order numbers and times on one line, the queue's filter bar on one
row. Screenshots go to var/test-results/layout-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = [(1366, 768), (1920, 1080)]
PEOPLE = {"1001": "王丽", "1020": "赵敏", "1070": "郭强"}
PHONE = "18910523086"


@pytest.fixture
def orders(org: object, taxonomy: None) -> None:
    """A few orders with long names (an outside transfer, VIP, urgent) in every queue of the three
    people, and a caller with many open orders."""
    agent = User.objects.get(employee_no="1001")
    for type_code, level, channel in [
        ("A1", "III", Channel.PHONE),
        ("A2", "IV", Channel.EXTERNAL),
        ("E", "", Channel.PHONE),
    ]:
        ticket = actions.register(
            agent,
            actions.Registration(
                call_type=CallType.objects.get(code=type_code),
                channel=channel,
                title="单位总机中继线故障，外线打不进来，客户情绪激动要求立即处理",
                description="",
                contact_phone="+8613812345678",
                contact_name="陈先生",
                level=level,
                urgent=True,
            ),
        )
        if type_code != "E":
            actions.submit_dispatch_draft(agent, ticket, expected_version=None)
    for n in range(6):
        actions.register(
            agent,
            actions.Registration(
                call_type=CallType.objects.get(code="E"),
                channel=Channel.PHONE,
                title=f"咨询套餐资费 {n}",
                description="",
                contact_phone=f"+86{PHONE}",
                contact_name="张丽华",
                level="",
            ),
        )


@pytest.fixture
def sized(browser: Browser) -> Iterator[dict[tuple[int, int], Page]]:
    pages = {}
    contexts = []
    for width, height in SIZES:
        context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        pages[(width, height)] = context.new_page()
    yield pages
    for context in contexts:
        context.close()


def sign_in(page: Page, server: LiveServer, employee_no: str, language: str) -> None:
    page.goto(f"{server.url}/login/")
    if language == "en":
        page.get_by_test_id("language-switch").locator("button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("input[name=username]").fill(employee_no)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.get_by_test_id("user-menu")).to_contain_text(PEOPLE[employee_no])


def assert_frame_fits(page: Page) -> None:
    """No sideways scroll; the navigation is one line; the user menu is on screen."""
    width = page.viewport_size["width"]  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav = page.locator("nav.navbar").bounding_box()
    assert nav is not None
    assert nav["height"] < 70, nav
    menu = page.get_by_test_id("user-menu").bounding_box()
    assert menu is not None
    assert menu["x"] + menu["width"] <= width, menu
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def one_line(page: Page, selector: str) -> None:
    """Every element matching ``selector`` is one line high (not wrapped)."""
    heights = page.eval_on_selector_all(
        selector,
        "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(e).lineHeight) || 24])",
    )
    assert heights, selector
    for text, height, line in heights:
        assert height < line * 1.6, (selector, text, height)


@pytest.mark.parametrize("employee_no", list(PEOPLE))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_queue_and_intake_fit_the_screen(
    live_server: LiveServer,
    sized: dict[tuple[int, int], Page],
    orders: None,
    results_dir: Path,
    employee_no: str,
    language: str,
) -> None:
    for (width, _height), page in sized.items():
        sign_in(page, live_server, employee_no, language)
        queue = "review" if employee_no == "1020" else ("all" if employee_no == "1070" else "mine")
        page.goto(f"{live_server.url}/tickets/?queue={queue}")
        expect(page.get_by_test_id("ticket-table")).to_be_visible()
        assert_frame_fits(page)
        one_line(page, "[data-testid=ticket-table] tbody td:first-child a")
        one_line(page, "[data-testid=ticket-table] thead th")
        bottoms = page.eval_on_selector_all(
            "[data-testid=filters] > div",
            "els => els.map(e => Math.round(e.getBoundingClientRect().bottom))",
        )
        assert len(set(bottoms)) == 1, f"filter bar on {len(set(bottoms))} rows at {width}"
        page.screenshot(path=results_dir / f"layout-queue-{employee_no}-{language}-{width}.png")

        page.goto(f"{live_server.url}/tickets/new/?phone={PHONE}")
        expect(page.get_by_test_id("open-order").first).to_be_visible()
        assert_frame_fits(page)
        page.screenshot(path=results_dir / f"layout-new-{employee_no}-{language}-{width}.png")


def test_the_manager_reaches_every_menu_entry_in_english_at_1366(
    live_server: LiveServer, sized: dict[tuple[int, int], Page], org: object
) -> None:
    """The manager's 13 entries do not fit one line in English: the rest are under "More"."""
    page = sized[(1366, 768)]
    sign_in(page, live_server, "1070", "en")
    assert_frame_fits(page)
    more = page.get_by_test_id("nav-more")
    expect(more).to_be_visible()
    more.click()
    expect(
        page.locator("[data-nav-more-menu]").get_by_role("link", name="Administration")
    ).to_be_visible()


def test_login_page_title_and_language_button_stay_on_one_line(
    live_server: LiveServer, sized: dict[tuple[int, int], Page], results_dir: Path
) -> None:
    page = sized[(1366, 768)]
    page.goto(f"{live_server.url}/login/")
    page.get_by_test_id("language-switch").locator("button[value=en]").click()
    expect(page.locator("h1")).to_have_text("Kefu customer service center")
    one_line(page, "h1")
    button = page.get_by_test_id("language-switch").locator("button").bounding_box()
    assert button is not None
    assert button["width"] > button["height"], button
    page.screenshot(path=results_dir / "layout-login-en-1366.png")


def test_intake_helpers_the_name_and_ctrl_enter_from_the_side_panel(
    live_server: LiveServer, sized: dict[tuple[int, int], Page], orders: None
) -> None:
    """R-IN-4: the screen pop stays short and names the caller; Ctrl+Enter registers from the
    level helper's boxes too; after an error the cursor is on the field to correct."""
    page = sized[(1366, 768)]
    sign_in(page, live_server, "1001", "zh")
    page.goto(f"{live_server.url}/tickets/new/?phone={PHONE}")
    expect(page.get_by_test_id("open-order")).to_have_count(3)
    expect(page.get_by_test_id("more-open-orders")).to_be_visible()
    expect(page.locator("#id_contact_name")).to_have_value("张丽华")

    page.locator("#lh-emotion").focus()
    page.keyboard.press("Control+Enter")  # nothing classified yet: refused, on the typed form
    expect(page.locator("#id_call_type")).to_be_focused()
    expect(page.locator("#id_contact_phone")).to_have_value(PHONE)

    page.locator("#id_call_type").select_option("E")
    page.locator("#id_title").fill("咨询宽带资费")
    page.locator("#lh-dispute").focus()
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/tickets/E-\d{8}-\d{4}/$"))
