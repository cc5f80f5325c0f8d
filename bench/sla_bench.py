"""SLA sweep benchmark (issue 4): one sweep over N open orders, 10 % of them crossing a threshold.

    KEFU_DATA_DIR=/tmp/kefu-bench/sla-sqlite-100k .venv/bin/python bench/sla_bench.py \\
        --orders 100000 --label sqlite
    KEFU_DATA_DIR=/tmp/kefu-bench/sla-pg-1m \\
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_sla \\
        .venv/bin/python bench/sla_bench.py --orders 1000000 --label pg

Starts from an empty database (SQLite file in ``KEFU_DATA_DIR``; or the PostgreSQL database in
the URL, dropped and created afresh), migrates, loads the demo organisation, then bulk-inserts
N open orders (A1-III, in progress at 城市客服部) and two clocks per order straight into the
tables (``executemany`` / ``COPY``, not through the actions): one met, one running. Of the
running clocks 5 % have just passed 80 % of their time (to warn) and 5 % their due time (to
alarm; 200 of those escalate, the rest alarm only); the other 90 % are far from both.

``--layout`` says which orders cross. ``clustered`` (default): orders received together — as
when the worker was stopped for hours and every order due in that window crosses at once, or as
one policy's due times follow the receipt times — so they lie side by side in the tables.
``scattered``: every 20th order warns and the one after it alarms, so every page of the clock
table holds a crossing — the worst case for the writes, which then touch the whole table.

Measured, each from the same state:

* ``idle`` — the sweep every minute when nothing crosses (median of 5);
* ``sweep`` — the sweep itself over all 10 % (``kefu.sla.sweep.record``): every clock past a
  threshold found on its partial index and its crossing recorded in the outbox, set-based —
  ``--runs`` times from the same state (median); this is the issue's "one sweep over 1M open
  orders under 2 s";
* ``delivery`` — the worker delivering the crossings' effects (``kefu.sla.sweep.deliver``):
  timeline entries, in-app notifications and pending e-mail/SMS rows, escalations, the clocks'
  stamps — over the first ``--deliver-per-kind`` crossings of each step (the rest are marked
  delivered untouched), since the effects cost the same per crossing at any table size;
  crossings per second.

Prints the figures and writes ``bench/results/<date>-sla-<label>-<N>.json``. The database is
deleted at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from seed import Writer, ensure_postgres_database  # noqa: E402

ESCALATING = 200


def drop_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')


class RowMaker:
    """Rows for every concrete column of ``model``: the field defaults (or ``fixed``) once, then
    only the ``varying`` values per row."""

    def __init__(self, model: Any, fixed: dict[str, Any], form: Any) -> None:
        self.form = form
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        base = []
        for field in model._meta.concrete_fields:
            if field.attname in fixed:
                value = fixed[field.attname]
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            else:
                value = ""
            self.index[field.attname] = len(self.names)
            self.names.append(field.name)
            base.append(form(value))
        self.base = base

    def make(self, varying: dict[str, Any]) -> tuple[Any, ...]:
        row = list(self.base)
        for name, value in varying.items():
            row[self.index[name]] = self.form(value)
        return tuple(row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, required=True)
    parser.add_argument("--label", required=True, help="sqlite or pg (names the result file)")
    parser.add_argument("--batch", type=int, default=20000, help="orders per insert batch")
    parser.add_argument(
        "--layout",
        choices=["clustered", "scattered"],
        default="clustered",
        help="crossing orders received together (as after a stopped worker), or spread evenly",
    )
    parser.add_argument("--runs", type=int, default=3, help="sweeps over the same crossings")
    parser.add_argument(
        "--deliver-per-kind",
        type=int,
        default=500,
        help="crossings of each step delivered (0: skip the delivery)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()

    url = os.environ.get("KEFU_DATABASE_URL", "")
    is_pg = url.startswith(("postgres://", "postgresql://"))
    if is_pg:
        drop_postgres_database(url)
        ensure_postgres_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F

    from kefu.notifications.models import Notification
    from kefu.org.demo import load_org
    from kefu.org.models import Department, User
    from kefu.sla import sweep as sweep_module
    from kefu.sla.models import Clock, Crossing
    from kefu.tickets.models import CallType, Ticket, TimelineEvent

    if not is_pg:
        db_file = Path(settings.DATABASES["default"]["NAME"])
        if db_file.exists():
            sys.exit(f"{db_file} exists: point KEFU_DATA_DIR at an empty folder")

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_org()
    migrate_s = time.perf_counter() - started
    vendor = connection.vendor

    if vendor == "sqlite":

        def form(value: Any) -> Any:
            if isinstance(value, datetime):
                return str(value.astimezone(UTC).replace(tzinfo=None))
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, dict):
                return json.dumps(value)
            return value
    else:

        def form(value: Any) -> Any:
            return json.dumps(value) if isinstance(value, dict) else value

    a1 = CallType.objects.get(code="A1")
    agent = User.objects.get(employee_no="1001")
    handler = User.objects.get(employee_no="2001")
    department = Department.objects.get(code="city-service")
    now = datetime.now(UTC).replace(microsecond=0)
    n = args.orders

    # --- Data ------------------------------------------------------------------------------
    started = time.perf_counter()
    connection.ensure_connection()
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("PRAGMA synchronous=OFF")
        else:
            cur.execute("SET synchronous_commit TO off")
    snapshot = {"policy": "bench", "duration": 3, "unit": "working_days", "warn_percent": 80}
    tickets = RowMaker(
        Ticket,
        {
            "call_type_id": a1.pk,
            "level": "III",
            "status": "in_progress",
            "channel": "phone",
            "title": "宽带断网，要求上门维修",
            "registered_by_id": agent.pk,
            "owner_id": agent.pk,
            "updated_by_id": agent.pk,
            "department_id": department.pk,
            "handler_id": handler.pk,
        },
        form,
    )
    clocks = RowMaker(Clock, {"policy_snapshot": snapshot}, form)
    ticket_writer = Writer(connection, Ticket, tickets.names)
    clock_writer = Writer(connection, Clock, clocks.names)
    warn_ids, alarm_ids = [], []

    def crossing_of(pk: int) -> str:
        if args.layout == "scattered":  # every 20th order warns, the one after it alarms
            return {0: "warn", 1: "alarm"}.get(pk % 20, "")
        # clustered: orders received together cross together — the first 5 % are past due,
        # the next 5 % past 80 % of their time
        return "alarm" if pk <= n // 20 else "warn" if pk <= n // 10 else ""

    clock_pk = 0
    for first in range(1, n + 1, args.batch):
        with transaction.atomic():
            for pk in range(first, min(first + args.batch, n + 1)):
                received = now - timedelta(hours=2, seconds=pk % 7200)
                warned = None
                crossing = crossing_of(pk)
                if crossing == "warn":  # 5 %: just past 80 %
                    warn_at, due_at = now - timedelta(seconds=30), now + timedelta(minutes=10)
                    warn_ids.append(pk)
                elif crossing == "alarm":  # 5 %: just past due, warned earlier
                    warn_at, due_at = now - timedelta(minutes=10), now - timedelta(seconds=30)
                    warned = now - timedelta(minutes=9)
                    alarm_ids.append(pk)
                else:
                    warn_at = now + timedelta(minutes=30 + pk % 5000)
                    due_at = warn_at + timedelta(hours=1)
                ticket_writer.add(
                    tickets.make(
                        {
                            "id": pk,
                            "number": f"A1-BENCH-{pk:08d}",
                            "received_at": received,
                            "registered_at": received,
                            "updated_at": received,
                            "sla_due_at": due_at,
                        }
                    )
                )
                escalate = crossing == "alarm" and len(alarm_ids) <= ESCALATING
                clock_writer.add(
                    clocks.make(
                        {
                            "id": clock_pk + 1,
                            "ticket_id": pk,
                            "kind": "call_back",
                            "started_at": received,
                            "due_at": received + timedelta(minutes=10),
                            "warn_at": received + timedelta(minutes=8),
                            "met_at": received + timedelta(minutes=5),
                        }
                    )
                )
                clock_writer.add(
                    clocks.make(
                        {
                            "id": clock_pk + 2,
                            "ticket_id": pk,
                            "kind": "resolve",
                            "started_at": received,
                            "due_at": due_at,
                            "warn_at": warn_at,
                            "warned_at": warned,
                            "on_breach": "escalate" if escalate else "alarm",
                        }
                    )
                )
                clock_pk += 2
            ticket_writer.flush()
            clock_writer.flush()
        print(f"  {min(first + args.batch - 1, n):>9,} orders", end="\r", flush=True)
    with connection.cursor() as cur:
        if vendor == "postgresql":
            for table in ("tickets_ticket", "sla_clock"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [n * 2])
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE")
    load_s = time.perf_counter() - started
    print(f"\nloaded {n:,} orders, {clock_pk:,} clocks in {load_s:.0f} s")

    def reset() -> None:
        Crossing.objects.all().delete()
        Clock.objects.filter(ticket_id__in=warn_ids, kind="resolve").update(warned_at=None)
        Clock.objects.filter(ticket_id__in=alarm_ids, kind="resolve").update(
            alarmed_at=None, breached_at=None, escalated_at=None
        )

    def timed(fn: Any) -> tuple[float, Any]:
        t0 = time.perf_counter()
        out = fn()
        return (time.perf_counter() - t0) * 1000, out

    # --- Idle sweep: nothing crosses ----------------------------------------------------------
    idle = [timed(lambda: sweep_module.sweep(now - timedelta(hours=1)))[0] for _ in range(5)]
    print(f"idle sweep: median {statistics.median(idle):.1f} ms")

    # --- The sweep: a crossing recorded for every clock past a threshold -------------------
    sweep_runs = []
    for run in range(args.runs):
        if run:
            reset()
        ms, recorded = timed(lambda: sweep_module.record(now))
        sweep_runs.append(ms)
        print(f"sweep (record crossings) run {run + 1}: {ms:.0f} ms ({recorded})")
    pending = Crossing.objects.filter(delivered_at__isnull=True).count()

    # --- Delivery of the effects ------------------------------------------------------------
    # Of the first --deliver-per-kind crossings of each step (the rest are dropped untouched):
    # the effects cost the same per crossing at any table size.
    delivery: dict[str, Any] = {}
    if args.deliver_per_kind:
        keep = set()
        for phase in Crossing.Phase.values:
            keep |= set(
                Crossing.objects.filter(phase=phase)
                .order_by("pk")
                .values_list("pk", flat=True)[: args.deliver_per_kind]
            )
        # The rest: dropped untouched, their clocks stamped, as the delivery would have done.
        rest = Crossing.objects.exclude(pk__in=keep)
        Clock.objects.filter(pk__in=rest.filter(phase="warning").values("clock_id")).update(
            warned_at=now
        )
        Clock.objects.filter(pk__in=rest.filter(phase="alarm").values("clock_id")).update(
            alarmed_at=now, breached_at=F("due_at")
        )
        rest.delete()
        by_step = {
            phase: Crossing.objects.filter(pk__in=keep, phase=phase).count()
            for phase in Crossing.Phase.values
        }  # before the delivery, which deletes them
        events_before = TimelineEvent.objects.count()
        notes_before = Notification.objects.count()
        deliver_ms, delivered_result = timed(sweep_module.deliver)
        delivered = delivered_result.delivered
        delivery = {
            "crossings": delivered,
            "by_step": by_step,
            "escalated": len(delivered_result.escalated),
            "ms": round(deliver_ms),
            "crossings_per_s": round(delivered / (deliver_ms / 1000)),
            "timeline_events_written": TimelineEvent.objects.count() - events_before,
            "notifications_written": Notification.objects.count() - notes_before,
        }
        print(
            f"delivery: {delivered} crossings in {deliver_ms:.0f} ms, "
            f"{delivery['crossings_per_s']} crossings/s"
        )
        after = [timed(lambda: sweep_module.sweep(now + timedelta(seconds=1)))[0] for _ in range(3)]
        delivery["next_sweep_ms_median"] = round(statistics.median(after), 1)
        print(f"next sweep (all handled): median {statistics.median(after):.1f} ms")

    dirty = subprocess.run(
        # the code only: result files and their README change between runs
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "kefu", "bench/*.py"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    out = {
        "bench": "sla_sweep",
        "label": args.label,
        "vendor": vendor,
        "orders": n,
        "layout": args.layout,
        "clocks": clock_pk,
        "crossing_warn": len(warn_ids),
        "crossing_alarm": len(alarm_ids),
        "escalating": min(ESCALATING, len(alarm_ids)),
        "sweep_batch": sweep_module.BATCH,
        "migrate_s": round(migrate_s, 1),
        "load_s": round(load_s, 1),
        "idle_sweep_ms": [round(x, 1) for x in idle],
        "idle_sweep_ms_median": round(statistics.median(idle), 1),
        "sweep_ms": [round(x) for x in sweep_runs],
        "sweep_ms_median": round(statistics.median(sweep_runs)),
        "recorded": {"warned": len(recorded.warned), "alarmed": len(recorded.alarmed)},
        "crossings_pending_after_sweep": pending,
        "delivery": delivery,
        "machine": f"{platform.node()} {os.cpu_count()} cores",
        "load_average_at_end": os.getloadavg(),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git on PATH
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
        + (" + uncommitted changes" if dirty else ""),
        "at": now.isoformat(),
    }  # fmt: skip
    size = f"{n // 1_000_000}m" if n >= 1_000_000 else f"{n // 1000}k"
    path = ROOT / "bench" / "results" / f"{now:%Y-%m-%d}-sla-{args.label}-{size}-{args.layout}.json"
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")

    connection.close()
    if not args.keep:
        if is_pg:
            drop_postgres_database(url)
        else:
            shutil.rmtree(settings.DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
