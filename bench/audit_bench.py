"""Audit-trail benchmark (R-SEC-3/4): the cost the trail adds to a change, the viewer's queries
at volume, and backup / restore times.

    KEFU_DATA_DIR=/tmp/kefu-bench/audit-sqlite .venv/bin/python bench/audit_bench.py --label sqlite
    KEFU_DATA_DIR=/tmp/kefu-bench/audit-pg \\
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_h_sec_bench \\
        .venv/bin/python bench/audit_bench.py --label pg --drop

Starts from an empty database (the SQLite file in ``KEFU_DATA_DIR``, or the PostgreSQL database
of the URL, created if missing and emptied first), migrates, loads the demo organisation, then:

1. saves a changed customer ``--saves`` times, each in its own transaction, with the audit
   signal handlers connected (one SELECT of the old row + one INSERT) and disconnected;
2. appends ``--rows`` audit records (bulk insert, 60 actors, spread over 90 days) and times the
   viewer's queries through ``kefu.audit.queries`` (first page, by actor, by object, a date
   range, a page deep in the trail) and the API answer for the first page;
3. runs ``kefu backup`` and ``kefu restore --yes`` of that database and times them.

Prints the medians and writes ``bench/results/<date>-audit-<label>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 3),
        "n": len(ordered),
    }


def _fresh_database() -> None:
    url = os.environ.get("KEFU_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        data = Path(os.environ.get("KEFU_DATA_DIR", "var"))
        for suffix in ("", "-wal", "-shm"):
            (data / f"kefu.sqlite3{suffix}").unlink(missing_ok=True)


def _drop_database() -> None:
    url = os.environ.get("KEFU_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _timed(samples: list[float], func) -> object:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func()
    samples.append(time.perf_counter() - start)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database after")
    args = parser.parse_args()

    _fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.signals import post_save, pre_save
    from django.test import RequestFactory

    from kefu.audit import signals
    from kefu.audit.api import audit_records
    from kefu.audit.models import AuditRecord
    from kefu.audit.queries import AuditFilters, filtered, page
    from kefu.customers.models import Customer
    from kefu.customers.services import CustomerData, create_customer
    from kefu.org.demo import load_org
    from kefu.org.models import User

    call_command("migrate", verbosity=0)
    load_org()
    agent = User.objects.get(employee_no="1001")
    manager = User.objects.get(employee_no="1070")
    customer = create_customer(agent, CustomerData(name="基准客户", phones=["13911110000"]))
    results: dict[str, object] = {
        "label": args.label,
        "vendor": connection.vendor,
        "started_at": datetime.now(UTC).isoformat(),
        "load_average_at_start": os.getloadavg(),
    }

    # 1. The cost of the trail on one change.
    def save_once(n: int) -> None:
        with transaction.atomic():
            customer.region = f"区域{n % 7}"
            customer.notes = f"第 {n} 次修改"
            customer.save()

    # Alternating the two cases sample by sample, so that the shared machine's load (which
    # moves by the second) weighs on both alike.
    uids = {
        pre_save: ("kefu.audit.customers.Customer.pre_save", signals._before_save),
        post_save: ("kefu.audit.customers.Customer.post_save", signals._after_save),
    }

    def audit_on(on: bool) -> None:
        for signal, (uid, handler) in uids.items():
            if on:
                signal.connect(handler, sender=Customer, dispatch_uid=uid)
            else:
                signal.disconnect(sender=Customer, dispatch_uid=uid)

    with_audit: list[float] = []
    without_audit: list[float] = []
    for n in range(args.saves):
        audit_on(True)
        _timed(with_audit, lambda n=n: save_once(2 * n))
        audit_on(False)
        _timed(without_audit, lambda n=n: save_once(2 * n + 1))
    audit_on(True)
    results["customer_save_with_audit"] = _ms(with_audit)
    results["customer_save_without_audit"] = _ms(without_audit)

    # 2. The viewer at volume.
    from django.contrib.contenttypes.models import ContentType

    customer_type = ContentType.objects.get_for_model(Customer)
    staff = list(User.objects.order_by("pk")[:60])
    now = datetime.now(UTC)
    batch: list[AuditRecord] = []
    fill_start = time.perf_counter()
    for n in range(args.rows):
        actor = staff[n % len(staff)]
        batch.append(
            AuditRecord(
                at=now - timedelta(seconds=(args.rows - n) * 90 * 86400 / args.rows),
                actor=actor,
                actor_employee_no=actor.employee_no,
                actor_name=actor.name,
                action=("update", "create", "login", "customer.reveal")[n % 4],
                content_type=customer_type,
                object_id=str(n % 5000),
                object_repr=f"对象 {n % 5000}",
                before={"status": "accepted"},
                after={"status": "processing"},
                changed_fields=["status"],
            )
        )
        if len(batch) == 5000:
            AuditRecord.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditRecord.objects.bulk_create(batch)
    results["fill_seconds"] = round(time.perf_counter() - fill_start, 1)
    results["audit_rows"] = AuditRecord.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditrecord")

    middle = AuditRecord.objects.order_by("-id").values_list("id", flat=True)[args.rows // 2]
    today = now.date()
    cases = {
        "first_page": (AuditFilters(), None),
        "by_actor": (AuditFilters(actor=staff[7].employee_no), None),
        "by_action": (AuditFilters(action="customer.reveal"), None),
        "by_object": (AuditFilters(model="customers.customer", object_id="1234"), None),
        "one_week": (
            AuditFilters(date_from=today - timedelta(days=40), date_to=today - timedelta(days=33)),
            None,
        ),
        "deep_page": (AuditFilters(), middle),
    }
    for name, (filters, before) in cases.items():
        samples: list[float] = []
        for _ in range(args.repeat):
            _timed(samples, lambda f=filters, b=before: page(filtered(f), b, 50))
        results[f"viewer_{name}"] = _ms(samples)
    request = RequestFactory().get("/api/v1/audit/")
    request.user = manager
    from kefu.audit.api import AuditQuery

    samples = []
    for _ in range(args.repeat):
        _timed(samples, lambda: audit_records(request, AuditQuery()))
    results["api_first_page"] = _ms(samples)

    # 3. Backup and restore of this database.
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        call_command("backup", output=folder, verbosity=0)
        results["backup_seconds"] = round(time.perf_counter() - start, 2)
        (archive,) = Path(folder).glob("kefu-backup-*.tar.gz")
        results["archive_bytes"] = archive.stat().st_size
        start = time.perf_counter()
        call_command("restore", str(archive), yes=True, verbosity=0)
        results["restore_seconds"] = round(time.perf_counter() - start, 2)
    results["load_average_at_end"] = os.getloadavg()

    out = ROOT / "bench" / "results" / f"{now:%Y-%m-%d}-audit-{args.label}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    connection.close()
    if args.drop:
        _drop_database()


if __name__ == "__main__":
    main()
