"""Screen-pop look-up latency at 1M customers / 5M orders, and customer-import throughput (issue 6).

    KEFU_DATA_DIR=/tmp/kefu-cust-bench .venv/bin/python bench/screen_pop_bench.py
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_h_cust_bench \\
        .venv/bin/python bench/screen_pop_bench.py

1. Migrates, loads the demo organisation, then bulk-inserts customers (each with a mobile
   contact point) and orders straight into the tables — ``executemany`` on SQLite, ``COPY`` on
   PostgreSQL, batches of one transaction — until the target sizes or the time budget
   (``--budget`` seconds for the orders) is reached; the sizes reached are reported. Re-running
   on the same database reuses the rows that are there.
2. Times ``kefu.customers.screen_pop.lookup`` (the function the intake panel and the API call)
   for random customers' numbers written in varying spellings, and the API endpoint
   ``GET /api/v1/customers/screen-pop`` through Django's test client; medians, p95, p99.
3. Imports a 100k-row CSV through ``imports.upload`` (check) and ``imports.run`` (one
   transaction), twice: the second run finds every row present and adds nothing.

Prints the figures and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

BATCH = 50_000
TIERS = ["ordinary"] * 970 + ["vip"] * 15 + ["major"] * 7 + ["important"] * 5 + ["leased_line"] * 3
REGIONS = ["浦东新区", "徐汇区", "黄浦区", "静安区", "长宁区", "普陀区", "虹口区", "杨浦区"]
STATUSES = ["closed"] * 88 + ["registered", "in_progress", "dispatched", "pending_callback"] * 3


def phone_of(i: int) -> str:
    return f"+86139{i:08d}"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def columns_for(model: Any, known: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Every concrete column of ``model`` with its value: ``known`` by attname, else the field's
    default (so columns other apps add to these tables are filled too)."""
    names, defaults = [], []
    for field in model._meta.concrete_fields:
        names.append(field.column)
        if field.attname in known:
            defaults.append(known[field.attname])
        elif field.has_default():
            value = field.get_default()
            defaults.append(value() if callable(value) else value)
        elif field.null:
            defaults.append(None)
        else:
            defaults.append("")
    return names, defaults


def insert(connection: Any, table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import transaction

    cols = ", ".join(f'"{c}"' for c in columns)  # column names from the model, not input
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'  # noqa: S608
            cursor.executemany(sql, rows)


def adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, bool):
        return value
    return value


def seed_customers(target: int, rng: random.Random) -> int:
    from django.db import connection

    from kefu.customers.models import ContactPoint, Customer

    have = Customer.objects.count()
    if have >= target:
        return have
    start = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = datetime.now(UTC)
    c_cols, c_defaults = columns_for(Customer, {})
    p_cols, p_defaults = columns_for(ContactPoint, {})
    c_index = {c: i for i, c in enumerate(c_cols)}
    p_index = {c: i for i, c in enumerate(p_cols)}
    made = have
    i = start
    while made < target:
        n = min(BATCH, target - made)
        customers, phones = [], []
        for _ in range(n):
            row = [adapt(v) for v in c_defaults]
            tier = rng.choice(TIERS)
            row[c_index["id"]] = i
            row[c_index["name"]] = f"客户{i}"
            row[c_index["tier"]] = tier
            row[c_index["vip_level"]] = rng.randint(1, 5) if tier == "vip" else None
            row[c_index["region"]] = rng.choice(REGIONS)
            row[c_index["registered_on"]] = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
            row[c_index["created_at"]] = now
            row[c_index["updated_at"]] = now
            row[c_index["last_activity_at"]] = now - timedelta(days=rng.randrange(900))
            customers.append(tuple(row))
            contact = [adapt(v) for v in p_defaults]
            contact[p_index["id"]] = i
            contact[p_index["customer_id"]] = i
            contact[p_index["kind"]] = "phone"
            contact[p_index["value"]] = phone_of(i)
            contact[p_index["is_primary"]] = True
            phones.append(tuple(contact))
            i += 1
        insert(connection, Customer._meta.db_table, c_cols, customers)
        insert(connection, ContactPoint._meta.db_table, p_cols, phones)
        made += n
    _reset_sequences([Customer, ContactPoint])
    return made


