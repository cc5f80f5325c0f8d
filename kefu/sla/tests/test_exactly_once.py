"""R-SLA-5 / DESIGN "exactly-once": two workers sweeping one database at the same moment raise
one warning, one alarm and one escalation per clock — no more, no fewer."""

from __future__ import annotations

import importlib
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection, connections
from django.utils import timezone

from kefu.notifications.models import Notification
from kefu.org.demo import load_org
from kefu.org.models import User
from kefu.sla.models import Clock
from kefu.sla.sweep import SweepResult, sweep
from kefu.tickets import actions, taxonomy
from kefu.tickets.choices import Channel, EventKind
from kefu.tickets.models import CallType, Escalation, TimelineEvent

ORDERS = 30
WORKERS = 2

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason=(
        "SQLite takes one writer at a time (BEGIN IMMEDIATE), so two sweeps cannot overlap; "
        "the in-memory test database is also shared-cache, which fails a second writer at "
        "once instead of queueing it. Run this file with KEFU_DATABASE_URL=postgres://…"
    ),
)


@pytest.fixture
def seeded(transactional_db):
    """Migration data (taxonomy, SLA policies) is gone after an earlier transactional test."""
    importlib.import_module("kefu.tickets.migrations.0002_seed_taxonomy").seed(apps, None)
    importlib.import_module("kefu.sla.migrations.0002_seed_defaults").seed(apps, None)
    taxonomy.invalidate()
    load_org()


def _orders() -> list[int]:
    agent = User.objects.get(employee_no="1001")
    senior = User.objects.get(employee_no="1020")
    ids = []
    for n in range(ORDERS):
        reg = actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title=f"宽带故障 {n}",
            contact_phone="+8613812345678",
            level="III",
        )
        ticket = actions.register(agent, reg)
        ticket = actions.dispatch_now(senior, ticket, expected_version=ticket.version)
        ids.append(ticket.pk)
    return ids


def _race(now, batch: int) -> list[SweepResult]:
    barrier = threading.Barrier(WORKERS)
    results: list[SweepResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(sweep(now, batch=batch))
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == WORKERS
    return results


def test_two_workers_sweeping_at_once_warn_alarm_and_escalate_each_clock_once(seeded):
    _orders()
    # Every running clock is made to cross its 80 % mark at the same moment.
    # (Moved in the table rather than sweeping at a future "now": the escalations the second
    # race makes start new clocks at the real time, which must not count as overdue.)
    running = Clock.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
    now = timezone.now()
    running.update(warn_at=now - timedelta(minutes=1), due_at=now + timedelta(minutes=5))
    expected = set(running.values_list("pk", flat=True))
    assert len(expected) >= ORDERS * 4  # call back, on site, feedback, resolve

    results = _race(now, batch=7)
    warned = Counter(pk for r in results for pk in r.warned)
    assert set(warned) == expected
    assert max(warned.values()) == 1
    # Both ran at once (the barrier); the first to record a clock's crossing wins, the other
    # skips it, and both deliver (orders are claimed with SKIP LOCKED).
    per_clock = Counter(
        e.data["clock"] for e in TimelineEvent.objects.filter(kind=EventKind.SLA_WARNING)
    )
    assert set(per_clock) == expected
    assert max(per_clock.values()) == 1
    notified = Counter(
        Notification.objects.filter(event="sla.warning").values_list("dedupe_key", "recipient")
    )
    assert max(notified.values()) == 1

    # Past the limit: one alarm per clock and one escalation step per breached clock.
    Clock.objects.filter(pk__in=expected).update(due_at=now - timedelta(seconds=1))
    results = _race(timezone.now(), batch=5)
    alarmed = Counter(pk for r in results for pk in r.alarmed)
    escalated = Counter(pk for r in results for pk in r.escalated)
    assert set(alarmed) == expected
    assert max(alarmed.values()) == 1
    assert set(escalated) == expected
    assert max(escalated.values()) == 1
    assert TimelineEvent.objects.filter(kind=EventKind.SLA_ALARM).count() == len(expected)
    # Per order: one step up (handler → 城市客服部's head), then nobody further up, so the
    # other overdue clocks hand it to the manager hotline — once, whichever worker ran them.
    records = Counter(Escalation.objects.values_list("ticket_id", "kind"))
    assert len(records) == 2 * ORDERS
    assert max(records.values()) == 1
