"""Fill a database with N realistic work orders, fast (benchmark set-up, issue 3).

    KEFU_DATA_DIR=/tmp/kefu-bench-100k .venv/bin/python bench/seed.py --rows 100000
    KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_bench_1m \\
        .venv/bin/python bench/seed.py --rows 1000000

Runs ``kefu migrate`` (with KEFU_BENCH=1, so the reference table exists too), loads the demo
organisation, then bulk-inserts customers (N/5, each with a phone contact point) and orders with
their timeline events, dispatches and pending drafts, in batches of one transaction each:
``executemany`` on SQLite, ``COPY`` on PostgreSQL, with ids assigned here (Django's
``bulk_create`` spends ~0.4 ms of Python per order preparing values, 35 minutes for a million;
see bench/README.md). The rows bypass ``kefu.tickets.actions``
(that is what makes a million rows take minutes, not hours) but are what the actions would have
written: numbers ``<type>-<YYYYMMDD>-<NNNN>`` unique per type and day with ``TicketSequence`` set
to the last one, received over three years (newer ones more often), every type, level, channel
and state, routing by R-WO-2 defaults (department and handler on dispatched orders), first-contact
owners among the demo agents, versions equal to the number of timeline events, and
``search_text`` equal to ``index_text(title, description, contact_name)``. A PostgreSQL database
named in the URL is created if missing; it ends with ANALYZE. The database must have no orders.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KEFU_BENCH", "1")

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

TYPE_WEIGHTS = {"A1": 30, "A2": 6, "B": 4, "C": 2, "D": 5, "E": 45, "F": 8}
LEVEL_WEIGHTS = {"I": 35, "II": 30, "III": 25, "IV": 10}
CHANNEL_WEIGHTS = {
    "phone": 58, "outbound": 3, "email": 5, "fax": 1, "letter": 2, "walk_in": 3, "wechat": 9,
    "weibo": 2, "web": 9, "recording": 4, "memo": 2, "external": 2,
}  # fmt: skip
TEXT_CHANNELS = {"email", "fax", "letter", "walk_in", "memo", "external"}
TIER_WEIGHTS = {"ordinary": 970, "vip": 15, "major": 7, "important": 5, "leased_line": 3}
# Open states on the dispatch path, weighted as a working center's backlog looks.
DISPATCH_OPEN = {
    "registered": 10, "awaiting_review": 10, "dispatched": 15, "in_progress": 35,
    "fed_back": 15, "pending_callback": 15,
}  # fmt: skip
DISPATCH_PATH = [
    "registered", "awaiting_review", "dispatched", "in_progress", "fed_back", "pending_callback",
    "closed",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆林琳晨欣怡梓涵子轩雨萱浩然一诺佳宁思远志强海燕春梅秋菊冬雪晓东小龙"  # noqa: E501
COMPANY_HEADS = ["华", "鑫", "恒", "瑞", "金", "宏", "博", "新", "天", "正", "诚", "盛", "达", "安"]
COMPANY_TAILS = ["商贸有限公司", "科技有限公司", "物流有限公司", "餐饮店", "超市", "酒店", "建材行"]
MOBILE_PREFIXES = ["133", "135", "136", "138", "139", "150", "151", "153", "177", "180",
                   "181", "186", "187", "189", "199"]  # fmt: skip
SOLUTIONS = [
    ("已上门更换光猫，网络恢复正常", "客户确认网速正常"),
    ("已核实多扣费用并办理退费", "客户接受退费方案"),
    ("已向客户道歉并对相关人员批评教育", "客户表示理解"),
    ("已重新预约上门并按时完成装机", "客户满意"),
    ("已取消未经同意开通的业务并退还费用", "客户认可"),
    ("已排查线路，更换入户光缆", "故障消除"),
    ("已与商户对账并补发结算款", "商户确认到账"),
    ("已安排客户经理上门洽谈", "客户同意进一步沟通"),
    ("已向媒体提供书面说明", "媒体未再追问"),
    ("已由被投诉人上级当面致歉", "客户基本满意"),
]


def _weighted(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    keys = list(weights)
    return keys, list(itertools.accumulate(weights[k] for k in keys))


class Picker:
    """Fast weighted choice: bisect over cumulative weights."""

    def __init__(self, weights: dict[str, int], rng: random.Random) -> None:
        self.keys, self.cum = _weighted(weights)
        self.total = self.cum[-1]
        self.rng = rng

    def __call__(self) -> str:
        return self.keys[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


class Writer:
    """Inserts plain tuples into a model's table: ``executemany`` on SQLite, ``COPY`` on
    PostgreSQL. Values must already be in the database's form (see ``dt`` and ``flag``)."""

    def __init__(
        self,
        connection: Any,
        model: Any,
        fields: list[str],
        constants: dict[str, Any] | None = None,
    ) -> None:
        """``constants``: columns with the same value on every row (the model defaults of
        columns the seed does not vary; raw inserts get no Django defaults)."""
        self.connection = connection
        self.table = model._meta.db_table
        self.constants = tuple((constants or {}).values())
        names = [*fields, *(constants or {})]
        self.columns = [model._meta.get_field(name).column for name in names]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.constants)

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        raw = self.connection.connection
        if self.connection.vendor == "postgresql":
            with raw.cursor() as cur, cur.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            sql = f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})'  # noqa: S608 - our names
            raw.executemany(sql, self.rows)
        self.count += len(self.rows)
        self.rows = []