def seed_orders(target: int, customers: int, budget: float, rng: random.Random) -> int:
    from django.db import connection

    from kefu.org.models import User
    from kefu.tickets.models import CallType, Ticket

    have = Ticket.objects.count()
    if have >= target:
        return have
    start = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    staff = list(User.objects.filter(roles__code="agent").values_list("pk", flat=True))
    call_type = CallType.objects.get(code="E").pk
    now = datetime.now(UTC)
    cols, defaults = columns_for(Ticket, {})
    index = {c: i for i, c in enumerate(cols)}
    began = time.perf_counter()
    made, i = have, start
    # Loading into an empty table: build the secondary indexes (and SQLite's search triggers)
    # once at the end, as a bulk load does, instead of row by row.
    saved = _drop_secondary(Ticket._meta.db_table) if have == 0 else []
    while made < target and time.perf_counter() - began < budget:
        n = min(BATCH, target - made)
        rows = []
        for _ in range(n):
            row = [adapt(v) for v in defaults]
            # A few frequent callers, most customers call now and then.
            customer = int(customers * rng.random() ** 1.3) + 1
            agent = rng.choice(staff)
            received = now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            status = rng.choice(STATUSES)
            row[index["id"]] = i
            row[index["number"]] = f"E-BENCH-{i:08d}"
            row[index["call_type_id"]] = call_type
            row[index["channel"]] = "phone"
            row[index["status"]] = status
            row[index["priority"]] = "normal"
            row[index["customer_id"]] = customer
            row[index["contact_phone"]] = phone_of(customer)
            row[index["title"]] = "咨询资费"
            row[index["received_at"]] = received
            row[index["registered_at"]] = received
            row[index["registered_by_id"]] = agent
            row[index["owner_id"]] = agent
            row[index["updated_by_id"]] = agent
            row[index["updated_at"]] = received
            row[index["closed_at"]] = received + timedelta(hours=2) if status == "closed" else None
            rows.append(tuple(row))
            i += 1
        insert(connection, Ticket._meta.db_table, cols, rows)
        made += n
    _reset_sequences([Ticket])
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)
        if saved and connection.vendor == "sqlite":
            cursor.execute("INSERT INTO tickets_search(tickets_search) VALUES ('rebuild')")
        cursor.execute("ANALYZE")
    return made


def _drop_secondary(table: str) -> list[str]:
    """Drop the table's secondary indexes and triggers; return the SQL that recreates them."""
    from django.db import connection

    saved: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                [table],
            )
            for kind, name, sql in cursor.fetchall():
                if kind == "index" and sql.upper().startswith("CREATE UNIQUE"):
                    continue
                saved.append(sql)
                cursor.execute(f'DROP {kind.upper()} "{name}"')
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            for name, sql in cursor.fetchall():
                saved.append(sql)
                cursor.execute(f'DROP INDEX "{name}"')
    return saved


