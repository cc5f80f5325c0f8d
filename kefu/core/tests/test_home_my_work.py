"""The home page puts 待我处理 / Waiting for me first: how many orders wait on the person, with a
link to that queue."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType

pytestmark = pytest.mark.django_db


def register(by: User, code: str = "A1", level: str = "III") -> None:
    actions.register(
        by,
        actions.Registration(
            call_type=CallType.objects.get(code=code),
            channel=Channel.PHONE,
            title="宽带断网三天，要求上门维修",
            description="",
            contact_phone="+8613812345678",
            contact_name="陈先生",
            level=level,
        ),
    )


def test_home_shows_the_waiting_count_first_with_its_link(
    agent: User, login: Callable[[User], Client], taxonomy: None
) -> None:
    register(agent)
    register(agent)
    response = login(agent).get("/")
    rows = response.context["queues"]
    assert rows[0]["queue"].code == "waiting"
    assert rows[0]["count"] == 2
    html = response.content.decode()
    assert 'href="/tickets/?queue=waiting"' in html
    assert html.index('data-queue="waiting"') < html.index('data-queue="mine"')


def test_a_handler_home_counts_what_waits_on_them_not_the_whole_department(
    login: Callable[[User], Client], taxonomy: None, org: object
) -> None:
    handler = User.objects.get(employee_no="2001")
    response = login(handler).get("/")
    codes = [row["queue"].code for row in response.context["queues"]]
    assert codes[0] == "waiting"
    assert response.context["queues"][0]["count"] == 0
