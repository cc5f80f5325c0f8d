"""Queue search and filters: every kind of search is an index look-up, a bad filter is flagged
without dropping the others, and the review queue puts the orders due first (R-WO-4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.tickets import actions
from kefu.tickets.models import CallType, Ticket
from kefu.tickets.search import SEQUENCE_SEARCH_DAYS, Query, _next_string, number_candidates, parse


def listed(client, **params: str) -> str:
    return client.get(reverse("tickets:list"), {"queue": "all", **params}).content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A1-20261201-0111", Query("number", "A1-20261201-0111")),
        ("a1-2026", Query("number", "A1-2026")),
        ("20261201-0111", Query("day_sequence", "20261201-0111")),
        ("20261201-111", Query("day_sequence", "20261201-0111")),
        ("0111", Query("sequence", "0111")),
        ("111", Query("sequence", "0111")),
        ("138-1234-5678", Query("phone", "+8613812345678")),
        ("1381234", Query("phone_prefix", "+861381234")),
        ("138 1234", Query("phone_prefix", "+861381234")),
        ("+86 138 1234", Query("phone_prefix", "+861381234")),
        ("010-8888", Query("phone_prefix", "+86108888")),
        ("13812", Query("words", "13812")),  # too short to be worth an index range
        ("宽带 断网", Query("words", "宽带 断网")),
        ("  ", Query("", "")),
    ],
)
def test_the_search_box_is_read_as_one_indexed_kind(text, expected):
    assert parse(text) == expected


def test_a_phone_prefix_range_ends_where_the_prefix_ends():
    assert _next_string("+861381234") == "+861381235"
    assert _next_string("+86138129") == "+8613813"


def test_a_bare_sequence_stands_for_every_type_over_the_last_days(db):
    today = timezone.localdate().strftime("%Y%m%d")
    candidates = number_candidates(Query("sequence", "0111"))
    assert len(candidates) == CallType.objects.count() * SEQUENCE_SEARCH_DAYS
    assert f"A1-{today}-0111" in candidates


def test_search_finds_an_order_by_the_end_of_its_number(org, register, as_user):
    a = register("A1", "III")
    b = register("E", "")
    day, sequence = a.number.split("-")[1:]
    client = as_user(org["manager"])
    for query in (sequence, sequence.lstrip("0"), f"{day}-{sequence}"):
        html = listed(client, q=query)
        assert a.number in html, query
        assert (b.number in html) == (b.number.endswith(f"-{sequence}")), query


def test_search_finds_an_order_by_the_first_digits_of_the_phone(org, register, as_user):
    a = register("A1", "III", contact_phone="+8613811112222")
    b = register("E", "", contact_phone="+8613911112222")
    client = as_user(org["manager"])
    html = listed(client, q="1381111")
    assert a.number in html
    assert b.number not in html


def test_the_search_help_says_what_is_searched(org, as_user):
    html = listed(as_user(org["manager"]))
    assert 'id="id_q_helptext"' in html
    assert 'aria-describedby="id_q_helptext"' in html


def test_an_inverted_date_range_is_a_field_error(org, register, as_user):
    register("E", "")
    client = as_user(org["manager"])
    response = client.get(
        reverse("tickets:list"),
        {"queue": "all", "received_from": "2026-12-02", "received_to": "2026-11-01"},
    )
    assert response.status_code == 200
    assert "received_to" in response.context["form"].errors
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_an_inverted_date_range_is_flagged_in_the_table_of_an_htmx_request(org, as_user):
    client = as_user(org["manager"])
    response = client.get(
        reverse("tickets:list"),
        {"queue": "all", "received_from": "2026-12-02", "received_to": "2026-11-01"},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_one_bad_filter_value_keeps_the_other_filters(org, register, as_user):
    complaint = register("A1", "III")
    inquiry = register("E", "")
    client = as_user(org["manager"])
    response = client.get(
        reverse("tickets:list"), {"queue": "all", "status": "bogus", "call_type": "E"}
    )
    html = response.content.decode()
    assert "status" in response.context["form"].errors
    assert inquiry.number in html
    assert complaint.number not in html


def _pending_review(register, org, due_in_minutes: int | None) -> Ticket:
    ticket = register("A1", "III")
    actions.submit_dispatch_draft(org["agent"], ticket, expected_version=None)
    due = None if due_in_minutes is None else timezone.now() + timedelta(minutes=due_in_minutes)
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)  # a clock with a known due time
    return ticket


def test_the_review_queue_lists_the_order_due_first_by_default(org, register, as_user):
    """R-WO-4: dispatched within 1 hour of receipt, so the order due soonest comes first."""
    later = _pending_review(register, org, 50)
    sooner = _pending_review(register, org, 5)
    no_clock = _pending_review(register, org, None)
    client = as_user(org["senior"])
    response = client.get(reverse("tickets:list"), {"queue": "review"})
    numbers = [t.number for t in response.context["rows"]]
    assert numbers == [sooner.number, later.number, no_clock.number]
    assert response.context["sort"] == "due"


def test_the_review_queue_keeps_an_explicit_sort(org, register, as_user):
    first = _pending_review(register, org, 5)
    second = _pending_review(register, org, 50)
    client = as_user(org["senior"])
    response = client.get(reverse("tickets:list"), {"queue": "review", "sort": "received"})
    assert [t.number for t in response.context["rows"]] == [second.number, first.number]


def test_the_review_queue_pages_from_the_dated_orders_to_the_undated(
    org, register, as_user, monkeypatch
):
    from kefu.tickets.views import queues

    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    expected = [
        _pending_review(register, org, 5).number,
        _pending_review(register, org, 10).number,
        _pending_review(register, org, None).number,
        _pending_review(register, org, None).number,
    ]
    client = as_user(org["senior"])
    seen: list[str] = []
    params = {"queue": "review"}
    for _ in range(4):
        response = client.get(reverse("tickets:list"), params)
        seen += [t.number for t in response.context["rows"]]
        if not response.context["next_cursor"]:
            break
        params = {"queue": "review", "cursor": response.context["next_cursor"]}
    assert seen == expected


def test_other_queues_still_default_to_newest_first(org, register, as_user):
    client = as_user(org["manager"])
    assert client.get(reverse("tickets:list"), {"queue": "all"}).context["sort"] == "received"
