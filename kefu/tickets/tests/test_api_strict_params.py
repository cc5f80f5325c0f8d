"""The order list refuses query values it cannot use (422 naming the parameter) instead of
answering as if they had not been sent: a cursor that is not one, an unknown code, a range that
ends before it starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.tickets.tests.api_fixtures import Api


def test_a_cursor_that_is_not_one_is_refused_not_read_as_the_first_page(org):
    response = Api(org["senior"]).get("/tickets", {"cursor": "zzz"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_of_another_sort_is_refused(org, register):
    start = timezone.now() - timedelta(hours=2)
    for minutes in (0, 10):
        register("A1", "III", received_at=start + timedelta(minutes=minutes))
    api = Api(org["senior"])
    first = api.get("/tickets", {"limit": 1}).json()
    assert first["next_cursor"]
    by_received = api.get("/tickets", {"limit": 1, "cursor": first["next_cursor"]})
    assert by_received.status_code == 200
    by_due = api.get("/tickets", {"limit": 1, "sort": "due", "cursor": first["next_cursor"]})
    assert by_due.status_code == 422
    assert "cursor" in by_due.json()["errors"]
    words = api.get("/tickets", {"limit": 1, "q": "宽带", "cursor": first["next_cursor"]})
    assert words.status_code == 422


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("status", "bogus"),
        ("level", "V"),
        ("channel", "pigeon"),
        ("call_type", "ZZ"),
        ("department", "999999"),
        ("sort", "random"),
    ],
)
def test_an_unknown_code_is_refused_with_the_parameter_named(org, taxonomy, name, value):
    response = Api(org["senior"]).get("/tickets", {name: value})
    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [name]
    # Django's own message, in the caller's language (the center's default: Chinese).
    assert "有效" in body["errors"][name][0]


def test_known_codes_still_filter(org, taxonomy):
    response = Api(org["senior"]).get(
        "/tickets", {"status": "registered", "level": "III", "channel": "phone", "call_type": "A1"}
    )
    assert response.status_code == 200


def test_a_queue_the_caller_may_not_see_is_403_before_any_value_is_checked(org):
    assert Api(org["agent"]).get("/tickets", {"queue": "all"}).status_code == 403
    assert Api(org["agent"]).get("/tickets", {"queue": "nonsense"}).status_code == 403
    no_queue = Api(org["statistician"]).get("/tickets", {"status": "bogus", "cursor": "zzz"})
    assert no_queue.status_code == 403


def test_a_received_range_that_ends_before_it_starts_is_refused(org):
    response = Api(org["senior"]).get(
        "/tickets", {"received_from": "2026-12-02", "received_to": "2026-11-01"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["received_to"]
    same_day = {"received_from": "2026-12-02", "received_to": "2026-12-02"}
    assert Api(org["senior"]).get("/tickets", same_day).status_code == 200


def test_every_wrong_value_is_named_in_one_answer(org, taxonomy):
    response = Api(org["senior"]).get(
        "/tickets", {"status": "bogus", "cursor": "zzz", "sort": "random"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"status", "cursor", "sort"}
