"""Order numbers (R-WO-11): type + center-local date + sequence, unique across processes.

The process tests start real OS processes (``number_worker.py``) that register orders at the
same moment through ``actions.register``, against a real committed database: PostgreSQL (the
test database pytest-django created, reached through ``KEFU_DATABASE_URL``) or, in the SQLite
pass, a database file of their own — pytest-django's SQLite test database lives in memory and
no other process can open it.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kefu.org.demo import load_org
from kefu.tickets.models import Ticket, TicketSequence
from kefu.tickets.numbering import format_number, next_number

WORKER = Path(__file__).with_name("number_worker.py")
PER_PROCESS = 40
PER_PROCESS_SQLITE = 20
TYPE = "E"
ENGINE = settings.DATABASES["default"]["ENGINE"]
IS_POSTGRES = ENGINE == "django.db.backends.postgresql"
IS_SQLITE = ENGINE == "django.db.backends.sqlite3"
SHANGHAI = "Asia/Shanghai"


# --- The number itself --------------------------------------------------------------------------


def test_format_number_is_type_day_and_a_four_digit_sequence():
    assert format_number("A1", "20261124", 7) == "A1-20261124-0007"
    assert format_number("E", "20261124", 123) == "E-20261124-0123"


def test_format_number_grows_past_four_digits_instead_of_wrapping():
    assert format_number("A1", "20261124", 12345) == "A1-20261124-12345"


@pytest.mark.django_db
def test_numbers_count_per_call_type_and_per_day():
    """R-WO-11: each (type, day) has its own sequence, starting at 1."""
    with timezone.override(SHANGHAI):
        day = timezone.make_aware(datetime(2026, 3, 1, 10, 0))
        next_day = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
        assert next_number("A1", day) == "A1-20260301-0001"
        assert next_number("A1", day) == "A1-20260301-0002"
        assert next_number("E", day) == "E-20260301-0001"
        assert next_number("A1", next_day) == "A1-20260302-0001"
        assert next_number("A1", day) == "A1-20260301-0003"


@pytest.mark.django_db
def test_the_day_in_a_number_is_the_center_local_day_not_utc():
    """16:30 UTC on 1 March is 00:30 on 2 March in Shanghai: the order belongs to 2 March."""
    late_utc = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    early_utc = datetime(2026, 3, 1, 15, 59, tzinfo=UTC)  # 23:59 on 1 March in Shanghai
    with timezone.override(SHANGHAI):
        assert next_number("A1", late_utc) == "A1-20260302-0001"
        assert next_number("A1", early_utc) == "A1-20260301-0001"


# --- Several processes at once --------------------------------------------------------------------


def _run_workers(
    env: dict[str, str], count: int, processes: int = 2, timeout: float = 300
) -> list[list[str]]:
    """Start the workers, wait until each is ready, release them together, collect numbers."""
    workers = []
    for index in range(processes):
        phone = f"+861390000{index:04d}"
        workers.append(
            subprocess.Popen(  # noqa: S603 - our own script, run by our own interpreter
                [sys.executable, str(WORKER), "create", str(count), TYPE, phone],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = worker.stdout.readline().strip()
            if line != "ready":
                _, err = worker.communicate(timeout=60)
                pytest.fail(f"worker did not start: {line!r}\n{err}")
        for worker in workers:  # the go signal, as close together as two writes can be
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=timeout)
            assert worker.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1])["numbers"])
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()


def _run_once(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own script, run by our own interpreter
        [sys.executable, str(WORKER), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _assert_unique_and_gapless(
    results: list[list[str]], before: dict[str, int], sequences_after: dict[str, int]
) -> None:
    """Every number once; per (type, day) the values continue the sequence without a hole."""
    numbers = [number for numbers in results for number in numbers]
    assert len(numbers) == sum(len(r) for r in results)
    assert len(set(numbers)) == len(numbers), "a number was handed out twice"
    by_day: dict[str, list[int]] = defaultdict(list)
    for number in numbers:
        type_code, day, value = number.split("-")
        assert type_code == TYPE
        by_day[f"{type_code}-{day}"].append(int(value))
    for key, values in by_day.items():  # usually one day; two if the run spans midnight
        base = before.get(key, 0)
        assert sorted(values) == list(range(base + 1, base + len(values) + 1)), key
        assert sequences_after[key] == base + len(values), key


def _child_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings_test"),
        "KEFU_DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(WORKER.parents[3]), os.environ.get("PYTHONPATH", "")) if p
        ),
        **extra,
    }


def _test_database_url() -> str:
    """The database pytest-django created for this run, as a URL a child process can use."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def _seed_taxonomy() -> None:
    """The call types and routing rules come from a data migration; a transactional test that
    ran before may have flushed them. The migration's seed is idempotent (get_or_create)."""
    migration = importlib.import_module("kefu.tickets.migrations.0002_seed_taxonomy")
    migration.seed(django_apps, None)


