"""The REST API of the org app: /api/v1/me, /api/v1/departments and the API docs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from kefu.org.models import Department, User
from kefu.org.roles import ROLES_BY_CODE

pytestmark = pytest.mark.django_db


# --- /api/v1/me -----------------------------------------------------------------------------


def test_me_returns_the_logged_in_staff_member(
    agent: User, login: Callable[[User], Client]
) -> None:
    response = login(agent).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["employee_no"] == "1001"
    assert body["name"] == "王丽"
    assert body["department"] == "400客服中心"
    assert body["team"] == "话务一班"
    assert body["level"] == "junior"
    assert body["roles"] == [{"code": "agent", "name": "客服专员"}]


def test_me_lists_exactly_the_permissions_of_the_roles(
    agent: User, login: Callable[[User], Client]
) -> None:
    permissions = login(agent).get("/api/v1/me").json()["permissions"]
    assert permissions == sorted(ROLES_BY_CODE["agent"].permissions)
    assert "tickets.draft_dispatch" in permissions
    assert "tickets.review" not in permissions


def test_me_for_an_account_without_a_role_lists_nothing(
    outsider: User, login: Callable[[User], Client]
) -> None:
    body = login(outsider).get("/api/v1/me").json()
    assert body["roles"] == []
    assert body["permissions"] == []
    assert body["department"] is None
    assert body["team"] is None


def test_me_names_roles_in_the_users_language(agent: User, login: Callable[[User], Client]) -> None:
    client = login(agent)
    client.post("/language/", {"language": "en", "next": "/"})
    assert client.get("/api/v1/me").json()["roles"] == [{"code": "agent", "name": "Agent"}]


def test_me_needs_authentication(client: Client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401


def test_a_read_with_the_session_needs_no_csrf_token(agent: User) -> None:
    """Session authentication checks CSRF on writes only; a GET must pass without the token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/api/v1/me").status_code == 200


# --- /api/v1/departments ----------------------------------------------------------------------


def test_departments_returns_the_tree_for_staff(
    handler: User, login: Callable[[User], Client]
) -> None:
    response = login(handler).get("/api/v1/departments")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(rows) == set(
        Department.objects.filter(is_active=True).values_list("code", flat=True)
    )
    by_id = {row["id"]: row for row in rows.values()}
    assert rows["group"]["parent_id"] is None
    assert by_id[rows["team-1"]["parent_id"]]["code"] == "center"
    assert by_id[rows["city-service"]["parent_id"]]["code"] == "group"
    assert rows["city-service"]["kind"] == "department"
    assert rows["city-service"]["head"] == "郑浩"
    assert rows["city-service"]["responsible"] == "林涛"  # R-ORG-1
    assert rows["media"]["head"] is None


def test_departments_leaves_out_inactive_ones(agent: User, login: Callable[[User], Client]) -> None:
    Department.objects.filter(code="media").update(is_active=False)
    codes = [row["code"] for row in login(agent).get("/api/v1/departments").json()]
    assert "media" not in codes


def test_departments_is_refused_to_an_account_without_a_role(
    outsider: User, login: Callable[[User], Client]
) -> None:
    assert login(outsider).get("/api/v1/departments").status_code == 403


def test_departments_needs_authentication(client: Client, org: object) -> None:
    assert client.get("/api/v1/departments").status_code == 401


def test_departments_query_count_does_not_grow_with_the_tree(
    agent: User,
    login: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = login(agent)
    client.get("/api/v1/departments")
    with django_assert_max_num_queries(10) as before:
        client.get("/api/v1/departments")
    center = Department.objects.get(code="center")
    for index in range(10):
        Department.objects.create(
            name=f"新班组{index}", code=f"extra-{index}", kind="team", parent=center, head=agent
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert len(client.get("/api/v1/departments").json()) == 23


# --- Docs -----------------------------------------------------------------------------------


def test_api_docs_are_served_to_staff(agent: User, login: Callable[[User], Client]) -> None:
    client = login(agent)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "openapi.json" in docs.content.decode()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/me" in paths
    assert "/api/v1/departments" in paths


def test_api_docs_send_an_anonymous_visitor_to_login(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
