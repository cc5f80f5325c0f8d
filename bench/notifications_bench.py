"""Notifications benchmark: the cost of ``notify()`` inside a change, and the bell at volume.

    KEFU_DATA_DIR=/tmp/kefu-bench/notify-sqlite .venv/bin/python bench/notifications_bench.py \\
        --label sqlite
    KEFU_DATA_DIR=/tmp/kefu-bench/notify-pg \\
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_notify \\
        .venv/bin/python bench/notifications_bench.py --label pg

Starts from an empty database (SQLite file in ``KEFU_DATA_DIR``, or the PostgreSQL database in
the URL, created if missing and emptied first), migrates, loads the demo organisation, then:

1. ``notify()`` of one person (in-app row + pending e-mail, enqueued to the real Huey queue after
   the commit), each in its own transaction, ``--calls`` times: without a key, with a fresh
   ``dedupe_key`` (savepoint path), and repeating a used key (the no-op path);
2. fills ``--rows`` notifications over the demo staff (10 % unread) and times what every page
   asks for — the bell's unread count — and the first page of the list (API query + prefetch),
   for the person with the most rows;
3. marks half of the read rows 100 days old and times the nightly retention purge.

Prints the medians and writes ``bench/results/<date>-notifications-<label>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
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
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "n": len(ordered),
    }


def _fresh_database() -> None:
    url = os.environ.get("KEFU_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        data = Path(os.environ.get("KEFU_DATA_DIR", "var"))
        for suffix in ("", "-wal", "-shm"):
            (data / f"kefu.sqlite3{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()

    _fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from kefu.notifications import services
    from kefu.notifications.models import Notification
    from kefu.org.demo import load_org
    from kefu.org.models import User

    call_command("migrate", verbosity=0)
    load_org()
    person = User.objects.get(employee_no="2001")
    person.email = "lintao@example.cn"
    person.save(update_fields=["email"])
    result: dict[str, object] = {
        "label": args.label,
        "vendor": connection.vendor,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
    }

    # 1. notify() inside a transaction, as an action calls it.
    def timed_calls(key_for: object) -> list[float]:
        samples = []
        for i in range(args.calls):
            key = key_for(i) if callable(key_for) else None
            start = time.perf_counter()
            with transaction.atomic():
                services.notify(
                    [person],
                    "tickets.dispatched",
                    title=f"工单 A1-20261130-{i:04d} 已派给你",
                    body="今天下午上门",
                    url=f"/tickets/A1-20261130-{i:04d}/",
                    dedupe_key=key,  # type: ignore[arg-type]
                )
            samples.append(time.perf_counter() - start)
        return samples

    result["notify_no_key"] = _ms(timed_calls(None))
    result["notify_fresh_key"] = _ms(timed_calls(lambda i: f"bench:{i}"))
    result["notify_repeated_key"] = _ms(timed_calls(lambda i: f"bench:{i}"))
    print(
        "notify", result["notify_no_key"], result["notify_fresh_key"], result["notify_repeated_key"]
    )

    # 2. The bell and the list at volume.
    staff = list(User.objects.order_by("pk"))
    now = timezone.now()
    batch: list[Notification] = []
    for i in range(args.rows):
        created = now - timedelta(minutes=args.rows - i)
        batch.append(
            Notification(
                recipient=staff[i % len(staff)],
                event="sla.warning",
                title=f"预警：工单 {i}",
                created_at=created,
                read_at=None if i % 10 == 0 else created + timedelta(minutes=5),
            )
        )
        if len(batch) == 5000:
            Notification.objects.bulk_create(batch)
            batch = []
    Notification.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notifications_notification")
    heaviest_id = (
        Notification.objects.values("recipient")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("recipient", flat=True)[0]
    )
    heaviest = User.objects.get(pk=heaviest_id)
    result["rows"] = Notification.objects.count()
    result["heaviest_user_rows"] = Notification.objects.filter(recipient=heaviest).count()
    result["heaviest_user_unread"] = services.unread_count(heaviest)

    counts, pages = [], []
    for _ in range(args.reads):
        start = time.perf_counter()
        services.unread_count(heaviest)
        counts.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = list(services.inbox(heaviest).prefetch_related("deliveries").order_by("-id")[:51])
        for row in rows:
            list(row.deliveries.all())
        pages.append(time.perf_counter() - start)
    result["bell_unread_count"] = _ms(counts)
    result["list_first_page"] = _ms(pages)
    print("bell", result["bell_unread_count"], "list", result["list_first_page"])

    # 3. Retention.
    old = list(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)[::2])
    for start_at in range(0, len(old), 5000):
        Notification.objects.filter(pk__in=old[start_at : start_at + 5000]).update(
            read_at=now - timedelta(days=100)
        )
    start = time.perf_counter()
    deleted = services.purge_read()
    result["purge"] = {
        "deleted": deleted,
        "seconds": round(time.perf_counter() - start, 3),
    }
    print("purge", result["purge"])
    result["load_average_at_end"] = os.getloadavg()

    out = (
        ROOT / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}-notifications-{args.label}.json"
    )
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
