"""The UI language: the center's zh-hans unless the user switches (kefu.core.middleware)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from kefu.org.models import User

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(
    client: Client, language: str, next_url: str = "/login/"
) -> Any:  # the test client's response
    return client.post("/language/", {"language": language, "next": next_url})


def test_the_center_language_is_simplified_chinese_even_for_an_english_browser(
    client: Client,
) -> None:
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "Log in" not in html


def test_switching_to_english_sets_a_cookie_and_returns_to_the_page(client: Client) -> None:
    response = switch(client, "en", "/login/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert response.cookies[COOKIE].value == "en"
    page = client.get("/login/")
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()


def test_switching_back_to_chinese(client: Client) -> None:
    switch(client, "en")
    switch(client, "zh-hans")
    assert "登录" in client.get("/login/").content.decode()


def test_a_logged_in_users_choice_is_saved_on_the_account(
    agent: User, login: Callable[[User], Client]
) -> None:
    client = login(agent)
    switch(client, "en", "/")
    agent.refresh_from_db()
    assert agent.language == "en"
    assert "Hello, 王丽" in client.get("/").content.decode()


def test_the_saved_choice_follows_the_user_to_another_browser(
    agent: User, login: Callable[[User], Client]
) -> None:
    switch(login(agent), "en", "/")
    other_browser = Client()
    other_browser.force_login(agent)
    response = other_browser.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "en"
    assert "Hello, 王丽" in response.content.decode()


def test_the_saved_choice_wins_over_the_cookie(
    agent: User, login: Callable[[User], Client]
) -> None:
    agent.language = "en"
    agent.save(update_fields=["language"])
    client = login(agent)
    client.cookies[COOKIE] = "zh-hans"
    assert client.get("/")["Content-Language"] == "en"


@pytest.mark.parametrize("code", ["fr", "zh-hant", "", "en-XX", "<script>"])
def test_an_unsupported_language_is_ignored(
    code: str, agent: User, login: Callable[[User], Client]
) -> None:
    client = login(agent)
    response = switch(client, code, "/")
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    agent.refresh_from_db()
    assert agent.language == ""
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_an_unsupported_language_cookie_is_ignored(client: Client) -> None:
    client.cookies[COOKIE] = "fr"
    assert client.get("/login/")["Content-Language"] == "zh-hans"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://evil.example/login/",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_next_refuses_off_site_redirects(target: str, client: Client) -> None:
    response = switch(client, "en", target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_next_keeps_a_path_with_its_query(client: Client) -> None:
    response = switch(client, "en", "/org/?q=1")
    assert response["Location"] == "/org/?q=1"


def test_switching_language_is_a_post(client: Client) -> None:
    assert client.get("/language/?language=en").status_code == 405


def test_switching_language_needs_the_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert switch(client, "en").status_code == 403


def test_the_language_cookie_is_http_only_and_lax() -> None:
    response = switch(Client(), "en")
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