def _reset_sequences(models: list[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def spellings(e164: str, rng: random.Random) -> str:
    digits = e164[3:]
    return rng.choice(
        [
            digits,
            e164,
            f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"0086{digits}",
        ]
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


def time_lookups(customers: int, n: int, rng: random.Random) -> dict[str, Any]:
    from django.db import reset_queries

    from kefu.customers.screen_pop import lookup

    timings, cpu, open_seen = [], [], 0
    for _ in range(n):
        raw = spellings(phone_of(rng.randint(1, customers)), rng)
        began, began_cpu = time.perf_counter(), time.process_time()
        pop = lookup(raw)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert pop.customer is not None
        open_seen += len(pop.open_orders)
        reset_queries()
    # The busiest callers: the first customers have the most orders.
    busy = []
    for i in range(1, 21):
        began = time.perf_counter()
        lookup(phone_of(i))
        busy.append((time.perf_counter() - began) * 1000)
    return {
        **summary(timings),
        # CPU time of this process (Python + SQLite in-process): the cost without the waiting
        # for a core that a loaded machine adds to the wall-clock figures.
        "process_cpu": summary(cpu),
        "load_average": os.getloadavg(),
        "open_orders_seen": open_seen,
        "busiest_callers": summary(busy),
    }


def time_api(customers: int, n: int, rng: random.Random) -> dict[str, Any]:
    from django.test import Client

    from kefu.org.models import User
    from kefu.org.tokens import issue_token

    agent = User.objects.get(employee_no="1001")
    key = issue_token(agent, "screen-pop bench")[1]
    client = Client(HTTP_HOST="localhost")
    headers = {"Authorization": f"Bearer {key}"}
    timings = []
    for _ in range(n):
        phone = spellings(phone_of(rng.randint(1, customers)), rng)
        began = time.perf_counter()
        response = client.get("/api/v1/customers/screen-pop", {"phone": phone}, headers=headers)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content
    return summary(timings)


def import_throughput(rows: int, rng: random.Random) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.customers import imports
    from kefu.customers.choices import ImportStatus
    from kefu.org.models import User

    supervisor = User.objects.get(employee_no="1060")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "电话", "邮箱", "等级", "区域", "生日", "标签"])
    base = 50_000_000 + rng.randrange(10_000_000)
    for i in range(rows):
        writer.writerow(
            [
                f"导入客户{i}",
                f"138{base + i:08d}",
                f"import{base + i}@example.cn" if i % 4 == 0 else "",
                rng.choice(["普通", "VIP2", "大客户", "普通", "普通"]),
                rng.choice(REGIONS),
                f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choice(["", "宽带", "电视,宽带"]),
            ]
        )
    data = buffer.getvalue().encode("utf-8")
    result: dict[str, Any] = {"rows": rows, "file_bytes": len(data)}
    for attempt in ("first", "again"):
        began = time.perf_counter()
        job = imports.upload(supervisor, SimpleUploadedFile("bench.csv", data))
        checked = time.perf_counter() - began
        job.status = ImportStatus.QUEUED
        job.save(update_fields=["status"])
        began = time.perf_counter()
        job = imports.run(job.pk)
        ran = time.perf_counter() - began
        assert job.status == ImportStatus.DONE, job.failure
        result[attempt] = {
            "check_s": round(checked, 2),
            "import_s": round(ran, 2),
            "rows_per_s_total": round(rows / (checked + ran)),
            "created": job.created_rows,
            "skipped": job.skipped_rows,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=5_000_000)
    parser.add_argument("--budget", type=float, default=600, help="seconds for order inserts")
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    url = os.environ.get("KEFU_DATABASE_URL", "")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.org.demo import load_org

    call_command("migrate", verbosity=0, skip_checks=True)
    load_org()
    rng = random.Random(6)  # reproducible bench data
    began = time.perf_counter()
    customers = seed_customers(args.customers, rng)
    seeded_customers = time.perf_counter() - began
    began = time.perf_counter()
    orders = seed_orders(args.orders, customers, args.budget, rng)
    seeded_orders = time.perf_counter() - began
    vendor = connection.vendor
    print(
        f"{vendor}: {customers:,} customers ({seeded_customers:.0f} s), "
        f"{orders:,} orders ({seeded_orders:.0f} s)"
    )
    from kefu.customers.models import ContactPoint

    # The seeded customers (+86139…), not those the import bench added (+86138…).
    seeded = ContactPoint.objects.filter(value__startswith="+86139").count()
    lookup = time_lookups(seeded, args.lookups, rng)
    print(
        f"lookup: median {lookup['median_ms']} ms, p95 {lookup['p95_ms']} ms, "
        f"p99 {lookup['p99_ms']} ms; busiest callers p95 {lookup['busiest_callers']['p95_ms']} ms; "
        f"process CPU median {lookup['process_cpu']['median_ms']} ms, "
        f"p95 {lookup['process_cpu']['p95_ms']} ms; load {lookup['load_average']}"
    )
    api = time_api(seeded, min(args.lookups, 1000), rng)
    print(f"API GET /customers/screen-pop: median {api['median_ms']} ms, p95 {api['p95_ms']} ms")
    result: dict[str, Any] = {
        "database": vendor,
        "customers": customers,
        "orders": orders,
        "seed_seconds": {"customers": round(seeded_customers), "orders": round(seeded_orders)},
        "lookup": lookup,
        "api": api,
    }
    if args.import_rows:
        result["import"] = import_throughput(args.import_rows, rng)
        for attempt in ("first", "again"):
            r = result["import"][attempt]
            print(
                f"import {args.import_rows:,} rows ({attempt}): check {r['check_s']} s, "
                f"import {r['import_s']} s, {r['rows_per_s_total']} rows/s, "
                f"created {r['created']}, skipped {r['skipped']}"
            )
    out = ROOT / "bench" / "results"
    label = args.label or f"{date.today():%Y-%m-%d}-screen-pop-{vendor}"
    (out / f"{label}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote bench/results/{label}.json")


if __name__ == "__main__":
    main()