def ensure_postgres_database(url: str) -> None:
    """Create the database of a postgres:// URL if it does not exist."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        return
    params = {
        "host": cfg["HOST"] or "127.0.0.1",
        "port": cfg["PORT"] or 5432,
        "user": cfg["USER"] or "postgres",
        "password": cfg["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if exists.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
            print(f"created PostgreSQL database {cfg['NAME']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="number of orders")
    parser.add_argument("--batch", type=int, default=5000, help="orders per transaction")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument(
        "--events", choices=["full", "first", "none"], default="full",
        help="timeline events: every step of each order's path, only 'registered', or none",
    )  # fmt: skip
    parser.add_argument("--pool", type=int, default=0, help="distinct texts (default min(N, 200k))")
    args = parser.parse_args()

    url = os.environ.get("KEFU_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import texts
    from kefu.customers.models import ContactPoint, Customer
    from kefu.org.demo import load_org
    from kefu.org.models import Department, User
    from kefu.tickets.models import (
        BusinessLine,
        CallType,
        Dispatch,
        DispatchDraft,
        Nature,
        RequestKind,
        SuggestionSubject,
        Ticket,
        TicketSequence,
        TimelineEvent,
    )
    from kefu.tickets.numbering import format_number

    started = time.perf_counter()
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    load_org()
    if Ticket.objects.exists():
        sys.exit("This database already has orders; seed an empty one.")
    print(f"migrated and loaded the demo org in {time.perf_counter() - started:.1f}s")

    vendor = connection.vendor
    connection.ensure_connection()
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-200000")
        else:
            cur.execute("SET synchronous_commit TO off")

    if vendor == "sqlite":
        # What Django stores: UTC without offset, str() form, booleans as 0/1.
        def dt(value: datetime | None) -> Any:
            return None if value is None else str(value.replace(tzinfo=None))

        flag: Any = int
    else:

        def dt(value: datetime | None) -> Any:
            return value

        flag = bool

    rng = random.Random(args.seed)
    tz = ZoneInfo(settings.TIME_ZONE)
    now = datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0)
    n = args.rows

    staff = {u.employee_no: u for u in User.objects.all()}
    dept = {d.code: d for d in Department.objects.all()}
    types = {c.code: c for c in CallType.objects.all()}
    request_kinds = {r.code: r.pk for r in RequestKind.objects.all()}
    business_lines = [b.pk for b in BusinessLine.objects.all()]
    natures = [x.pk for x in Nature.objects.all()]
    subjects = [x.pk for x in SuggestionSubject.objects.all()]
    agents = [staff[e] for e in ("1001", "1002", "1003", "1004", "1010", "1011")]
    seniors = [staff["1020"], staff["1021"], staff["1022"]]
    text_clerk, recording_clerk, callback = staff["1040"], staff["1041"], staff["1030"]
    complainable = [staff[e] for e in ("1001", "1002", "1003", "1004")]
    route_dept = {"A1": "city-service", "A2": "group-market", "B": "market-ops", "C": "media"}

    # --- Customers: N/5, each with a unique mobile number ---------------------------------
    t0 = time.perf_counter()
    n_customers = max(n // 5, 10)
    tier_pick = Picker(TIER_WEIGHTS, rng)
    numbers = rng.sample(range(10**8), n_customers)
    customers: list[tuple[int, str, str, bool]] = []  # (pk, name, phone, needs_senior)
    senior_tiers = {"vip", "major", "important", "leased_line"}
    customer_writer = Writer(
        connection,
        Customer,
        ["id", "name", "kind", "customer_type", "tier", "region", "notes", "created_at"],
        constants={
            "source": "hotline",
            "external_id": "",
            "id_number": "",
            "registered_on": now.date().isoformat(),
            "updated_at": dt(now),
        },
    )
    contact_writer = Writer(connection, ContactPoint, ["customer", "kind", "value", "is_primary"])
    first_customer = Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_customer += 1
    for start in range(0, n_customers, 5000):
        chunk = range(start, min(start + 5000, n_customers))
        for i in chunk:
            organisation = rng.random() < 0.08
            if organisation:
                name = (
                    rng.choice(texts.DISTRICTS)[:2]
                    + rng.choice(COMPANY_HEADS)
                    + rng.choice(COMPANY_HEADS)
                    + rng.choice(COMPANY_TAILS)
                )
            else:
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
            tier = tier_pick()
            pk = first_customer + i
            kind = "organisation" if organisation else "person"
            ctype = "merchant" if organisation and rng.random() < 0.5 else "end_user"
            region = rng.choice(texts.DISTRICTS)
            customer_writer.add((pk, name, kind, ctype, tier, region, "", dt(now)))
            phone = f"+86{MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]}{numbers[i]:08d}"
            contact_writer.add((pk, "phone", phone, flag(True)))
            customers.append((pk, name, phone, tier in senior_tiers))
        with transaction.atomic():
            customer_writer.flush()
            contact_writer.flush()
    print(f"{n_customers} customers in {time.perf_counter() - t0:.1f}s")

    # --- Texts: a pool per call type with exact search words ------------------------------
    t0 = time.perf_counter()
    pool_size = args.pool or min(n, 200_000)
    type_pick = Picker(TYPE_WEIGHTS, rng)
    total_weight = sum(TYPE_WEIGHTS.values())
    pools = {
        code: texts.text_pool(code, max(50, pool_size * w // total_weight), rng)
        for code, w in TYPE_WEIGHTS.items()
    }
    print(f"{sum(map(len, pools.values()))} distinct texts in {time.perf_counter() - t0:.1f}s")

    # --- Orders -----------------------------------------------------------------------------
    level_pick = Picker(LEVEL_WEIGHTS, rng)
    channel_pick = Picker(CHANNEL_WEIGHTS, rng)
    open_pick = Picker(DISPATCH_OPEN, rng)
    span = timedelta(days=365.25 * args.years).total_seconds()
    # Received times ascending (ids grow with time, as in a live system); newer more often.
    ages = sorted((span * rng.random() ** 1.3 + 60 for _ in range(n)), reverse=True)
    sequences: dict[str, int] = {}
    counts = {"orders": 0, "events": 0, "dispatches": 0, "drafts": 0}
    statuses: dict[str, int] = {}
    t_orders = time.perf_counter()
    last_report = t_orders

    def gap(t: datetime, steps_left: int, limit: timedelta = 2 * DAY) -> datetime:
        room = (now - t).total_seconds() / (steps_left + 1)
        return t + timedelta(seconds=rng.uniform(0.1, 1.0) * min(limit.total_seconds(), room))

    ticket_fields = [
        "id", "number", "call_type", "request_kind", "business_line", "nature",
        "suggestion_subject", "level", "priority", "urgent", "senior_only", "channel", "status",
        "customer", "contact_name", "contact_phone", "title", "description", "complained_staff",
        "received_at", "registered_at", "registered_by", "owner", "department", "handler",
        "help_requested", "has_pending_draft", "resolution", "close_reason", "closed_at",
        "search_text", "version", "updated_at", "updated_by",
    ]  # fmt: skip
    ticket_writer = Writer(
        connection,
        Ticket,
        ticket_fields,
        constants={
            "escalation_level": 0,
            "at_manager_hotline": flag(False),
            "waiting_on_customer": flag(False),
        },
    )
    event_writer = Writer(
        connection,
        TimelineEvent,
        ["ticket", "kind", "actor", "at", "from_status", "to_status", "body", "visibility", "data"],
    )
    dispatch_writer = Writer(
        connection,
        Dispatch,
        ["ticket", "department", "handler", "instructions", "dispatched_at", "dispatched_by",
         "reviewed_by", "ended_at"],
    )  # fmt: skip
    draft_writer = Writer(
        connection,
        DispatchDraft,
        ["ticket", "kind", "status", "department", "handler", "instructions", "drafted_by",
         "drafted_at", "review_note"],
    )  # fmt: skip
    next_id = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    keep_events = {"full": None, "first": 1, "none": 0}[args.events]
    for start in range(0, n, args.batch):
        batch_ages = ages[start : start + args.batch]
        for age in batch_ages:
            code = type_pick()
            complaint = code in ("A1", "A2", "D")
            level = level_pick() if complaint else ""
            channel = channel_pick()
            received = now - timedelta(seconds=age)
            if channel in TEXT_CHANNELS:
                registered = min(received + timedelta(hours=rng.uniform(0.2, 20)), now)
            else:
                registered = min(received + timedelta(seconds=rng.uniform(20, 240)), now)

            if code == "F" and rng.random() < 0.7:
                customer = None
                contact_name = ""
                phone = f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
            else:
                customer = customers[int(len(customers) * rng.random() ** 2)]
                contact_name, phone = customer[1], customer[2]
            senior_only = bool(customer and customer[3])
            urgent = rng.random() < 0.04 or (senior_only and complaint)

            if channel == "recording":
                owner = recording_clerk
            elif channel in TEXT_CHANNELS and rng.random() < 0.6:
                owner = text_clerk
            elif senior_only:
                owner = rng.choice(seniors)
            else:
                owner = rng.choice(agents)

            # Route (R-WO-2 defaults) and state.
            age_days = age / 86400
            p_closed = 0.97 if age_days > 30 else (0.5 if age_days > 2 else 0.1)
            closed = rng.random() < p_closed
            department = handler = complained = None
            if code == "F":
                route = "harassment"
            elif code == "E" or (code == "A1" and level in ("I", "II")):
                route = "center"
            else:
                route = "dispatch"
                if code == "D":
                    complained = rng.choice(complainable)
                    department = complained.team or complained.department
                    handler = department.head
                else:
                    department = dept[route_dept[code]]
                    handler = department.responsible or department.head

            events: list[tuple[str, Any, datetime, str, str, dict]] = []
            t = registered
            events.append(("registered", owner, t, "", "registered",
                           {"channel": channel, "urgent": urgent}))  # fmt: skip
            close_reason = resolution = ""
            closed_at = None
            help_requested = pending_draft = False
            dispatch_row = None
            if route == "harassment":
                t = gap(t, 1, 10 * MINUTE)
                events.append(("closed_harassment", owner, t, "registered", "closed", {}))
                status, close_reason, closed_at = "closed", "harassment", t
            elif route == "center":
                status = "closed" if closed else rng.choice(("registered", "pending_callback",
                                                             "pending_callback"))  # fmt: skip
                if status != "registered":
                    t = gap(t, 2, 30 * MINUTE)
                    events.append(("resolved_first_contact", owner, t, "registered",
                                   "pending_callback", {}))  # fmt: skip
                    resolution = rng.choice(SOLUTIONS)[0]
                if status == "closed":
                    t = gap(t, 1)
                    events.append(("closed", callback, t, "pending_callback", "closed", {}))
                    close_reason, closed_at = "resolved", t
            else:
                status = "closed" if closed else open_pick()
                withdrawn = status == "closed" and rng.random() < 0.04
                target = DISPATCH_PATH.index("in_progress" if withdrawn else status)
                direct = urgent or senior_only
                names = {"department": department.name, "handler": handler.name}
                dispatched_at = None
                for step in DISPATCH_PATH[1 : target + 1]:
                    left = target - DISPATCH_PATH.index(step) + 1
                    prev_status = events[-1][4] or "registered"
                    t = gap(t, left)
                    if step == "awaiting_review":
                        if direct and target > 1:
                            continue
                        data = {"kind": "dispatch", **names}
                        events.append(
                            ("draft_submitted", owner, t, prev_status, "awaiting_review", data)
                        )
                        pending_draft = target == 1
                    elif step == "dispatched":
                        reviewer = rng.choice(seniors)
                        kind = "dispatched" if direct else "draft_approved"
                        events.append((kind, reviewer, t, prev_status, "dispatched", names))
                        dispatched_at = t
                        dispatch_row = [reviewer, t, None]
                    elif step == "in_progress":
                        events.append(("accepted", handler, t, prev_status, "in_progress", {}))
                        help_requested = status == "in_progress" and rng.random() < 0.03
                    elif step == "fed_back":
                        solution, effect = rng.choice(SOLUTIONS)
                        resolution = solution
                        events.append(("feedback", handler, t, prev_status, "fed_back", {
                            "contacted_at": t.isoformat(), "solution": solution,
                            "effect": effect, "remaining": ""}))  # fmt: skip
                    elif step == "pending_callback":
                        events.append(("confirmed", owner, t, prev_status, "pending_callback", {}))
                        if dispatch_row:
                            dispatch_row[2] = t
                    elif step == "closed":
                        events.append(("closed", callback, t, prev_status, "closed", {}))
                        close_reason, closed_at = "resolved", t
                if withdrawn:
                    t = gap(t, 1)
                    events.append(("withdrawn", owner, t, "in_progress", "closed", {}))
                    status, close_reason, closed_at = "closed", "withdrawn", t
                    if dispatch_row:
                        dispatch_row[2] = t
                if dispatched_at is None:  # not dispatched yet: no department on the order
                    shown_department = shown_handler = None
                else:
                    shown_department, shown_handler = department, handler

            if route != "dispatch":
                shown_department = shown_handler = None
            day = registered.astimezone(tz).strftime("%Y%m%d")
            key = f"{code}-{day}"
            seq = sequences.get(key, 0) + 1
            sequences[key] = seq
            text = rng.choice(pools[code])
            if code in ("A1", "A2", "D"):
                kind_code = rng.choice(("fault", "incident", "repair", "audit"))
            elif code == "B":
                kind_code = rng.choice(("business", "cooperation"))
            elif code == "E":
                kind_code = rng.choice(("business", "business", "suggestion", "other", "survey"))
            else:
                kind_code = "other"
            last = events[-1]
            pk = next_id
            next_id += 1
            if urgent or rng.random() < 0.08:
                priority = "high"
            else:
                priority = "low" if rng.random() < 0.05 else "normal"
            ticket_writer.add((
                pk,
                format_number(code, day, seq),
                types[code].pk,
                request_kinds[kind_code],
                rng.choice(business_lines) if code not in ("C", "F") else None,
                rng.choice(natures) if complaint else None,
                rng.choice(subjects) if kind_code == "suggestion" else None,
                level,
                priority,
                flag(urgent),
                flag(senior_only),
                channel,
                status,
                customer[0] if customer else None,
                contact_name,
                phone,
                text.title,
                text.description,
                complained.pk if complained else None,
                dt(received),
                dt(registered),
                owner.pk,
                owner.pk,
                shown_department.pk if shown_department else None,
                shown_handler.pk if shown_handler else None,
                flag(help_requested),
                flag(pending_draft),
                resolution,
                close_reason,
                dt(closed_at),
                texts.search_text(text, contact_name),
                len(events),
                dt(last[2]),
                last[1].pk,
            ))  # fmt: skip
            for kind, actor, at, before, after, data in events[:keep_events]:
                visibility = "customer" if kind in ("feedback", "closed") else "internal"
                event_writer.add(
                    (pk, kind, actor.pk, dt(at), before, after, "", visibility, json.dumps(data))
                )
            if pending_draft:
                draft_writer.add((pk, "dispatch", "pending", department.pk, handler.pk, "",
                                  owner.pk, dt(events[-1][2]), ""))  # fmt: skip
            if dispatch_row:
                reviewer, at, ended = dispatch_row
                dispatch_writer.add((pk, department.pk, handler.pk, "", dt(at), owner.pk,
                                     reviewer.pk, dt(ended)))  # fmt: skip
            statuses[status] = statuses.get(status, 0) + 1

        with transaction.atomic():
            for writer in (ticket_writer, event_writer, dispatch_writer, draft_writer):
                writer.flush()
        counts["orders"] = ticket_writer.count
        counts["events"] = event_writer.count
        counts["dispatches"] = dispatch_writer.count
        counts["drafts"] = draft_writer.count
        if time.perf_counter() - last_report > 10 or counts["orders"] == n:
            last_report = time.perf_counter()
            elapsed = last_report - t_orders
            print(
                f"  {counts['orders']:>9} orders {counts['events']:>9} events "
                f"{elapsed:7.1f}s {counts['orders'] / elapsed:8.0f} orders/s",
                flush=True,
            )

    with transaction.atomic():
        TicketSequence.objects.bulk_create(
            [TicketSequence(key=k, value=v) for k, v in sequences.items()], batch_size=500
        )
        if vendor == "postgresql":  # ids were given here: move the id sequences past them
            with connection.cursor() as cur:
                for model in (Customer, Ticket):
                    table = model._meta.db_table
                    sql = (
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                    cur.execute(sql)
    orders_seconds = time.perf_counter() - t_orders
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        if vendor == "postgresql":
            cur.execute("ANALYZE")
        else:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finish = time.perf_counter() - t0
    total = time.perf_counter() - started
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(
        f"done: {counts['orders']} orders, {counts['events']} events, {counts['dispatches']} "
        f"dispatches, {counts['drafts']} pending drafts, {len(sequences)} number sequences\n"
        f"orders: {orders_seconds:.1f}s = {counts['orders'] / orders_seconds:.0f} orders/s "
        f"({(counts['orders'] + counts['events']) / orders_seconds:.0f} rows/s with events); "
        f"{'ANALYZE' if vendor == 'postgresql' else 'checkpoint'} {finish:.1f}s; total {total:.1f}s"
    )


if __name__ == "__main__":
    main()
