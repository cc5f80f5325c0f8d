"""SLA fixtures: the demo staff, orders registered through the actions, and a frozen clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def cst(*args: int) -> datetime:
    """A wall-clock time in the center's time zone (Asia/Shanghai)."""
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


class FrozenTime:
    """``timezone.now()`` for the code under test; moves only when the test says so."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenTime:
    """Freeze Django's clock (``django.utils.timezone.now``, used by the actions, the sweep and
    ``auto_now`` fields) at Monday 2026-03-02 09:00 center time."""
    frozen_time = FrozenTime(cst(2026, 3, 2, 9, 0))
    monkeypatch.setattr(timezone, "now", frozen_time)
    return frozen_time


@pytest.fixture
def staff(demo_org: Any) -> dict[str, User]:
    by_no = {u.employee_no: u for u in User.objects.all()}
    return {
        "agent": by_no["1001"],
        "team_leader": by_no["1010"],
        "senior": by_no["1020"],
        "senior2": by_no["1021"],
        "hotline": by_no["1022"],
        "surveyor": by_no["1030"],
        "text_clerk": by_no["1040"],
        "statistician": by_no["1043"],
        "manager": by_no["1070"],
        "handler": by_no["2001"],
        "handler_head": by_no["2002"],
        "market_handler": by_no["2101"],
        "admin": by_no["9001"],
    }


@pytest.fixture
def register(staff: dict[str, User]) -> Callable[..., Ticket]:
    def make(type: str = "A1", level: str = "III", by: User | None = None, **fields: Any) -> Ticket:
        reg = actions.Registration(
            call_type=CallType.objects.get(code=type),
            channel=fields.pop("channel", Channel.PHONE),
            title=fields.pop("title", "宽带断网三天，要求上门维修"),
            description=fields.pop("description", "客户称家中宽带自周一起无法上网。"),
            contact_phone=fields.pop("contact_phone", "+8613812345678"),
            contact_name=fields.pop("contact_name", "陈先生"),
            level=level if CallType.objects.get(code=type).is_complaint else "",
            **fields,
        )
        return actions.register(by or staff["agent"], reg)

    return make


@pytest.fixture
def dispatched(register: Callable[..., Ticket], staff: dict[str, User]) -> Callable[..., Ticket]:
    """An order registered and dispatched at once by a senior agent (R-WO-4)."""

    def make(type: str = "A1", level: str = "III", **fields: Any) -> Ticket:
        if type == "D":
            fields.setdefault("complained_staff", User.objects.get(employee_no="1003"))
        ticket = register(type, level, **fields)
        kwargs: dict[str, Any] = {}
        if type == "D":
            kwargs["handler"] = staff["handler"]
            kwargs["department"] = staff["handler"].department
        return actions.dispatch_now(
            staff["senior"], ticket, expected_version=ticket.version, **kwargs
        )

    return make
