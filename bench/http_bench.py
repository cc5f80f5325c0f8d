"""HTTP benchmarks of issue 3 against the real production server (gunicorn via ``kefu serve``).

    KEFU_DATA_DIR=/tmp/kefu-bench-100k .venv/bin/python bench/http_bench.py --label sqlite-100k

Takes the database from the environment like every Kefu command (``KEFU_DATABASE_URL`` or
``KEFU_DATA_DIR``), seeded by bench/seed.py. Starts ``kefu serve --no-worker --no-migrate
--workers 2 --threads T`` with KEFU_BENCH=1 (which adds the reference endpoint POST
/bench/insert/), logs in through the /login/ form as the demo manager 1070, issues an API token,
and measures with one client (Python threads, one keep-alive ``http.client`` connection each):

* reads, one request at a time: the order list (first page, filtered, 21st page by cursor, a
  page in the middle of the table), the API list, keyword / phone / number search on both;
* writes, C client threads for a fixed time: the bare one-row insert, the same insert behind the
  API layer (POST /bench/api/insert: token, the create's body validated) and POST /api/v1/tickets
  (with an Idempotency-Key), alternated, at each --threads value given; then the ratios.

Also records, in-process, how many SQL queries each read makes and the plan of its slowest one.
Writes bench/results/<date>-<label>.json and prints a summary.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["KEFU_BENCH"] = "1"

MANAGER, PASSWORD = "1070", "Kefu-demo-2026"
# Keyword queries: common words, combinations, rare words and one that matches nothing.
KEYWORDS = [
    ("common", "宽带"),
    ("common", "话费"),
    ("common-2", "宽带 断网"),
    ("common-2", "营业厅 态度"),
    ("3 words", "光猫 红色 闪烁"),
    ("rare", "失窃"),
    ("rare-2", "淳安 五常"),
    ("none", "量子计算"),
]
CREATE_TEMPLATES = [
    (
        "A1",
        "III",
        "宽带频繁断网",
        "客户反映家中千兆宽带晚上频繁掉线，光猫 LOS 灯红色闪烁，要求上门检修。",
    ),
    ("A1", "I", "话费被多扣", "客户查询账单发现本月多扣 20 元增值业务费，要求核实并退还。"),
    ("E", "", "咨询套餐资费", "客户咨询畅享融合套餐 199 元包含的流量和通话时长。"),
    ("A2", "II", "商户结算款延迟", "商户反映上月结算款至今未到账，要求说明原因。"),
    ("B", "", "商家合作意向", "连锁门店希望统一办理商务宽带，请客户经理联系。"),
]


# --- Client -------------------------------------------------------------------------------------


class Conn:
    """One keep-alive connection; reconnects when the server closed an idle one."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.headers = dict(headers or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, float, http.client.HTTPResponse]:
        all_headers = {**self.headers, **(headers or {})}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - start
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data, elapsed, response
        raise AssertionError("unreachable")


def stats(samples: list[float], errors: int = 0, **extra: Any) -> dict[str, Any]:
    ms = sorted(s * 1000 for s in samples)
    if not ms:
        return {"n": 0, "errors": errors, **extra}
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else [ms[0]] * 99
    return {
        "n": len(ms),
        "errors": errors,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "mean_ms": round(statistics.fmean(ms), 1),
        "min_ms": round(ms[0], 1),
        "max_ms": round(ms[-1], 1),
        **extra,
    }


def pooled(groups: list[list[float]]) -> dict[str, Any]:
    """Percentiles of a mix in which every group (query) weighs the same."""
    weighted = sorted((s * 1000, 1 / len(g)) for g in groups if g for s in g)
    total = sum(w for _, w in weighted)
    out: dict[str, Any] = {"queries": len(groups)}
    for name, p in (("p50_ms", 0.50), ("p95_ms", 0.95)):
        acc = 0.0
        for value, w in weighted:
            acc += w
            if acc >= p * total:
                out[name] = round(value, 1)
                break
    return out


