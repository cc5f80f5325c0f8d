"""Personas shared by every test: built through the app's own functions, never by hand-made rows.

The demo organisation (``kefu.org.demo.load_org``) is the fixture world: a 400 center with
agents in two teams, senior agents, a team leader per team, department handlers in the other
departments and an administrator. The outsider is an active account that holds no role.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from kefu.org.demo import DEMO_PASSWORD, DemoStaff, load_org
from kefu.org.models import User

PASSWORD = DEMO_PASSWORD


@pytest.fixture
def org(db: None) -> list[DemoStaff]:
    """The demo organisation, loaded the way ``kefu demo`` loads it."""
    return load_org()


def _staff(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


@pytest.fixture
def agent(org: list[DemoStaff]) -> User:
    """王丽 (1001), agent 客服专员 in 话务一班 of the 400 center."""
    return _staff("1001")


@pytest.fixture
def teammate(org: list[DemoStaff]) -> User:
    """李娜 (1002), another agent of 话务一班."""
    return _staff("1002")


@pytest.fixture
def other_team_agent(org: list[DemoStaff]) -> User:
    """张伟 (1003), an agent of 话务二班."""
    return _staff("1003")


@pytest.fixture
def senior_agent(org: list[DemoStaff]) -> User:
    """赵敏 (1020), senior agent 高级话务员 in 投诉处理席."""
    return _staff("1020")


@pytest.fixture
def team_leader(org: list[DemoStaff]) -> User:
    """陈静 (1010), team leader 班长 of 话务一班."""
    return _staff("1010")


@pytest.fixture
def handler(org: list[DemoStaff]) -> User:
    """林涛 (2001), department handler 部门责任人 of 城市客服部, outside the center."""
    return _staff("2001")


@pytest.fixture
def administrator(org: list[DemoStaff]) -> User:
    """唐宇 (9001), system administrator 系统管理员."""
    return _staff("9001")


@pytest.fixture
def outsider(db: None) -> User:
    """An active account with no role: it may log in but Kefu grants it nothing."""
    return User.objects.create_user("8001", PASSWORD, name="路人甲")


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fresh_taxonomy_snapshot():
    """Each test's rolled-back rows must not live on in the in-memory snapshots (taxonomy, SLA
    policies and calendar overrides)."""
    from kefu.sla import snapshot as sla_snapshot
    from kefu.tickets import taxonomy

    taxonomy.invalidate()
    sla_snapshot.invalidate()
    yield
    taxonomy.invalidate()
    sla_snapshot.invalidate()


@pytest.fixture
def taxonomy(db):
    """The seeded call types and routing rules, put back if a transactional test flushed them.

    They come from a data migration; a TransactionTestCase-style test that ran earlier empties
    every table, migration data included. The seed is idempotent (get_or_create).
    """
    import importlib

    from django.apps import apps

    from kefu.tickets import taxonomy as taxonomy_cache

    importlib.import_module("kefu.tickets.migrations.0002_seed_taxonomy").seed(apps, None)
    taxonomy_cache.invalidate()
