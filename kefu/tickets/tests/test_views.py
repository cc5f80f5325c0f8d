"""The agent workspace pages: intake with screen pop, queues, the order page and its moves."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kefu.tickets import actions
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Attachment, Ticket


def phone_form(**overrides):
    data = {
        "contact_phone": "138-1234-5678",
        "contact_name": "陈先生",
        "call_type": "A1",
        "level": "III",
        "priority": "normal",
        "title": "宽带断网三天",
        "description": "要求上门维修",
    }
    data.update(overrides)
    return data


def test_agent_registers_a_phone_complaint_and_lands_on_the_order(org, as_user):
    """R-IN-1, R-IN-3: the number is normalised and the agent is the first-contact owner."""
    client = as_user(org["agent"])
    response = client.post(reverse("tickets:new_phone"), phone_form())
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("tickets:detail", args=[ticket.number])
    assert ticket.contact_phone == "+8613812345678"
    assert ticket.owner == org["agent"]
    page = client.get(response.url)
    assert ticket.number in page.content.decode()


def test_missing_level_and_bad_phone_show_field_errors_in_chinese(org, as_user):
    client = as_user(org["agent"])
    response = client.post(reverse("tickets:new_phone"), phone_form(level="", contact_phone="12"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "不是有效的电话号码" in html
    assert Ticket.objects.count() == 0
    response = client.post(reverse("tickets:new_phone"), phone_form(level=""))
    assert "投诉需要选择级别" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_text_entry_needs_the_time_received(org, as_user):
    """R-IN-2: text-form contacts carry their own received-at time."""
    client = as_user(org["text_clerk"])
    url = reverse("tickets:new", kwargs={"kind": "text"})
    response = client.post(url, phone_form(channel="letter"))
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    response = client.post(url, phone_form(channel="letter", received_at="2026-11-20T09:30"))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "letter"
    assert ticket.received_at.isoformat().startswith("2026-11-20T01:30")  # 09:30 Shanghai in UTC


def test_recording_clerk_attaches_the_recording(org, as_user):
    client = as_user(org["agent"])
    audio = SimpleUploadedFile("voicemail.wav", b"RIFF....WAVE", content_type="audio/wav")
    url = reverse("tickets:new", kwargs={"kind": "recording"})
    response = client.post(
        url, {**phone_form(), "received_at": "2026-11-20T09:30", "recording": audio}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "recording"
    assert Attachment.objects.get(ticket=ticket).name == "voicemail.wav"
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = client.post(
        url, {**phone_form(), "received_at": "2026-11-20T09:30", "recording": text}
    )
    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_screen_pop_shows_the_callers_open_orders_in_any_spelling(org, register, as_user):
    """R-IN-4: the caller's open orders appear as soon as the number is known."""
    ticket = register("A1", "III", contact_phone="+8613812345678")
    client = as_user(org["agent2"])
    response = client.get(reverse("tickets:screen_pop"), {"contact_phone": "+86 138 1234 5678"})
    assert ticket.number in response.content.decode()


def test_a_repeat_call_is_added_to_the_open_order_not_registered_again(org, register, as_user):
    """R-IN-4."""
    ticket = register("A1", "III")
    client = as_user(org["agent2"])
    response = client.post(
        reverse("tickets:new_phone"), phone_form(repeat_of=ticket.number, title="再次来电催促")
    )
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert ticket.events.filter(kind=EventKind.REPEAT_CONTACT, body="再次来电催促").exists()


def test_handler_of_another_department_gets_404_on_the_order(org, register, as_user):
    """R-ORG-3."""
    ticket = register("A1", "III")
    actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    assert (
        as_user(org["market_handler"])
        .get(reverse("tickets:detail", args=[ticket.number]))
        .status_code
        == 404
    )
    assert (
        as_user(org["handler"]).get(reverse("tickets:detail", args=[ticket.number])).status_code
        == 200
    )


def test_order_page_offers_only_the_moves_the_user_may_make(org, register, as_user):
    ticket = register("A1", "III")
    html = (
        as_user(org["agent"]).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    )
    assert 'data-testid="move-submit_draft"' in html
    assert 'data-testid="move-dispatch"' not in html  # R-WO-3: agents do not dispatch
    assert 'data-testid="move-resolve_first_contact"' not in html  # III must be dispatched
    html = (
        as_user(org["senior"]).get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    )
    assert 'data-testid="move-dispatch"' in html


