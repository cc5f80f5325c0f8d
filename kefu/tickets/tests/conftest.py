"""Work-order fixtures: the demo organisation, and orders built through the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, Ticket


@pytest.fixture
def org(demo_org: Any) -> dict[str, User]:
    """The demo center's staff by role: agent, agent2, senior, senior2, handler (城市客服部),
    handler_head, market_handler (集团市场部), surveyor, manager, admin, statistician."""
    by_no = {u.employee_no: u for u in User.objects.all()}
    return {
        "agent": by_no["1001"],
        "agent2": by_no["1003"],
        "senior": by_no["1020"],
        "senior2": by_no["1021"],
        "handler": by_no["2001"],
        "handler_head": by_no["2002"],
        "market_handler": by_no["2101"],
        "surveyor": by_no["1030"],
        "manager": by_no["1070"],
        "admin": by_no["9001"],
        "statistician": by_no["1043"],
        "text_clerk": by_no["1040"],
    }


@pytest.fixture
def register(org: dict[str, User]) -> Callable[..., Ticket]:
    """register(type="A1", level="III", by=org["agent"], **fields) through actions.register."""

    def make(type: str = "A1", level: str = "III", by: User | None = None, **fields: Any) -> Ticket:
        reg = actions.Registration(
            call_type=CallType.objects.get(code=type),
            channel=fields.pop("channel", Channel.PHONE),
            title=fields.pop("title", "宽带断网三天，要求上门维修"),
            description=fields.pop("description", "客户称家中宽带自周一起无法上网，情绪激动。"),
            contact_phone=fields.pop("contact_phone", "+8613812345678"),
            contact_name=fields.pop("contact_name", "陈先生"),
            level=level,
            **fields,
        )
        return actions.register(by or org["agent"], reg)

    return make