def _sequences() -> dict[str, int]:
    return dict(
        TicketSequence.objects.filter(key__startswith=f"{TYPE}-").values_list("key", "value")
    )


@pytest.mark.skipif(
    not IS_POSTGRES, reason="R-WO-11 process test needs PostgreSQL (set KEFU_DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("own_connection", ["1", "0"], ids=["numbers-connection", "in-order"])
def test_two_processes_registering_at_once_get_unique_numbers_and_none_is_lost(own_connection):
    """R-WO-11 (issue 3): two OS processes create 40 orders each at the same moment in the
    committed PostgreSQL test database; all 80 numbers are distinct and consecutive — with the
    counter stepped on its own connection (the production default) and inside the order.

    ``transaction=True`` so that what the test writes is committed and the children see it.
    No ``serialized_rollback``: after an earlier transactional test without it has flushed the
    database (and post_migrate re-created content types), restoring the serialized copy fails
    on duplicate keys; so the test puts back the taxonomy it needs itself.
    """
    assert connection.vendor == "postgresql"
    _seed_taxonomy()
    load_org()  # committed: the children find the roles and agent 1001
    before = _sequences()
    orders_before = Ticket.objects.count()

    env = _child_env(_test_database_url(), KEFU_NUMBERS_OWN_CONNECTION=own_connection)
    results = _run_workers(env, PER_PROCESS)

    numbers = [number for numbers in results for number in numbers]
    assert [len(r) for r in results] == [PER_PROCESS, PER_PROCESS]
    assert Ticket.objects.count() == orders_before + 2 * PER_PROCESS
    assert Ticket.objects.filter(number__in=numbers).count() == 2 * PER_PROCESS
    _assert_unique_and_gapless(results, before, _sequences())


@pytest.mark.skipif(not IS_POSTGRES, reason="the numbers connection exists on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_an_open_order_does_not_hold_up_the_next_number_of_its_type():
    """With the counter on its own connection, an order whose transaction is still open (a slow
    request) does not make the next creator of the same type wait for it."""
    _seed_taxonomy()
    load_org()
    env = _child_env(_test_database_url(), KEFU_NUMBERS_OWN_CONNECTION="1")
    holder = subprocess.Popen(  # noqa: S603 - our own script, run by our own interpreter
        [sys.executable, str(WORKER), "hold", TYPE, "+8613900001111"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdin is not None
        line = holder.stdout.readline().strip()
        assert line.startswith("holding "), holder.stderr.read() if holder.stderr else line
        held = line.split()[1]
        # Times out (fails) if the second creator queues behind the open transaction.
        other = _run_workers(env, 1, processes=1, timeout=60)[0][0]
        holder.stdin.write("release\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "committed"
    finally:
        if holder.poll() is None:
            holder.kill()
    assert int(other.rsplit("-", 1)[1]) == int(held.rsplit("-", 1)[1]) + 1
    assert Ticket.objects.filter(number__in=[held, other]).count() == 2


@pytest.mark.skipif(not IS_SQLITE, reason="SQLite variant; the PostgreSQL pass runs the full test")
def test_two_processes_registering_at_once_on_sqlite_get_unique_numbers(tmp_path: Path):
    """R-WO-11 on the embedded database: SQLite's single writer (WAL, BEGIN IMMEDIATE) queues
    the two processes; still every number once and none lost."""
    env = _child_env(f"sqlite:///{tmp_path / 'kefu.sqlite3'}", KEFU_DATA_DIR=str(tmp_path))
    _run_once(env, "setup")

    results = _run_workers(env, PER_PROCESS_SQLITE)

    report: dict[str, Any] = json.loads(_run_once(env, "report", TYPE).strip().splitlines()[-1])
    assert [len(r) for r in results] == [PER_PROCESS_SQLITE, PER_PROCESS_SQLITE]
    assert report["orders"] == 2 * PER_PROCESS_SQLITE
    _assert_unique_and_gapless(results, {}, report["sequences"])
