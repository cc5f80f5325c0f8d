"""Callback fixtures: the demo organisation, and orders brought to the callback through the
work-order actions (never by writing rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType, RequestKind, Ticket


@pytest.fixture
def staff(demo_org: Any) -> dict[str, User]:
    """The demo center's staff by role."""
    by_no = {u.employee_no: u for u in User.objects.all()}
    return {
        "agent": by_no["1001"],
        "agent2": by_no["1003"],
        "team_leader": by_no["1010"],
        "senior": by_no["1020"],
        "senior2": by_no["1021"],
        "hotline": by_no["1022"],
        "surveyor": by_no["1030"],
        "editor": by_no["1042"],
        "statistician": by_no["1043"],
        "manager": by_no["1070"],
        "handler": by_no["2001"],
        "handler_head": by_no["2002"],
        "admin": by_no["9001"],
    }


@pytest.fixture
def register(staff: dict[str, User]) -> Callable[..., Ticket]:
    def make(type: str = "A1", level: str = "III", by: User | None = None, **fields: Any) -> Ticket:
        kind = fields.pop("request_kind", None)
        reg = actions.Registration(
            call_type=CallType.objects.get(code=type),
            channel=fields.pop("channel", Channel.PHONE),
            title=fields.pop("title", "宽带断网三天，要求上门维修"),
            description=fields.pop("description", "客户称家中宽带自周一起无法上网。"),
            contact_phone=fields.pop("contact_phone", "+8613812345678"),
            contact_name=fields.pop("contact_name", "陈先生"),
            level=level,
            request_kind=RequestKind.objects.get(code=kind) if kind else None,
            **fields,
        )
        return actions.register(by or staff["agent"], reg)

    return make


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def dispatched_to_callback(
    staff: dict[str, User], register: Callable[..., Ticket]
) -> Callable[..., Ticket]:
    """An A1-III order dispatched to 城市客服部, handled, fed back and confirmed: awaiting its
    callback."""

    def make(**fields: Any) -> Ticket:
        ticket = register(**fields)
        draft = actions.submit_dispatch_draft(staff["agent"], ticket, expected_version=None)
        actions.approve_draft(staff["senior"], draft, expected_version=None)
        return handled(staff, ticket)

    return make


def handled(staff: dict[str, User], ticket: Ticket) -> Ticket:
    """From dispatched to confirmed: the handler accepts and feeds back, the agent confirms."""
    ticket = fresh(ticket)
    actions.accept(ticket.handler, ticket, expected_version=None)
    actions.feed_back(
        ticket.handler,
        fresh(ticket),
        actions.Feedback(
            contacted_at=timezone.now(), solution="已上门更换光猫", effect="已恢复上网"
        ),
        expected_version=None,
    )
    actions.confirm(staff["agent"], fresh(ticket), expected_version=None)
    return fresh(ticket)


@pytest.fixture
def resolved_to_callback(
    staff: dict[str, User], register: Callable[..., Ticket]
) -> Callable[..., Ticket]:
    """An A1-I complaint resolved by the center on first contact: awaiting its callback."""

    def make(**fields: Any) -> Ticket:
        ticket = register(level=fields.pop("level", "I"), **fields)
        actions.resolve_first_contact(
            staff["agent"], ticket, "已向客户解释资费构成", expected_version=None
        )
        return fresh(ticket)

    return make
