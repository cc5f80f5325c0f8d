"""/api/v1/notifications: mine only, unread filter, mark read, preferences."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.notifications.models import Notification
from kefu.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_list_returns_mine_newest_first_with_the_unread_count(api, agent, teammate, order):
    ticket = order()
    notify([agent], "sla.warning", title="第一条")
    notify([agent], "sla.alarm", title="第二条", ticket=ticket, url="/tickets/x/")
    notify([teammate], "sla.warning", title="别人的")

    body = api(agent).get("/notifications").json()

    assert [n["title"] for n in body["items"]] == ["第二条", "第一条"]
    assert body["unread_count"] == 2
    assert body["items"][0]["ticket"] == ticket.number
    assert body["items"][0]["event"] == "sla.alarm"
    assert body["items"][0]["event_label"]
    assert body["next_cursor"] is None


def test_unread_filter_and_cursor_pages(api, agent):
    for i in range(5):
        notify([agent], "sla.warning", title=f"第{i}条")
    Notification.objects.filter(title="第4条").update(read_at="2026-01-01T00:00:00Z")
    client = api(agent)

    first = client.get("/notifications", {"unread": "true", "limit": 2}).json()
    assert [n["title"] for n in first["items"]] == ["第3条", "第2条"]
    rest = client.get(
        "/notifications", {"unread": "true", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [n["title"] for n in rest["items"]] == ["第1条", "第0条"]
    assert rest["next_cursor"] is None


def test_list_query_count_does_not_grow_with_rows(api, agent, reachable):
    client = api(agent)
    notify([agent], "sla.alarm", title="告警")
    client.get("/notifications")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications")
    for _ in range(10):
        notify([agent], "sla.alarm", title="告警")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications").status_code == 200
    assert len(many) == len(few)


def test_mark_one_read_and_all_read(api, agent):
    notify([agent], "sla.warning", title="一")
    notify([agent], "sla.warning", title="二")
    one = Notification.objects.get(title="一")
    client = api(agent)

    response = client.post(f"/notifications/{one.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.get("/notifications/unread-count").json() == {"unread_count": 1}

    assert client.post("/notifications/read-all").json() == {"marked": 1, "unread_count": 0}


def test_a_user_cannot_read_or_mark_someone_elses_notification(api, agent, teammate):
    notify([teammate], "sla.warning", title="别人的")
    theirs = Notification.objects.get()

    response = api(agent).post(f"/notifications/{theirs.pk}/read")

    assert response.status_code == 404
    assert all(n["id"] != theirs.pk for n in api(agent).get("/notifications").json()["items"])
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_preferences_read_and_written(api, agent):
    client = api(agent)
    prefs = {p["event"]: p for p in client.get("/notifications/preferences").json()}
    assert prefs["sla.alarm"] == {
        "event": "sla.alarm",
        "label": prefs["sla.alarm"]["label"],
        "in_app": True,
        "email": True,
        "sms": False,
        "customised": False,
    }

    response = client.put("/notifications/preferences", [{"event": "sla.alarm", "sms": True}])

    assert response.status_code == 200
    after = {p["event"]: p for p in response.json()}
    assert (after["sla.alarm"]["in_app"], after["sla.alarm"]["email"]) == (True, True)
    assert after["sla.alarm"]["sms"] is True
    assert after["sla.alarm"]["customised"] is True
    assert after["sla.warning"]["customised"] is False


def test_unknown_event_in_preferences_is_a_422_with_the_field(api, agent):
    response = api(agent).put("/notifications/preferences", [{"event": "sla.nope", "email": True}])

    assert response.status_code == 422
    assert "sla.nope" in response.json()["errors"]


def test_without_credentials_the_api_answers_401(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read-all").status_code == 401


def test_choosing_the_defaults_again_follows_the_defaults(api, agent):
    client = api(agent)
    client.put("/notifications/preferences", [{"event": "sla.alarm", "email": False}])

    response = client.put("/notifications/preferences", [{"event": "sla.alarm", "email": True}])

    after = {p["event"]: p for p in response.json()}
    assert after["sla.alarm"]["customised"] is False
    assert not agent.notification_preferences.exists()


def test_an_account_without_a_role_is_refused(api, outsider):
    client = api(outsider)
    assert client.get("/notifications").status_code == 403
    assert client.put("/notifications/preferences", []).status_code == 403
