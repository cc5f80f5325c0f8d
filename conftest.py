"""Personas shared by every test: built through the app's own functions, never by hand-made rows.

The demo organisation (``kefu.org.demo.load_org``) is the fixture world: a 400 center with
agents in two teams, senior agents, a team leader per team, department handlers in the other
departments and an administrator. The outsider is an active account that holds no role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from pytest_django import DjangoDbBlocker
from pytest_django.fixtures import validate_django_db

from kefu.org.demo import DEMO_PASSWORD, STAFF, DemoStaff, load_org
from kefu.org.models import User

PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache (in memory under the test settings): what one test
    had cached, such as the customer list's regions, is not what the next one reads."""
    yield
    cache.clear()


# --- The demo organisation, loaded once and shared --------------------------------------------
#
# Most tests stand on the demo organisation, and ``load_org()`` costs about 500 queries (the
# audit trail records every row it writes): a sixth of a second per test on PostgreSQL, over a
# minute of the PostgreSQL pass for the ~600 tests that use it. So the organisation is loaded
# once, inside a transaction that stays open while consecutive tests of a module need it; each
# test still runs in a savepoint of its own, rolled back after it, as in Django's
# ``TestCase.setUpTestData``.
#
# A test gets the shared organisation only if it asks for it (the ``demo_org`` fixture, which
# ``org`` and the apps' ``staff`` fixtures request) and is not transactional; before any other
# database test the transaction is rolled back, so no test sees an organisation it did not ask
# for. The shared transaction also ends with its module, before the next module's fixtures run.
# Modules that hold a transaction of their own for the whole module (a module-scoped fixture
# using ``django_db_blocker``, as test_demo.py does) load the organisation per test as before.
#
# The hook into pytest-django is its private ``_django_db_helper`` fixture (the per-test
# transaction), extended below. Should pytest-django rename it, the gate no longer runs, nothing
# is shared and ``demo_org`` loads the organisation per test: slower, never wrong.

_SHARES_ORG = pytest.StashKey[bool]()


class _SharedOrg:
    """The open transaction that holds the demo organisation, if any."""

    def __init__(self) -> None:
        self.atomic: transaction.Atomic | None = None

    @property
    def active(self) -> bool:
        return self.atomic is not None

    def open(self) -> None:
        if self.atomic is not None:
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.in_atomic_block:
            raise RuntimeError("the shared demo organisation must be the outermost transaction")
        atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
        atomic.__enter__()
        self.atomic = atomic
        try:
            load_org()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.atomic is None:
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if not connection.atomic_blocks or connection.atomic_blocks[-1] is not self.atomic:
            raise RuntimeError(
                "a transaction opened inside the shared demo organisation is still open; "
                "a fixture that holds a transaction beyond its test must be module-scoped "
                "and use django_db_blocker (see the root conftest.py)"
            )
        atomic, self.atomic = self.atomic, None
        transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        atomic.__exit__(None, None, None)


_shared_org = _SharedOrg()


def _holds_own_transaction(item: pytest.Item) -> bool:
    """Whether a fixture wider than the test reaches the database (its own module transaction)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope != "function"
        and "django_db_blocker" in definition.argnames
        and not definition.func.__module__.startswith("pytest_django")
        and definition.argname != "_shared_org_ends_with_the_module"
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def _transactional(item: pytest.Item) -> bool:
    """pytest-django's own rule for running a test as a TransactionTestCase."""
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    transactional, reset_sequences = False, False
    if marker is not None:
        transactional, reset_sequences, *_ = validate_django_db(marker)
    return bool(
        transactional
        or reset_sequences
        or names & {"transactional_db", "live_server", "django_db_reset_sequences"}
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    own_transaction = {item.path for item in items if _holds_own_transaction(item)}
    for item in items:
        item.stash[_SHARES_ORG] = (
            "demo_org" in getattr(item, "fixturenames", ())
            and not _transactional(item)
            and item.path not in own_transaction
        )


@pytest.fixture
def _shared_org_gate(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> None:
    """Open the shared organisation for a test that takes it, roll it back for any other."""
    with django_db_blocker.unblock():
        if request.node.stash.get(_SHARES_ORG, False):
            _shared_org.open()
        else:
            _shared_org.close()


@pytest.fixture
def _django_db_helper(_shared_org_gate: None, _django_db_helper: None) -> None:
    """pytest-django's per-test transaction (its private fixture, extended here), set up after
    the gate so that it nests inside the shared organisation's transaction."""


@pytest.fixture(scope="module", autouse=True)
def _shared_org_ends_with_the_module(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    yield
    with django_db_blocker.unblock():
        _shared_org.close()


@pytest.fixture
def demo_org(db: None) -> list[DemoStaff]:
    """The demo organisation, as ``load_org()`` (``kefu demo``) loads it: shared, see above."""
    return STAFF if _shared_org.active else load_org()


@pytest.fixture
def org(demo_org: list[DemoStaff]) -> list[DemoStaff]:
    """The demo organisation, loaded the way ``kefu demo`` loads it."""
    return demo_org


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


@pytest.fixture
def as_user(login: Callable[[User], Client]) -> Callable[[User], Client]:
    """The same as ``login``, under the name the page tests read best with."""
    return login


@pytest.fixture(autouse=True)
def _fresh_taxonomy_snapshot():
    """Each test's rolled-back rows must not live on in the in-memory snapshots (taxonomy, SLA
    policies and calendar overrides, standard phrases)."""
    from kefu.kb import phrases
    from kefu.sla import snapshot as sla_snapshot
    from kefu.tickets import taxonomy

    for snapshot in (taxonomy, sla_snapshot, phrases):
        snapshot.invalidate()
    yield
    for snapshot in (taxonomy, sla_snapshot, phrases):
        snapshot.invalidate()


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
