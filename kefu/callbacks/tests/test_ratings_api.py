"""R-CB-5: the post-call rating from the telephony side, through the API with a token."""

from __future__ import annotations

import json

from django.test import Client

from kefu.callbacks.models import PostCallRating
from kefu.org.tokens import issue_token


def _post(user, body):
    key = issue_token(user, "telephony")[1]
    return Client().post(
        "/api/v1/callbacks/ratings",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_r_cb_5_rating_is_stored_with_the_order(staff, register):
    ticket = register(type="E", level="")
    response = _post(staff["agent"], {"score": 5, "ticket_number": ticket.number, "call_id": "c1"})
    assert response.status_code == 201, response.content
    assert response.json()["ticket_number"] == ticket.number
    rating = PostCallRating.objects.get()
    assert (rating.ticket, rating.score, rating.agent) == (ticket, 5, staff["agent"])
    assert ticket.events.filter(data__kind="post_call_rating", data__score=5).exists()


def test_r_cb_5_rating_by_call_id_alone_and_repeat_is_idempotent(staff):
    first = _post(staff["agent"], {"score": 3, "call_id": "call-42"})
    again = _post(staff["agent"], {"score": 3, "call_id": "call-42"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert PostCallRating.objects.count() == 1
    conflict = _post(staff["agent"], {"score": 1, "call_id": "call-42"})
    assert conflict.status_code == 422
    assert "call_id" in conflict.json()["errors"]


def test_r_cb_5_bad_input_is_422_with_field_messages(staff):
    response = _post(staff["agent"], {"score": 9, "call_id": "x"})
    assert response.status_code == 422
    assert "score" in response.json()["errors"]
    response = _post(staff["agent"], {"score": 4})
    assert response.status_code == 422
    assert "ticket_number" in response.json()["errors"]
    response = _post(staff["agent"], {"score": 4, "ticket_number": "A1-00000000-0000"})
    assert response.status_code == 422
    assert "ticket_number" in response.json()["errors"]


def test_r_cb_5_needs_a_token_and_the_permission(staff):
    anonymous = Client().post(
        "/api/v1/callbacks/ratings", json.dumps({"score": 5}), content_type="application/json"
    )
    assert anonymous.status_code == 401
    assert _post(staff["handler"], {"score": 5, "call_id": "c9"}).status_code == 403
    assert not PostCallRating.objects.exists()


def test_r_cb_2_attempts_and_queue_through_the_api(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    key = issue_token(staff["surveyor"], "t")[1]
    client = Client(headers={"Authorization": f"Bearer {key}"})
    queue = client.get("/api/v1/callbacks/queue").json()
    assert [row["number"] for row in queue] == [ticket.number]
    for outcome in ("no_answer", "busy"):
        r = client.post(
            f"/api/v1/callbacks/orders/{ticket.number}/attempts",
            json.dumps({"outcome": outcome}),
            content_type="application/json",
        )
        assert r.status_code == 201
        assert r.json()["may_close_unreachable"] is False
    r = client.post(
        f"/api/v1/callbacks/orders/{ticket.number}/attempts",
        json.dumps({"outcome": "wrong_number"}),
        content_type="application/json",
    )
    assert r.json()["may_close_unreachable"] is True
    r = client.post(
        f"/api/v1/callbacks/orders/{ticket.number}/unreachable",
        json.dumps({"reason": "空号"}),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["status"] == "unreachable"
    assert client.get("/api/v1/callbacks/queue").json() == []


def test_r_cb_5_a_rating_from_the_future_is_refused_and_times_are_answered_in_utc(staff):
    future = _post(staff["agent"], {"score": 4, "call_id": "f1", "rated_at": "2030-01-01T09:00"})
    assert future.status_code == 422
    assert "rated_at" in future.json()["errors"]
    assert not PostCallRating.objects.exists()
    past = _post(
        staff["agent"], {"score": 4, "call_id": "p1", "rated_at": "2026-11-30T20:00:00+08:00"}
    )
    assert past.status_code == 201
    assert past.json()["rated_at"] == "2026-11-30T12:00:00Z"
