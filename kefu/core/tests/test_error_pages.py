"""Error pages (404, 403, 500) in the site's layout, in the user's language, with a way home;
and the favicon every browser asks for."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from kefu.org.models import User

pytestmark = pytest.mark.django_db


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_unknown_page_is_a_404_in_the_site_layout_with_a_link_home(client):
    response = in_english(client).get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="error-page"' in html
    assert "Page not found" in html
    assert f'href="{reverse("home")}"' in html
    assert 'lang="en"' in html
    assert 'data-testid="language-switch"' in html


def test_the_404_page_speaks_chinese_by_default(client):
    html = client.get("/no-such-page/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "页面不存在" in html


def test_a_signed_in_user_gets_the_navigation_on_a_404(client, demo_org):
    client.force_login(User.objects.get(employee_no="1001"))
    html = in_english(client).get("/tickets/A1-19990101-0001/").content.decode()
    assert 'data-testid="error-page"' in html
    assert 'data-testid="user-menu"' in html
    assert reverse("tickets:new_phone") in html


def test_a_refused_page_is_a_403_in_the_site_layout(client, demo_org):
    client.force_login(User.objects.get(employee_no="1001"))  # an agent: no review queue
    response = in_english(client).get(reverse("tickets:list"), {"queue": "review"})
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in html
    assert "Not allowed" in html
    assert 'data-testid="user-menu"' in html


def test_the_500_page_renders_without_a_request_context(settings):
    """django.views.defaults.server_error renders 500.html with an empty context: no user, no
    context processors, nothing that could fail again while reporting a failure."""
    settings.DEBUG = False
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"]}}
    ]
    settings.TEMPLATES[0]["OPTIONS"]["context_processors"] = ["kefu.no_such.processor"]
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'data-status="500"' in html
    assert f'href="{reverse("home")}"' in html


def test_the_favicon_is_served_and_linked(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url.endswith("/kefu/favicon.ico")
    assert finders.find("kefu/favicon.ico")
    assert finders.find("kefu/favicon.svg")
    html = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in html


def test_an_error_page_does_not_echo_the_query(client, demo_org):
    """R-SEC-1: a refused user must not find the customer's number in the page (the language
    switch's return address keeps only the path on an error page)."""
    client.force_login(User.objects.get(employee_no="1043"))  # statistician: no intake
    response = client.get(reverse("tickets:screen_pop"), {"contact_phone": "13812345678"})
    assert response.status_code == 403
    assert "13812345678" not in response.content.decode()