def sequential(
    conn: Conn, path: str, n: int, cap_seconds: float, warmup: int = 5, expect: int = 200
) -> tuple[dict[str, Any], list[float]]:
    """``n`` requests one after the other (fewer if ``cap_seconds`` runs out)."""
    size = 0
    for _ in range(warmup):
        status, body, _, _ = conn.request("GET", path)
        size = len(body)
        if status != expect:
            raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")
    samples: list[float] = []
    errors = 0
    start = time.perf_counter()
    while len(samples) < n and time.perf_counter() - start < cap_seconds:
        status, body, elapsed, _ = conn.request("GET", path)
        if status != expect:
            errors += 1
        samples.append(elapsed)
    return stats(samples, errors, bytes=size, capped=len(samples) < n), samples


def throughput(
    make: Any, host: str, port: int, headers: dict[str, str], clients: int, seconds: float
) -> dict[str, Any]:
    """``clients`` threads sending ``make(i)`` = (path, body, extra headers) for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    statuses: list[dict[int, int]] = [{} for _ in range(clients)]
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def worker(k: int) -> None:
        conn = Conn(host, port, headers)
        rng = random.Random(k)
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            path, body, extra = make(rng)
            try:
                status, _, elapsed, _ = conn.request("POST", path, body, extra)
            except Exception:
                statuses[k][-1] = statuses[k].get(-1, 0) + 1
                continue
            statuses[k][status] = statuses[k].get(status, 0) + 1
            if status in (200, 201):
                latencies[k].append(elapsed)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ok = [x for group in latencies for x in group]
    merged: dict[str, int] = {}
    for d in statuses:
        for code, count in d.items():
            merged[str(code)] = merged.get(str(code), 0) + count
    errors = sum(c for code, c in merged.items() if code not in ("200", "201"))
    return stats(
        ok, errors, clients=clients, seconds=round(elapsed, 1),
        requests_per_s=round(len(ok) / elapsed, 1), statuses=merged,
    )  # fmt: skip


# --- Server -------------------------------------------------------------------------------------


def start_server(port: int, threads: int, log: Path) -> subprocess.Popen[bytes]:
    kefu = Path(sys.executable).with_name("kefu")
    command = [
        str(kefu), "serve", "--no-worker", "--no-migrate", "--workers", "2",
        "--threads", str(threads), "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    handle = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env={**os.environ, "KEFU_BENCH": "1"}, stdout=handle, stderr=handle
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"the server did not start; see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def login(host: str, port: int) -> dict[str, str]:
    """The session cookie of the demo manager, through the real login form."""
    conn = Conn(host, port)
    status, body, _, response = conn.request("GET", "/login/")
    cookies = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not match or "csrftoken" not in cookies:
        raise RuntimeError(f"no login form: {status}")
    form = urlencode(
        {"csrfmiddlewaretoken": match.group(1).decode(), "username": MANAGER, "password": PASSWORD}
    ).encode()
    status, body, _, response = conn.request(
        "POST", "/login/", form,
        {"Content-Type": "application/x-www-form-urlencoded",
         "Cookie": f"csrftoken={cookies['csrftoken'].value}"},
    )  # fmt: skip
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login failed: {status} {body[:300]!r}")
    return {"Cookie": f"sessionid={cookies['sessionid'].value}"}


# --- In-process analysis ------------------------------------------------------------------------


def analyse(paths: dict[str, str], token_headers: dict[str, str] | None) -> dict[str, Any]:
    """Queries per request and the plan of the slowest one, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kefu.org.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(employee_no=MANAGER))
    out: dict[str, Any] = {}
    for name, path in paths.items():
        headers = token_headers if path.startswith("/api/") else {}
        client.get(path, headers=headers)  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
        queries = [(float(q["time"]), q["sql"]) for q in ctx.captured_queries]
        slowest = max(queries, default=(0.0, ""))
        plan = ""
        if slowest[1].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1])
                else:
                    cur.execute("EXPLAIN QUERY PLAN " + slowest[1])
                plan = "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())
        out[name] = {
            "path": path,
            "status": response.status_code,
            "queries": len(queries),
            "sql_ms_total": round(sum(t for t, _ in queries) * 1000, 1),
            "slowest_ms": round(slowest[0] * 1000, 1),
            "slowest_sql": slowest[1][:2000],
            "plan": plan,
        }
    if token_headers:
        body = json.dumps(
            {"call_type": "A1", "channel": "phone", "title": "宽带频繁断网",
             "description": "客户反映家中千兆宽带晚上频繁掉线", "contact_phone": "13812345678",
             "contact_name": "测试客户", "level": "III", "request_kind": "fault"},
            ensure_ascii=False,
        )  # fmt: skip
        timings = []
        for _ in range(11):
            headers = {**token_headers, "Idempotency-Key": uuid.uuid4().hex}
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.post(
                    "/api/v1/tickets", body, content_type="application/json", headers=headers
                )
                timings.append(time.perf_counter() - start)
        sql = [q["sql"] for q in ctx.captured_queries]
        begin = next((i for i, q in enumerate(sql) if q.startswith(("BEGIN", "SAVEPOINT"))), 0)
        out["api_create"] = {
            "status": response.status_code,
            "queries": len(sql),
            "queries_in_transaction": len(sql) - begin,
            "in_process_ms_median_of_10": round(statistics.median(timings[1:]) * 1000, 1),
            "sql_ms_total": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 1),
            "sql": [q[:160] for q in sql],
        }
    return out


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="e.g. sqlite-100k; names the result file")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=200, help="per read case")
    parser.add_argument("--cap", type=float, default=40.0, help="seconds at most per read case")
    parser.add_argument("--clients", type=int, default=8, help="concurrent writers")
    parser.add_argument("--seconds", type=float, default=20.0, help="per write run")
    parser.add_argument("--rounds", type=int, default=2, help="bare/create alternations")
    parser.add_argument("--threads", default="4,1", help="gunicorn threads per worker to try")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--date",
        default=datetime.now(UTC).date().isoformat(),
        help="date in the result file name (default today, UTC: Django sets TZ to the center's)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from kefu.customers.models import ContactPoint
    from kefu.org.models import User
    from kefu.tickets.models import Ticket
    from kefu.tickets.queries import encode_cursor
    from kefu.tickets.queries import search as app_search

    vendor = connection.vendor
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    total = Ticket.objects.count()
    print(f"{vendor}: {total} orders; commit {commit}{' + uncommitted changes' if dirty else ''}")

    # API token (if the API and tokens exist yet).
    token_headers: dict[str, str] | None = None
    try:
        from kefu.org.tokens import issue_token

        _, key = issue_token(User.objects.get(employee_no=MANAGER), f"bench {uuid.uuid4().hex[:6]}")
        token_headers = {"Authorization": f"Bearer {key}"}
    except Exception as exc:
        print(f"no API token ({exc!r}); API parts skipped")

    # Data the requests need: a phone with orders, a cursor in the middle, a day's prefix.
    busiest = (
        Ticket.objects.exclude(customer=None)
        .values_list("customer_id", flat=True)
        .order_by("customer_id")
        .first()
    )
    phone_e164 = ContactPoint.objects.filter(customer_id=busiest).values_list("value", flat=True)[0]
    phone = phone_e164.removeprefix("+86")  # as an agent types it
    middle = Ticket.objects.order_by("-received_at", "-id")[total // 2]
    middle_cursor = encode_cursor(middle)
    recent = Ticket.objects.filter(call_type__code="A1").order_by("-received_at").first()
    day_prefix = recent.number.rsplit("-", 1)[0]  # A1-YYYYMMDD
    full_number = recent.number
    searches = [
        *KEYWORDS,
        ("phone", phone),
        ("number prefix", day_prefix),
        ("full number", full_number),
    ]
    hits = {}
    for _, q in searches:
        start = time.perf_counter()
        hits[q] = app_search(Ticket.objects.all(), q).count()
        hits[q + " (count ms)"] = round((time.perf_counter() - start) * 1000)

    host, port = "127.0.0.1", args.port
    log = Path(tempfile.gettempdir()) / f"kefu-bench-{args.label}-server.log"
    results: dict[str, Any] = {
        "label": args.label,
        "date": args.date,
        "commit": commit,
        "uncommitted_changes": dirty,
        "machine": {"cores": os.cpu_count(), "note": "2 shared cores, noisy neighbours"},
        "database": vendor,
        "database_name": str(settings.DATABASES["default"]["NAME"]),
        "orders": total,
        "server": "kefu serve --no-worker --no-migrate --workers 2 (gunicorn gthread)",
        "client": "Python http.client, keep-alive, one connection per client thread",
        "search_hits": hits,
        "load_average_at_start": os.getloadavg(),
    }

    thread_values = [int(x) for x in args.threads.split(",") if x]
    results["writes"] = []
    for index, threads in enumerate(thread_values):
        server = start_server(port, threads, log)
        try:
            session = login(host, port)
            if index == 0 and not args.skip_reads:
                results["server_threads_for_reads"] = threads
                run_reads(results, args, host, port, session, token_headers, searches,
                          middle_cursor)  # fmt: skip
            results["writes"].append(
                run_writes(args, host, port, threads, token_headers, phone_e164)
            )
        finally:
            stop_server(server)

    if not args.skip_reads:
        paths = {
            "list_first": "/tickets/?queue=all",
            "list_filtered": "/tickets/?queue=all&status=in_progress&call_type=A1",
            "list_middle": f"/tickets/?queue=all&cursor={middle_cursor}",
            "search_common": "/tickets/?queue=all&q=" + quote("宽带"),
            "search_rare": "/tickets/?queue=all&q=" + quote("失窃"),
            "search_none": "/tickets/?queue=all&q=" + quote("量子计算"),
            "search_number_prefix": "/tickets/?queue=all&q=" + quote(day_prefix),
            "search_phone": "/tickets/?queue=all&q=" + quote(phone),
        }
        if results.get("api_available"):
            paths["api_list"] = "/api/v1/tickets?queue=all"
            paths["api_search_common"] = "/api/v1/tickets?queue=all&q=" + quote("宽带")
        try:
            results["analysis"] = analyse(paths, token_headers)
        except Exception as exc:
            results["analysis"] = {"error": repr(exc)}

    results["load_average_at_end"] = os.getloadavg()
    results["commit_at_end"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    results["targets"] = targets(results)
    out = (
        Path(args.out)
        if args.out
        else ROOT / "bench" / "results" / (f"{results['date']}-{args.label}.json")
    )
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {out}")
    print(json.dumps(results["targets"], ensure_ascii=False, indent=2))


def run_reads(
    results: dict[str, Any], args: Any, host: str, port: int, session: dict[str, str],
    token_headers: dict[str, str] | None, searches: list[tuple[str, str]], middle_cursor: str,
) -> None:  # fmt: skip
    page = Conn(host, port, session)
    reads: dict[str, Any] = {}
    t0 = time.perf_counter()

    def case(name: str, conn: Conn, path: str) -> list[float]:
        reads[name], samples = sequential(conn, path, args.requests, args.cap)
        reads[name]["path"] = path
        print(f"  {name:<28} p50 {reads[name]['p50_ms']:7.1f} ms  p95 {reads[name]['p95_ms']:7.1f} "
              f"ms  n={reads[name]['n']}", flush=True)  # fmt: skip
        return samples

    case("list_first", page, "/tickets/?queue=all")
    case("list_filtered", page, "/tickets/?queue=all&status=in_progress&call_type=A1")
    case("list_filtered_common", page, "/tickets/?queue=all&status=closed&call_type=E")
    # Follow "older orders" 20 times, then measure the 21st page.
    path = "/tickets/?queue=all"
    for _ in range(20):
        _, body, _, _ = page.request("GET", path)
        match = re.search(rb'href="\?([^"]*cursor=[^"]+)" data-testid="next-page"', body)
        assert match, "no next page link"
        path = "/tickets/?" + match.group(1).decode().replace("&amp;", "&")
    case("list_page_21", page, path)
    case("list_middle_of_table", page, f"/tickets/?queue=all&cursor={middle_cursor}")

    api = Conn(host, port, token_headers or {})
    results["api_available"] = False
    if token_headers:
        status, body, _, _ = api.request("GET", "/api/v1/tickets?queue=all")
        results["api_available"] = status == 200
        if status != 200:
            print(f"  API list answered {status}: {body[:200]!r}; API reads skipped")
    if results["api_available"]:
        case("api_list", api, "/api/v1/tickets?queue=all")
        _, body, _, _ = api.request("GET", "/api/v1/tickets?queue=all")
        cursor = ""
        for _ in range(20):
            cursor = json.loads(body).get("next_cursor") or ""
            _, body, _, _ = api.request("GET", f"/api/v1/tickets?queue=all&cursor={cursor}")
        case("api_list_page_21", api, f"/api/v1/tickets?queue=all&cursor={cursor}")

    search_page: dict[str, Any] = {}
    search_api: dict[str, Any] = {}
    groups_page: list[list[float]] = []
    groups_api: list[list[float]] = []
    keyword_page: list[list[float]] = []
    keyword_api: list[list[float]] = []
    for kind, q in searches:
        path = "/tickets/?queue=all&q=" + quote(q)
        search_page[q], samples = sequential(page, path, args.requests, args.cap)
        search_page[q]["kind"] = kind
        groups_page.append(samples)
        if kind not in ("phone", "number prefix", "full number"):
            keyword_page.append(samples)
        line = f"  search {kind:<13} {q:<14} page p50 {search_page[q]['p50_ms']:7.1f} p95 " \
               f"{search_page[q]['p95_ms']:7.1f}"  # fmt: skip
        if results["api_available"]:
            apath = "/api/v1/tickets?queue=all&q=" + quote(q)
            search_api[q], samples = sequential(api, apath, args.requests, args.cap)
            search_api[q]["kind"] = kind
            groups_api.append(samples)
            if kind not in ("phone", "number prefix", "full number"):
                keyword_api.append(samples)
            line += f" | api p50 {search_api[q]['p50_ms']:7.1f} p95 {search_api[q]['p95_ms']:7.1f}"
        print(line, flush=True)
    results["reads"] = reads
    results["search_page"] = search_page
    results["search_api"] = search_api
    results["search_mix"] = {
        "note": "every query weighs the same",
        "page_all": pooled(groups_page),
        "page_keywords": pooled(keyword_page),
        "api_all": pooled(groups_api) if groups_api else None,
        "api_keywords": pooled(keyword_api) if keyword_api else None,
    }
    results["reads_seconds"] = round(time.perf_counter() - t0)


def run_writes(
    args: Any, host: str, port: int, threads: int, token_headers: dict[str, str] | None,
    known_phone: str,
) -> dict[str, Any]:  # fmt: skip
    from kefu.customers.models import ContactPoint

    phones = list(
        ContactPoint.objects.filter(kind="phone")
        .order_by("?")
        .values_list("value", flat=True)[:2000]
    ) or [known_phone]
    run: dict[str, Any] = {"threads": threads, "bare": [], "api_insert": [], "create": []}

    def bare(rng: random.Random) -> tuple[str, bytes, dict[str, str]]:
        return "/bench/insert/", b"", {"X-Bench-Note": "ref"}

    def api_insert(rng: random.Random) -> tuple[str, bytes, dict[str, str]]:
        """The create's request (token, same body) answered by one row: the API layer's cost."""
        _, body, extra = create(rng)
        return "/bench/api/insert", body, extra

    def create(rng: random.Random) -> tuple[str, bytes, dict[str, str]]:
        code, level, title, description = rng.choice(CREATE_TEMPLATES)
        if rng.random() < 0.7:
            phone = rng.choice(phones)  # a known customer calls again
        else:
            phone = f"1{rng.choice(('38', '39', '50', '86', '89'))}{rng.randrange(10**8):08d}"
        body = {
            "call_type": code, "channel": "phone", "title": title,
            "description": description, "contact_phone": phone, "contact_name": "测试客户",
            "level": level, "request_kind": "fault" if level else "business",
        }  # fmt: skip
        return (
            "/api/v1/tickets",
            json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex},
        )

    api_ok = False
    if token_headers:
        conn = Conn(host, port, token_headers)
        path, body, extra = create(random.Random(0))
        status, data, _, _ = conn.request("POST", path, body, extra)
        api_ok = status == 201
        if not api_ok:
            print(f"  create answered {status}: {data[:300]!r}; create skipped")
    for _ in range(args.rounds):
        result = throughput(bare, host, port, {}, args.clients, args.seconds)
        run["bare"].append(result)
        print(f"  [threads={threads}] bare insert   {result['requests_per_s']:7.1f}/s  p50 "
              f"{result.get('p50_ms')} p95 {result.get('p95_ms')} ms  {result['statuses']}",
              flush=True)  # fmt: skip
        if api_ok:
            for name, make in (("api_insert", api_insert), ("create", create)):
                result = throughput(make, host, port, token_headers or {}, args.clients,
                                    args.seconds)  # fmt: skip
                run[name].append(result)
                print(f"  [threads={threads}] {name:<12}  {result['requests_per_s']:7.1f}/s  p50 "
                      f"{result.get('p50_ms')} p95 {result.get('p95_ms')} ms  "
                      f"{result['statuses']}", flush=True)  # fmt: skip
    if run["create"]:
        bare_rate = statistics.fmean(r["requests_per_s"] for r in run["bare"])
        create_rate = statistics.fmean(r["requests_per_s"] for r in run["create"])
        api_rate = statistics.fmean(r["requests_per_s"] for r in run["api_insert"])
        run["bare_per_s"] = round(bare_rate, 1)
        run["api_insert_per_s"] = round(api_rate, 1)
        run["create_per_s"] = round(create_rate, 1)
        run["ratio"] = round(create_rate / bare_rate, 2) if bare_rate else None
        run["api_insert_ratio"] = round(api_rate / bare_rate, 2) if bare_rate else None
    return run


def targets(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    reads = results.get("reads", {})
    if reads:
        worst = max((r["p95_ms"], name) for name, r in reads.items() if "p95_ms" in r)
        out["list_p95_under_100ms"] = {"worst_case": worst[1], "p95_ms": worst[0],
                                       "met": worst[0] < 100}  # fmt: skip
    for scope in ("search_page", "search_api"):
        data = results.get(scope) or {}
        if data:
            worst = max((r["p95_ms"], q) for q, r in data.items() if "p95_ms" in r)
            out[f"{scope}_p95_under_100ms"] = {"worst_query": worst[1], "p95_ms": worst[0],
                                               "met": worst[0] < 100}  # fmt: skip
    for run in results.get("writes", []):
        if run.get("ratio") is not None:
            out[f"create_vs_bare_threads_{run['threads']}"] = {
                "create_per_s": run["create_per_s"], "bare_per_s": run["bare_per_s"],
                "ratio": run["ratio"], "met": run["ratio"] >= 0.5,
                "api_insert_per_s": run["api_insert_per_s"],
                "api_insert_ratio": run["api_insert_ratio"],
            }  # fmt: skip
    return out


if __name__ == "__main__":
    main()
