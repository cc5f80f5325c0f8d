"""The phone intake page around a repeat call (R-IN-4): what the agent typed survives a refusal,
the success keeps the caller's number, the screen pop stays short, and the cursor goes where the
agent types next."""

from __future__ import annotations

import re

from django.urls import reverse

from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket
from kefu.tickets.views.intake import SCREEN_POP_ORDERS

PHONE = "18910523086"


def repeat_call(number: str, **overrides: str) -> dict[str, str]:
    data = {
        "contact_phone": PHONE,
        "contact_name": "赵女士",
        "call_type": "",
        "title": "",
        "repeat_of": number,
    }
    data.update(overrides)
    return data


def autofocused(html: str) -> list[str]:
    """The names of the form fields that carry autofocus."""
    tags = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [re.search(r'name="(\w+)"', tag)[1] for tag in tags if " autofocus" in tag]


def test_an_empty_summary_on_a_repeat_call_keeps_what_the_agent_typed(org, register, as_user):
    """R-IN-4: the refusal is shown on the form as typed, not on a blank one."""
    ticket = register("A1", "III", contact_phone=f"+86{PHONE}")
    client = as_user(org["agent2"])
    response = client.post(reverse("tickets:new_phone"), repeat_call(ticket.number))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{PHONE}"' in html
    assert 'value="赵女士"' in html
    assert response.context["form"].errors["title"] == ["请填写客户本次来电内容。"]
    # Only the repeat call's own check: the registration's (call type …) are not shown.
    assert set(response.context["form"].errors) == {"title"}
    assert autofocused(html) == ["title"]
    assert not ticket.events.filter(kind=EventKind.REPEAT_CONTACT).exists()


def test_a_repeat_call_on_a_closed_order_is_refused_on_the_typed_form(org, register, as_user):
    ticket = register("E", "", contact_phone=f"+86{PHONE}")
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    client = as_user(org["agent"])
    response = client.post(
        reverse("tickets:new_phone"), repeat_call(ticket.number, title="又来电询问")
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="又来电询问"' in response.content.decode()


def test_a_repeat_call_on_an_order_the_agent_cannot_open_keeps_the_number_without_a_link(
    org, register, as_user
):
    """R-IN-4 with R-ORG-3: any agent may add the call; only one who may open it gets a link."""
    ticket = register("A1", "III", contact_phone=f"+86{PHONE}")
    client = as_user(org["agent2"])
    response = client.post(
        reverse("tickets:new_phone"), repeat_call(ticket.number, title="再次来电催促")
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('tickets:new', args=['phone'])}?phone={PHONE}"
    page = client.get(response.url)
    html = page.content.decode()
    assert ticket.number in html
    assert reverse("tickets:detail", args=[ticket.number]) not in html
    assert page.context["form"]["contact_phone"].value() == PHONE
    assert ticket.events.filter(kind=EventKind.REPEAT_CONTACT, body="再次来电催促").exists()


def test_a_repeat_call_on_an_order_the_agent_can_open_links_to_it(org, register, as_user):
    ticket = register("A1", "III", contact_phone=f"+86{PHONE}")
    client = as_user(org["agent"])  # the first-contact owner
    response = client.post(
        reverse("tickets:new_phone"), repeat_call(ticket.number, title="再次来电催促")
    )
    page = client.get(response.url)
    link = f'<a class="alert-link" href="{reverse("tickets:detail", args=[ticket.number])}">'
    assert link in page.content.decode()
    assert page.context["form"]["contact_phone"].value() == PHONE


def test_screen_pop_shows_the_newest_few_open_orders_and_counts_the_rest(org, register, as_user):
    """R-IN-4: a caller with 12 open orders must not push the helpers off the screen."""
    numbers = [register("E", "", contact_phone=f"+86{PHONE}").number for _ in range(12)]
    client = as_user(org["agent"])
    response = client.get(reverse("tickets:screen_pop"), {"contact_phone": PHONE})
    html = response.content.decode()
    assert html.count('data-testid="open-order"') == SCREEN_POP_ORDERS
    assert numbers[-1] in html  # the newest
    assert numbers[0] not in html
    assert response.context["more_open_orders"] == 12 - SCREEN_POP_ORDERS
    assert "q=%2B8618910523086" in response.context["more_url"]


def test_screen_pop_offers_the_identified_callers_name(org, register, as_user):
    register("E", "", contact_phone=f"+86{PHONE}", contact_name="赵女士")
    client = as_user(org["agent"])
    html = client.get(reverse("tickets:screen_pop"), {"contact_phone": PHONE}).content.decode()
    assert 'data-customer-name="赵女士"' in html


def test_screen_pop_does_not_offer_the_placeholder_of_a_caller_without_a_name(
    org, register, as_user
):
    register("E", "", contact_phone=f"+86{PHONE}", contact_name="")
    client = as_user(org["agent"])
    html = client.get(reverse("tickets:screen_pop"), {"contact_phone": PHONE}).content.decode()
    assert "data-customer-name" not in html


def test_the_cursor_starts_at_the_name_when_the_call_brings_the_number(org, as_user):
    client = as_user(org["agent"])
    assert autofocused(client.get(reverse("tickets:new_phone")).content.decode()) == [
        "contact_phone"
    ]
    html = client.get(reverse("tickets:new_phone"), {"phone": PHONE}).content.decode()
    assert autofocused(html) == ["contact_name"]


def test_after_a_validation_error_the_cursor_goes_to_the_first_field_in_error(org, as_user):
    client = as_user(org["agent"])
    data = {"contact_phone": PHONE, "contact_name": "赵女士", "priority": "normal", "title": ""}
    response = client.post(reverse("tickets:new_phone"), data)
    assert response.status_code == 200
    assert autofocused(response.content.decode()) == ["call_type"]


def test_the_intake_pages_title_is_its_name_and_nothing_else(org, as_user):
    """The page's script once sat in the title block, and the browser tab showed its code."""
    html = as_user(org["agent"]).get(reverse("tickets:new", kwargs={"kind": "phone"})).content
    title = re.search(r"<title>(.*?)</title>", html.decode(), re.S)
    assert title is not None
    assert title.group(1).strip() == "新建工单 · 客服系统"
