"""Register and take the next step in one go, in real Chromium (R-IN-1, R-WO-2, R-WO-3).

The buttons follow the route of the chosen type and level; Ctrl+Shift+Enter registers and
resolves, Alt+Enter registers and submits for review, Ctrl+Enter still only registers.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.org.demo import DEMO_PASSWORD
from kefu.tickets.choices import Status
from kefu.tickets.models import DispatchDraft, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = "18910523086"


@pytest.fixture
def intake(page: Page, live_server: LiveServer, log_in, org: object, taxonomy: None) -> Page:
    log_in("1001", "王丽")
    page.goto(f"{live_server.url}/tickets/new/?phone={PHONE}")
    return page


def test_the_buttons_follow_the_route_of_type_and_level(intake: Page) -> None:
    page = intake
    resolve, submit = (
        page.get_by_test_id("register-resolve"),
        page.get_by_test_id("register-submit"),
    )
    expect(resolve).to_be_hidden()
    expect(submit).to_be_hidden()
    page.locator("#id_call_type").select_option("E")  # the center answers an inquiry
    expect(resolve).to_be_visible()
    expect(submit).to_be_hidden()
    page.locator("#id_call_type").select_option("A1")  # a complaint: nothing before its level
    expect(resolve).to_be_hidden()
    expect(submit).to_be_hidden()
    page.locator("#id_level").select_option("III")  # on-site handling: dispatched
    expect(resolve).to_be_hidden()
    expect(submit).to_be_visible()
    page.locator("#id_level").select_option("I")
    expect(resolve).to_be_visible()
    page.locator("#id_call_type").select_option("F")  # harassment: ended politely
    expect(resolve).to_be_hidden()
    expect(submit).to_be_hidden()
    expect(page.get_by_test_id("intake-keys")).to_contain_text("Ctrl+Shift+Enter")
    expect(page.get_by_test_id("intake-keys")).to_contain_text("Alt+Enter")


def test_ctrl_shift_enter_registers_and_resolves(intake: Page) -> None:
    page = intake
    page.locator("#id_call_type").select_option("E")
    page.locator("#id_title").fill("咨询宽带资费")
    page.locator("#id_answer").fill("宽带月费 99 元，已告知客户。")
    page.keyboard.press("Control+Shift+Enter")
    expect(page).to_have_url(re.compile(r"/tickets/E-\d{8}-\d{4}/$"))
    ticket = Ticket.objects.get()
    expect(page.locator(".alert-success")).to_contain_text(ticket.number)
    assert ticket.status == Status.PENDING_CALLBACK
    assert ticket.resolution == "宽带月费 99 元，已告知客户。"


def test_alt_enter_registers_and_submits_for_review(intake: Page) -> None:
    page = intake
    page.locator("#id_call_type").select_option("A1")
    page.locator("#id_level").select_option("III")
    page.locator("#id_title").fill("宽带断网三天，要求上门维修")
    page.locator("#id_answer").fill("请尽快上门检修。")
    page.keyboard.press("Alt+Enter")
    expect(page).to_have_url(re.compile(r"/tickets/A1-\d{8}-\d{4}/$"))
    expect(page.locator(".alert-success")).to_contain_text("城市客服部")
    draft = DispatchDraft.objects.select_related("ticket", "department").get()
    assert draft.ticket.status == Status.AWAITING_REVIEW
    assert draft.department.name == "城市客服部"


def test_a_refused_step_keeps_the_form_as_typed(intake: Page) -> None:
    """No answer to resolve with: nothing registered, the error beside the answer box."""
    page = intake
    page.locator("#id_call_type").select_option("E")
    page.locator("#id_title").fill("咨询宽带资费")
    page.get_by_test_id("register-resolve").click()
    expect(page.locator("#id_answer")).to_be_focused()
    expect(page.locator("#id_title")).to_have_value("咨询宽带资费")
    expect(page.get_by_test_id("register-resolve")).to_be_visible()
    assert not Ticket.objects.exists()


def test_ctrl_enter_still_only_registers(intake: Page) -> None:
    page = intake
    page.locator("#id_call_type").select_option("E")
    page.locator("#id_title").fill("咨询宽带资费")
    page.locator("#id_answer").fill("稍后回复")
    page.keyboard.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/tickets/E-\d{8}-\d{4}/$"))
    assert Ticket.objects.get().status == Status.REGISTERED


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_buttons_fit_a_1366_laptop(
    page: Page, live_server: LiveServer, org: object, taxonomy: None, language: str
) -> None:
    """The buttons and the keys line stay on screen without a sideways scroll."""
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/login/")
    if language == "en":
        page.get_by_test_id("language-switch").locator("button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("input[name=username]").fill("1001")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    page.goto(f"{live_server.url}/tickets/new/?phone={PHONE}")
    page.locator("#id_call_type").select_option("A1")
    page.locator("#id_level").select_option("III")
    expect(page.get_by_test_id("register-submit")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    for name in ("register", "register-submit", "intake-keys"):
        box = page.get_by_test_id(name).bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= 1366, (name, box)
