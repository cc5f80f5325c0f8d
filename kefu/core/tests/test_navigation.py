"""The main navigation shows only what the user's roles open (kefu.core.navigation)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from kefu.core.navigation import MAIN_NAV, items_for
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def nav_urls(user: User) -> set[str]:
    return {item.url_name for item in items_for(user)}


def test_every_entry_names_a_page_that_exists() -> None:
    for item in MAIN_NAV:
        assert item.url.startswith("/")


def test_agent_sees_the_workspace_but_not_administration(agent: User) -> None:
    urls = nav_urls(agent)
    assert {"home", "org:directory"} <= urls
    assert not urls & {"admin:index", "api-1:openapi-view"}


def test_administrator_also_sees_administration_and_the_api(administrator: User) -> None:
    assert {"home", "org:directory", "admin:index", "api-1:openapi-view"} <= nav_urls(administrator)


@pytest.mark.parametrize(
    "persona", ["agent", "senior_agent", "team_leader", "handler", "administrator"]
)
def test_nobody_sees_a_link_to_a_page_they_would_be_refused(
    persona: str, request: pytest.FixtureRequest, login: Callable[[User], Client]
) -> None:
    user: User = request.getfixturevalue(persona)
    client = login(user)
    for item in items_for(user):
        assert client.get(item.url).status_code == 200, item.url


@pytest.mark.parametrize("persona", ["agent", "senior_agent", "team_leader", "handler", "outsider"])
def test_only_administrators_see_administration(
    persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    assert "admin:index" not in nav_urls(user)


def test_an_account_without_a_role_sees_no_entries(outsider: User) -> None:
    assert items_for(outsider) == []


def test_an_anonymous_visitor_sees_no_entries() -> None:
    assert items_for(AnonymousUser()) == []


def test_the_rendered_menu_shows_administration_to_an_administrator(
    administrator: User, login: Callable[[User], Client]
) -> None:
    html = login(administrator).get("/").content.decode()
    assert "系统管理" in html
    assert 'href="/admin/"' in html


def test_the_rendered_menu_hides_administration_from_an_agent(
    agent: User, login: Callable[[User], Client]
) -> None:
    html = login(agent).get("/").content.decode()
    assert "系统管理" not in html
    assert 'href="/admin/"' not in html
    assert 'href="/org/"' in html


def test_the_rendered_menu_shows_administration_in_english(
    administrator: User, login: Callable[[User], Client]
) -> None:
    client = login(administrator)
    client.post("/language/", {"language": "en", "next": "/"})
    assert ">Administration</a>" in client.get("/").content.decode()


def test_the_current_section_is_marked_active(agent: User, login: Callable[[User], Client]) -> None:
    html = login(agent).get("/org/").content.decode()
    assert 'class="nav-link active" aria-current="page" href="/org/"' in html


def test_agent_cannot_open_admin_site(agent: User, login: Callable[[User], Client]) -> None:
    """Refused outright, not bounced between the admin and the login page forever."""
    response = login(agent).get("/admin/", follow=True)
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["agent", "senior_agent", "team_leader", "handler", "outsider"])
def test_nobody_but_an_administrator_can_open_the_admin_site(
    persona: str, request: pytest.FixtureRequest, login: Callable[[User], Client]
) -> None:
    client = login(request.getfixturevalue(persona))
    for url in ("/admin/", "/admin/org/user/", "/admin/axes/accessattempt/"):
        assert client.get(url, follow=True).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_the_one_login_page(client: Client) -> None:
    response = client.get("/admin/org/user/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/org/user/"


def test_administrator_logging_in_from_the_admin_site_lands_in_it(
    client: Client, administrator: User
) -> None:
    client.get("/admin/", follow=True)
    response = client.post(
        "/login/", {"username": "9001", "password": "Kefu-demo-2026", "next": "/admin/"}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_administrator_opens_the_admin_site_without_the_is_staff_flag(
    administrator: User, login: Callable[[User], Client]
) -> None:
    assert not administrator.is_staff
    client = login(administrator)
    assert client.get("/admin/").status_code == 200
    staff_list = client.get("/admin/org/user/")
    assert staff_list.status_code == 200
    assert "王丽" in staff_list.content.decode()
    assert client.get("/admin/org/department/").status_code == 200