def test_moves_through_the_page_and_a_stale_form_is_refused(org, register, as_user):
    """Two people on one order: the second submit names who changed it; nothing is overwritten."""
    ticket = register("A1", "III")
    agent = as_user(org["agent"])
    url = reverse("tickets:move", args=[ticket.number, "submit_draft"])
    response = agent.post(url, {"version": ticket.version, "text": "请尽快上门"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.AWAITING_REVIEW

    senior = as_user(org["senior"])
    stale = senior.post(
        reverse("tickets:move", args=[ticket.number, "approve_draft"]),
        {"version": ticket.version - 1},
        follow=True,
    )
    assert org["agent"].name in stale.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.AWAITING_REVIEW
    senior.post(
        reverse("tickets:move", args=[ticket.number, "approve_draft"]),
        {"version": ticket.version, "text": "请尽快上门"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED


def test_queues_show_each_persona_their_work(org, register, as_user):
    mine = register("A1", "III")
    actions.submit_dispatch_draft(org["agent"], mine, expected_version=mine.version)
    other = register("E", "", by=org["agent2"])
    html = as_user(org["agent"]).get(reverse("tickets:list"), {"queue": "mine"}).content.decode()
    assert mine.number in html
    assert other.number not in html
    review = (
        as_user(org["senior"]).get(reverse("tickets:list"), {"queue": "review"}).content.decode()
    )
    assert mine.number in review
    assert other.number not in review
    assert (
        as_user(org["agent"]).get(reverse("tickets:list"), {"queue": "review"}).status_code == 403
    )


def test_search_finds_by_number_phone_and_chinese_words(org, register, as_user):
    a = register("A1", "III", title="宽带断网三天", contact_phone="+8613811112222")
    b = register("E", "", title="咨询套餐资费", contact_phone="+8613933334444")
    client = as_user(org["manager"])
    for query, expected, absent in [
        (a.number, a, b),
        ("139-3333-4444", b, a),
        ("断网", a, b),
        ("套餐 资费", b, a),
    ]:
        html = client.get(reverse("tickets:list"), {"queue": "all", "q": query}).content.decode()
        assert expected.number in html, query
        assert absent.number not in html, query


def test_list_query_count_does_not_grow_with_rows(
    org, register, as_user, django_assert_max_num_queries
):
    for _ in range(3):
        register("A1", "III")
    client = as_user(org["manager"])
    client.get(reverse("tickets:list"), {"queue": "all"})  # warm caches
    with django_assert_max_num_queries(8):
        client.get(reverse("tickets:list"), {"queue": "all"})
    for _ in range(10):
        register("A1", "III")
    with django_assert_max_num_queries(8):
        client.get(reverse("tickets:list"), {"queue": "all"})


def test_pages_of_older_orders_do_not_overlap(org, register, as_user, monkeypatch):
    from kefu.tickets.views import queues

    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    numbers = {register("E", "").number for _ in range(5)}
    client = as_user(org["manager"])
    seen: list[str] = []
    params = {"queue": "all"}
    for _ in range(3):
        response = client.get(reverse("tickets:list"), params)
        seen += [n for n in numbers if n in response.content.decode()]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
        params = {"queue": "all", "cursor": cursor}
    assert sorted(seen) == sorted(numbers)


def test_editing_details_records_what_changed_and_refuses_a_stale_form(org, register, as_user):
    """Two people editing one order: the second gets "changed by X, reload"."""
    ticket = register("A1", "III")
    url = reverse("tickets:move", args=[ticket.number, "edit"])
    form = {
        "version": ticket.version,
        "title": "宽带断网四天",
        "description": ticket.description,
        "level": "IV",
        "priority": "high",
        "contact_name": ticket.contact_name,
    }
    as_user(org["agent"]).post(url, form)
    ticket.refresh_from_db()
    assert (ticket.title, ticket.level, ticket.priority) == ("宽带断网四天", "IV", "high")
    event = ticket.events.get(kind=EventKind.EDITED)
    assert event.data["changed"]["level"] == ["III", "IV"]

    page = as_user(org["senior"]).post(url, {**form, "title": "别的标题"}, follow=True)
    assert org["agent"].name in page.content.decode()
    ticket.refresh_from_db()
    assert ticket.title == "宽带断网四天"


def test_a_file_attached_on_the_order_page_appears_on_the_timeline(org, register, as_user):
    ticket = register("A1", "III")
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    client = as_user(org["agent"])
    client.post(
        reverse("tickets:move", args=[ticket.number, "attach"]),
        {"version": ticket.version, "file": upload, "text": "客户提供"},
    )
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.event.kind == EventKind.ATTACHMENT
    html = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "现场照片.jpg" in html


def test_phone_entry_time_is_measured_from_opening_the_form(org, as_user):
    """R-IN-3: the agent's entry (after-call work) time is kept with the registration."""
    from datetime import timedelta

    from django.utils import timezone

    opened = (timezone.now() - timedelta(seconds=95)).isoformat()
    as_user(org["agent"]).post(reverse("tickets:new_phone"), phone_form(opened_at=opened))
    event = Ticket.objects.get().events.get(kind=EventKind.REGISTERED)
    assert 95 <= event.data["entry_seconds"] < 120
