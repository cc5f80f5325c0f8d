"""Register and take the next step in one go (R-IN-1, R-WO-2, R-WO-3): "register and resolve"
for what the center answers, "register and submit for review" for what the route dispatches,
each one transaction with the registration."""

from __future__ import annotations

import json
import re

from django.contrib.messages import get_messages
from django.urls import reverse

from kefu.tickets.choices import DraftKind, DraftStatus, EventKind, Status
from kefu.tickets.models import DispatchDraft, Ticket

PHONE = "18910523086"


def call(**overrides: str) -> dict[str, str]:
    data = {
        "contact_phone": PHONE,
        "contact_name": "赵女士",
        "call_type": "E",
        "level": "",
        "title": "咨询宽带资费",
        "priority": "normal",
    }
    data.update(overrides)
    return data


def only_message(response) -> str:
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    return message


def test_register_and_resolve_answers_an_inquiry_on_first_contact(org, as_user):
    """R-WO-2 E: one post registers the inquiry and resolves it with the answer typed."""
    client = as_user(org["agent"])
    response = client.post(
        reverse("tickets:new_phone"),
        call(answer="宽带月费 99 元，已告知客户。", next_step="resolve"),
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    assert ticket.status == Status.PENDING_CALLBACK
    assert ticket.resolution == "宽带月费 99 元，已告知客户。"
    assert list(ticket.events.values_list("kind", flat=True).order_by("at", "pk")) == [
        EventKind.REGISTERED,
        EventKind.RESOLVED_FIRST_CONTACT,
    ]
    assert ticket.number in only_message(response)


def test_register_and_submit_drafts_the_dispatch_to_the_routes_department(org, as_user):
    """R-WO-2 A1-III → 城市客服部, reviewed by a senior agent first (R-WO-3)."""
    client = as_user(org["agent"])
    response = client.post(
        reverse("tickets:new_phone"),
        call(
            call_type="A1",
            level="III",
            title="宽带断网三天，要求上门维修",
            answer="请尽快上门检修。",
            next_step="submit",
        ),
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.status == Status.AWAITING_REVIEW
    draft = DispatchDraft.objects.get(ticket=ticket)
    assert draft.kind == DraftKind.DISPATCH
    assert draft.status == DraftStatus.PENDING
    assert draft.department.name == "城市客服部"
    assert draft.instructions == "请尽快上门检修。"
    message = only_message(response)
    assert ticket.number in message
    assert "城市客服部" in message


def test_a_refused_resolve_registers_nothing_and_keeps_the_form_as_typed(org, as_user):
    """The answer is required to resolve: the registration is rolled back with it."""
    client = as_user(org["agent"])
    response = client.post(reverse("tickets:new_phone"), call(next_step="resolve"))
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    form = response.context["form"]
    assert form.errors["answer"]
    html = response.content.decode()
    assert 'value="咨询宽带资费"' in html
    assert f'value="{PHONE}"' in html


def test_a_step_the_route_refuses_registers_nothing_and_says_why(org, as_user):
    """R-WO-2, R-CLS-4: an A1-III complaint is dispatched, never resolved by the center."""
    client = as_user(org["agent"])
    response = client.post(
        reverse("tickets:new_phone"),
        call(call_type="A1", level="III", answer="已解释。", next_step="resolve"),
    )
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    assert response.context["form"].non_field_errors()
    assert 'value="已解释。"' not in response.content.decode()  # a textarea, not an input
    assert "已解释。" in response.content.decode()


def test_a_text_clerk_without_the_steps_only_registers(org, as_user):
    """The buttons follow the permissions the actions check; the step is refused on the server
    too, and nothing is registered."""
    client = as_user(org["text_clerk"])
    url = reverse("tickets:new", kwargs={"kind": "text"})
    html = client.get(url).content.decode()
    assert 'data-testid="register-resolve"' not in html
    assert 'data-testid="register-submit"' not in html
    response = client.post(
        url,
        call(
            channel="letter",
            received_at="2026-01-05T09:00",
            answer="已答复。",
            next_step="resolve",
        ),
    )
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    form = response.context["form"]
    assert not form.has_error("received_at")
    assert form.non_field_errors() == ["您无权对该工单执行此操作。"]


def test_plain_register_ignores_the_answer_box(org, as_user):
    client = as_user(org["agent"])
    response = client.post(reverse("tickets:new_phone"), call(answer="稍后回复"))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.status == Status.REGISTERED
    assert ticket.resolution == ""


def test_the_phone_and_text_pages_offer_the_steps_by_route(org, as_user):
    """Both buttons on the page, shown by the script per the route of type and level."""
    client = as_user(org["agent"])
    for kind in ("phone", "text"):
        html = client.get(reverse("tickets:new", kwargs={"kind": kind})).content.decode()
        assert 'name="answer"' in html
        assert 'data-testid="register-resolve"' in html
        assert 'data-testid="register-submit"' in html
        assert "Ctrl+Shift+Enter" in html
        assert "Alt+Enter" in html
        raw = re.search(r'<script id="step-routes" type="application/json">(.*?)</script>', html)
        assert raw is not None
        routes = json.loads(raw.group(1))
        assert routes["E"] == {"": "resolve"}
        assert routes["A1"] == {"I": "resolve", "II": "resolve", "III": "submit", "IV": "submit"}
        assert routes["F"] == {}


def test_the_recording_page_only_registers(org, as_user):
    html = as_user(org["agent"]).get(reverse("tickets:new", kwargs={"kind": "recording"}))
    text = html.content.decode()
    assert 'name="answer"' not in text
    assert 'data-testid="register-resolve"' not in text
