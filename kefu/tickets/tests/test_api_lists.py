"""Queues through the API: who sees which list, filters, keyset pages, a constant query count."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.tickets import actions
from kefu.tickets.tests.api_fixtures import Api, complaint


def _register_many(register, count, **fields):
    start = timezone.now() - timedelta(hours=count)
    return [
        register("A1", "III", received_at=start + timedelta(minutes=i), **fields)
        for i in range(count)
    ]


def test_cursor_pages_are_disjoint_and_cover_the_queue_newest_first(org, register):
    tickets = _register_many(register, 7)
    api = Api(org["senior"])
    seen, cursor, pages = [], "", 0
    while True:
        body = api.get("/tickets", {"limit": 3, "cursor": cursor}).json()
        seen += [row["number"] for row in body["items"]]
        pages += 1
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert seen == [t.number for t in reversed(tickets)]


def test_the_list_costs_the_same_queries_for_5_or_50_rows(
    org, register, django_assert_max_num_queries
):
    """STYLE §7: no N+1 — owner, department, handler and call type come in the one query."""
    tickets = _register_many(register, 50)
    for ticket in tickets[:10]:
        actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)
    api = Api(org["senior"])
    api.get("/tickets")  # warm-up: the first request of a test pays for one-off look-ups

    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/tickets", {"limit": limit})
        assert len(response.json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # token, roles, the two permission look-ups of Django's ModelBackend, the page itself
    with django_assert_max_num_queries(5):
        api.get("/tickets", {"limit": 50})


def test_the_default_queue_follows_the_role(org, register):
    mine = register("A1", "III", by=org["agent"])
    theirs = register("A1", "III", by=org["agent2"])
    agent_rows = [r["number"] for r in Api(org["agent"]).get("/tickets").json()["items"]]
    assert agent_rows == [mine.number]
    senior_rows = [r["number"] for r in Api(org["senior"]).get("/tickets").json()["items"]]
    assert set(senior_rows) == {mine.number, theirs.number}
    assert Api(org["handler"]).get("/tickets").json()["items"] == []


def test_a_queue_the_user_may_not_see_is_a_403(org):
    assert Api(org["agent"]).get("/tickets", {"queue": "all"}).status_code == 403
    assert Api(org["handler"]).get("/tickets", {"queue": "review"}).status_code == 403
    assert Api(org["agent"]).get("/tickets", {"queue": "nonsense"}).status_code == 403
    assert Api(org["statistician"]).get("/tickets").status_code == 403


def test_filters_and_search_narrow_the_list(org, register):
    a1 = register("A1", "III")
    inquiry = register("E", "", contact_phone="+8613900001111", title="咨询资费套餐")
    api = Api(org["senior"])

    def numbers(**params):
        return [r["number"] for r in api.get("/tickets", params).json()["items"]]

    assert numbers(call_type="E") == [inquiry.number]
    assert numbers(level="III") == [a1.number]
    assert numbers(q="139-0000-1111") == [inquiry.number]
    assert numbers(q="资费") == [inquiry.number]
    assert numbers(q=a1.number) == [a1.number]
    assert numbers(urgent="true") == []
    today = timezone.localdate().isoformat()
    assert set(numbers(received_from=today, received_to=today)) == {a1.number, inquiry.number}


def test_a_limit_over_100_is_refused(org):
    response = Api(org["senior"]).get("/tickets", {"limit": 101})
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_the_review_queue_lists_pending_drafts_oldest_first_in_pages(org, register):
    agent = Api(org["agent"])
    numbers = [agent.post("/tickets", complaint()).json()["number"] for _ in range(3)]
    drafts = [agent.move(n, "drafts").json()["pending_draft"]["id"] for n in numbers]
    senior = Api(org["senior"])
    first = senior.get("/drafts", {"limit": 2}).json()
    second = senior.get("/drafts", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [d["id"] for d in first["items"] + second["items"]] == drafts
    assert second["next_cursor"] is None
    assert first["items"][0]["ticket"] == numbers[0]
