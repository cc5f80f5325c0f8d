"""Standard phrases (常用语): the picker beside each text box offers the active phrases of the
box's kind for the order's call type and the general ones, read once per page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.kb import phrases
from kefu.kb.choices import MOVE_PHRASE_KINDS, PhraseKind
from kefu.kb.models import Phrase
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, Ticket
from kefu.tickets.views.move_table import MOVES, TEXT_LABELS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_phrases() -> Iterator[None]:
    """A rolled-back test's phrases must not live on in the in-memory snapshot."""
    phrases.invalidate()
    yield
    phrases.invalidate()


def phrase(title: str, kind: str, call_type: str = "", active: bool = True) -> Phrase:
    return Phrase.objects.create(
        title=title,
        text=f"{title}的内容。",
        kind=kind,
        call_type=CallType.objects.get(code=call_type) if call_type else None,
        is_active=active,
    )


def register(agent: User, call_type: str = "A1") -> Ticket:
    return actions.register(
        agent,
        actions.Registration(
            call_type=CallType.objects.get(code=call_type),
            channel=Channel.PHONE,
            title="宽带断网三天，要求上门维修",
            description="客户称家中宽带自周一起无法上网。",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level="III",
        ),
    )


def order_page(client: Any, ticket: Ticket) -> str:
    return client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()


def move_box(html: str, move: str) -> str:
    return html.split(f'data-testid="move-{move}"', 1)[1].split("</form>", 1)[0]


def offered(html: str) -> list[str]:
    return re.findall(r'data-phrase-text="([^"]*)"', html)


def test_every_mapped_move_is_a_move_with_a_text_box() -> None:
    for move in MOVE_PHRASE_KINDS:
        assert move in MOVES
        assert move in TEXT_LABELS or move == "feedback"  # feedback's box is its solution


def test_the_seed_gives_the_center_its_everyday_phrases() -> None:
    seeded = Phrase.objects.filter(is_active=True)
    assert seeded.filter(
        kind=PhraseKind.INSTRUCTIONS,
        text="请24小时内联系客户处理，需上门的预约上门，处理结果当日反馈。",
        call_type=None,
    ).exists()
    assert {p.kind for p in seeded} == set(PhraseKind.values)


def test_a_move_offers_its_kind_for_the_orders_call_type_and_the_general_ones(
    agent: User, login: Callable[[User], Any]
) -> None:
    Phrase.objects.all().delete()
    phrase("通用派单", PhraseKind.INSTRUCTIONS)
    phrase("投诉派单", PhraseKind.INSTRUCTIONS, call_type="A1")
    phrase("营销派单", PhraseKind.INSTRUCTIONS, call_type="B")
    phrase("通用备注", PhraseKind.NOTE)
    ticket = register(agent, "A1")

    html = order_page(login(agent), ticket)

    assert sorted(offered(move_box(html, "submit_draft"))) == [
        "投诉派单的内容。",
        "通用派单的内容。",
    ]
    assert offered(move_box(html, "note")) == ["通用备注的内容。"]
    assert 'data-phrase-target="submit_draft-text"' in html


def test_an_inactive_phrase_is_not_offered(agent: User, login: Callable[[User], Any]) -> None:
    Phrase.objects.all().delete()
    phrase("在用", PhraseKind.INSTRUCTIONS)
    phrase("停用", PhraseKind.INSTRUCTIONS, active=False)
    ticket = register(agent)

    html = order_page(login(agent), ticket)

    assert offered(move_box(html, "submit_draft")) == ["在用的内容。"]


def test_a_box_without_phrases_of_its_kind_has_no_picker(
    agent: User, login: Callable[[User], Any]
) -> None:
    Phrase.objects.all().delete()
    phrase("通用备注", PhraseKind.NOTE)
    ticket = register(agent)

    html = order_page(login(agent), ticket)

    assert "data-phrase-picker" not in move_box(html, "submit_draft")
    assert "data-phrase-picker" in move_box(html, "note")


def test_the_order_page_reads_the_phrases_once_whatever_the_number_of_boxes(
    agent: User, login: Callable[[User], Any]
) -> None:
    for kind in PhraseKind.values:
        phrase(f"测试{kind}", kind)
    ticket = register(agent)
    client = login(agent)

    with CaptureQueriesContext(connection) as cold:
        html = order_page(client, ticket)
    with CaptureQueriesContext(connection) as warm:
        order_page(client, ticket)

    assert html.count("data-phrase-picker") >= 3  # instructions, answer or note, contact …
    assert len([q for q in cold.captured_queries if "kb_phrase" in q["sql"]]) == 1
    assert not [q for q in warm.captured_queries if "kb_phrase" in q["sql"]]


def test_the_intake_form_offers_answers_and_instructions_marked_with_their_call_type(
    agent: User, login: Callable[[User], Any]
) -> None:
    Phrase.objects.all().delete()
    phrase("通用答复", PhraseKind.ANSWER)
    phrase("咨询答复", PhraseKind.ANSWER, call_type="E")
    phrase("通用派单", PhraseKind.INSTRUCTIONS)
    phrase("通用备注", PhraseKind.NOTE)

    html = login(agent).get("/tickets/new/", follow=True).content.decode()

    picker = html.split("data-phrase-picker", 1)[1].split("</ul>", 1)[0]
    assert 'data-phrase-target="id_answer"' in html
    assert sorted(offered(picker)) == ["咨询答复的内容。", "通用派单的内容。", "通用答复的内容。"]
    assert 'data-call-type="E"' in picker


def test_a_saved_phrase_is_offered_at_once(agent: User, login: Callable[[User], Any]) -> None:
    Phrase.objects.all().delete()
    ticket = register(agent)
    client = login(agent)
    assert "data-phrase-picker" not in move_box(order_page(client, ticket), "note")

    phrase("新备注", PhraseKind.NOTE)

    assert offered(move_box(order_page(client, ticket), "note")) == ["新备注的内容。"]


@pytest.mark.parametrize(("who", "status"), [("administrator", 200), ("agent", 302)])
def test_administrators_edit_phrases_in_the_admin_site(
    request: pytest.FixtureRequest, login: Callable[[User], Any], who: str, status: int
) -> None:
    user = request.getfixturevalue(who)
    response = login(user).get(reverse("admin:kb_phrase_changelist"))
    assert response.status_code == status  # the agent is sent to the admin login, which refuses


def test_the_handlers_return_reason_is_not_offered_the_centers_reasons(db):
    """The reason phrases are the center's (send back, reopen, withdraw); a handler returning a
    misrouted order writes their own."""
    assert phrases.phrases_for_move("return_to_center", None) == []
    assert phrases.phrases_for_move("send_back_feedback", None)
