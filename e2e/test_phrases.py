"""Standard phrases (常用语) in real Chromium: picked from the menu beside a text box, with the
keyboard or the mouse, the phrase lands in the box; the intake form offers those of the chosen
call type."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from kefu.kb import phrases
from kefu.kb.models import Phrase
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISPATCH = "请24小时内联系客户处理，需上门的预约上门，处理结果当日反馈。"


def _phrase(title: str, kind: str, text: str, call_type: str = "") -> None:
    Phrase.objects.create(
        title=title,
        text=text,
        kind=kind,
        call_type=CallType.objects.get(code=call_type) if call_type else None,
    )


@pytest.fixture
def center_phrases(taxonomy: None) -> None:
    Phrase.objects.all().delete()
    phrases.invalidate()
    _phrase("24小时内联系处理", "instructions", DISPATCH)
    _phrase("回电时间", "note", "客户要求回电时间：工作日9:00–18:00。")
    _phrase("业务办理渠道", "answer", "可到营业厅办理。", call_type="E")
    _phrase("已记录", "answer", "您反映的问题已记录。")


def test_a_phrase_picked_with_the_keyboard_or_the_mouse_goes_into_the_box(
    live_server: LiveServer,
    page: Page,
    log_in: Callable[[str, str], None],
    org: object,
    center_phrases: None,
) -> None:
    agent = User.objects.get(employee_no="1001")
    ticket = actions.register(
        agent,
        actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title="宽带断网三天",
            description="客户称家中宽带无法上网。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level="III",
        ),
    )
    log_in("1001", "王丽")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")

    # Keyboard: focus the picker, open it, move to the phrase, pick it.
    instructions = page.locator("#submit_draft-text")
    picker = page.get_by_test_id("phrases-submit_draft-text")
    picker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#submit_draft-text-phrases")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(instructions).to_have_value(DISPATCH)
    expect(instructions).to_be_focused()

    # Mouse: typed text stays, the phrase goes in at the cursor.
    note = page.locator("#note-text")
    note.fill("陈先生：")
    page.get_by_test_id("phrases-note-text").click()
    page.get_by_role("button", name="回电时间").click()
    expect(note).to_have_value("陈先生：客户要求回电时间：工作日9:00–18:00。")

    # Nothing was submitted by picking: the order is still only registered.
    expect(page.get_by_test_id("ticket-status")).to_have_text("已登记")


def test_the_intake_form_offers_the_answers_of_the_chosen_call_type(
    live_server: LiveServer,
    page: Page,
    log_in: Callable[[str, str], None],
    org: object,
    center_phrases: None,
) -> None:
    log_in("1001", "王丽")
    page.goto(f"{live_server.url}/tickets/new/")
    page.locator("#id_call_type").select_option("A1")
    page.get_by_test_id("phrases-id_answer").click()
    menu = page.locator("#id_answer-phrases")
    expect(menu.get_by_role("button", name="已记录")).to_be_visible()
    expect(menu.get_by_role("button", name="业务办理渠道")).to_be_hidden()
    page.keyboard.press("Escape")

    page.locator("#id_call_type").select_option("E")
    page.get_by_test_id("phrases-id_answer").click()
    menu.get_by_role("button", name="业务办理渠道").click()
    expect(page.locator("#id_answer")).to_have_value("可到营业厅办理。")
