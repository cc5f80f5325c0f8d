"""Callback and complaint-statistics benchmark (issue 5): the callback queue, the rates and the
scheduled reports over N orders.

    KEFU_DATA_DIR=/tmp/kefu-bench/cb-sqlite .venv/bin/python bench/callbacks_bench.py \\
        --orders 50000 --label sqlite

Bulk-inserts N orders (bypassing the actions; every type, received over 400 days) into an
empty database, then bulk-inserts one callback round per order received in the last year
(the orders awaiting callback and 3 % of the others still open, the rest concluded with a
score, some late) and a complaint record per complaint order. Measured (median of 5, each
from the same state):

* ``queue`` — the callback queue page's query (open rounds, soonest due, attempts counted);
* ``rates_30d`` — callback rate and on-time rate over the last 30 days (the queue header);
* ``satisfaction_month`` — the monthly satisfaction analysis figures for one month;
* ``classification_month`` — the complaint classification table for one month;
* ``xlsx_month`` — the monthly analysis report written as an Excel file.

Prints the figures and writes ``bench/results/<date>-callbacks-<label>-<N>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _median(fn: Any, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50000)
    parser.add_argument("--label", default="sqlite")
    args = parser.parse_args()

    subprocess.run(
        [sys.executable, "-m", "kefu", "migrate", "-v0"], check=True, cwd=ROOT, env=os.environ
    )
    import django

    django.setup()
    from django.db import transaction

    from kefu.callbacks import reports
    from kefu.callbacks.choices import CallbackStatus, ReportKind
    from kefu.callbacks.models import Callback, ComplaintRecord, Report
    from kefu.org.demo import load_org
    from kefu.org.models import Department
    from kefu.tickets.models import BusinessLine, CallType, Nature, Ticket

    if Ticket.objects.exists():
        sys.exit("The database must have no orders: point KEFU_DATA_DIR at an empty folder.")
    load_org()
    seed_rng = random.Random(7)
    types = list(CallType.objects.all())
    lines, natures = list(BusinessLine.objects.all()), list(Nature.objects.all())
    departments = list(Department.objects.filter(kind="department"))
    from kefu.org.models import User

    agent = User.objects.get(employee_no="1001")
    start_seed = datetime.now(UTC)
    tickets = []
    for i in range(args.orders):
        kind = seed_rng.choice(types)
        received = start_seed - timedelta(minutes=seed_rng.randint(60, 400 * 24 * 60))
        tickets.append(
            Ticket(
                number=f"{kind.code}-BENCH-{i:07d}",
                call_type=kind,
                level=seed_rng.choice(["I", "II", "III", "IV"]) if kind.is_complaint else "",
                channel="phone",
                status=seed_rng.choice(["closed"] * 8 + ["pending_callback", "in_progress"]),
                title="宽带断网",
                contact_name="陈先生",
                received_at=received,
                registered_by=agent,
                owner=agent,
                updated_by=agent,
                department=seed_rng.choice(departments),
                business_line=seed_rng.choice(lines) if kind.is_complaint else None,
                nature=seed_rng.choice(natures) if kind.is_complaint else None,
            )
        )
    with transaction.atomic():
        Ticket.objects.bulk_create(tickets, batch_size=2000)

    rng = random.Random(5)
    now = datetime.now(UTC)
    cutoff = now - timedelta(days=365)
    seeded = time.perf_counter()
    rows = list(
        Ticket.objects.filter(received_at__gte=cutoff).values_list(
            "pk",
            "received_at",
            "department_id",
            "call_type__is_complaint",
            "level",
            "business_line_id",
            "nature_id",
            "contact_name",
            "status",
        )
    )
    callbacks, records = [], []
    for pk, received, dept, complaint, level, line, nature, name, status in rows:
        completed = received + timedelta(hours=rng.randint(2, 96))
        due = completed + timedelta(hours=72)
        still_open = status == "pending_callback" or rng.random() < 0.03
        ended = None if still_open else completed + timedelta(hours=rng.choice([2, 20, 50, 80]))
        callbacks.append(
            Callback(
                ticket_id=pk,
                round=1,
                completed_at=completed,
                due_at=due,
                due_from_sla=True,
                department_id=dept,
                status=CallbackStatus.OPEN if still_open else CallbackStatus.SATISFIED,
                ended_at=ended,
                score=None if still_open else rng.choice([5, 5, 5, 4, 4, 3, 2, 1]),
            )
        )
        if complaint:
            records.append(
                ComplaintRecord(
                    ticket_id=pk,
                    complainant=name or "—",
                    complained_at=received,
                    content="bench",
                    business_line_id=line,
                    nature_id=nature,
                    level=level,
                    substantiated=rng.choice([True, False, None]),
                )
            )
    with transaction.atomic():
        Callback.objects.bulk_create(callbacks, batch_size=2000)
        ComplaintRecord.objects.bulk_create(records, batch_size=2000)
    setup_s = round(time.perf_counter() - seeded, 1)

    from kefu.callbacks.services import queue_rounds

    def queue() -> None:
        queue_rounds()

    start, end = reports.last_month(now)
    figures = {
        "queue": _median(queue),
        "rates_30d": _median(lambda: reports.callback_rates(now - timedelta(days=30))),
        "satisfaction_month": _median(lambda: reports.satisfaction(start, end)),
        "classification_month": _median(lambda: reports.classification(start, end)),
    }
    report, _ = reports.produce(ReportKind.MONTHLY_SATISFACTION, start, end)
    figures["xlsx_month"] = _median(lambda: reports.workbook(report))
    result = {
        "label": args.label,
        "orders": args.orders,
        "callback_rounds": len(callbacks),
        "complaint_records": len(records),
        "rounds_in_month": report.data["overall"]["due"],
        "setup_seconds": setup_s,
        "median_ms": figures,
        "python": platform.python_version(),
        "when": now.isoformat(),
    }
    Report.objects.filter(pk=report.pk).delete()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = ROOT / "bench" / "results" / f"{now:%Y-%m-%d}-callbacks-{args.label}-{args.orders}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
