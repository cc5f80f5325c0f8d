"""Knowledge-base search at 20k articles (issue 7, R-KB-5): search latency and index update time.

Fills an empty database (migrated here) with N generated Chinese articles, published, spread over
the demo category tree and business lines, then measures, in-process and one at a time:

* **search**: ``kefu.kb.queries.find`` as an agent (the code behind the intake panel, the page
  and the API: restrict to articles in service, segment the query, full-text match, rank, fetch
  the page, cut highlighted snippets), over the relevance set's 59 questions plus 41 generated
  ones, each run ``--repeat`` times after a warm-up; p50 / p95 / p99 in milliseconds, and the
  share of searches that matched ``RANKED_MATCHES`` or more (only the newest that many ranked);
* **index update**: ``kefu.kb.workflow.revise`` on one article (a new version, the words
  re-segmented, the index row rewritten by the database, in one transaction), ``--updates``
  times, and a check that the new word is found at once.

Usage (from the repository root)::

    export KEFU_DATA_DIR=/tmp/kefu-kb-bench/sqlite      # SQLite, a fresh folder
    .venv/bin/python bench/kb_bench.py --label sqlite
    export KEFU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kefu_kb_bench   # created if missing
    .venv/bin/python bench/kb_bench.py --label pg

Writes ``bench/results/<date>-kb-<label>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLACES = ["上城区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]
PRODUCTS = ["光纤宽带", "固定电话", "无线市话", "IPTV", "电话卡", "彩铃", "来电显示", "融合套餐"]
ACTIONS = ["办理", "变更", "报修", "查询", "退订", "升级", "暂停", "恢复", "投诉", "咨询"]
EXTRA_QUERIES = [
    "宽带报修", "固话移机", "话费查询", "停机保号", "光猫", "发票", "资费", "改套餐", "欠费",
    "投诉处理时限", "上门时间", "电话卡余额", "声讯", "WiFi", "网速", "过户", "销号", "IPTV",
    "来电显示", "呼叫转移", "国际长途", "滞纳金", "营业厅", "预存款", "彩铃", "114", "掉线",
    "杂音", "没有拨号音", "融合套餐", "老年人", "靓号", "密码锁", "叫醒", "公用电话", "充值卡",
    "增值业务退订", "诈骗短信", "经理热线", "装维人员态度", "超时赔偿",
]  # fmt: skip


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "p99_ms": round(percentile(values, 99), 2),
        "max_ms": round(max(values), 2),
    }


def ensure_database() -> None:
    import dj_database_url
    import psycopg

    url = os.environ.get("KEFU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def generate(n: int, rng: random.Random) -> list[dict[str, Any]]:
    """N article texts: the demo articles' sentences recombined with places, products, actions."""
    from kefu.kb.demo_articles import ARTICLES

    rows = []
    for i in range(n):
        base = ARTICLES[rng.randrange(len(ARTICLES))]
        other = ARTICLES[rng.randrange(len(ARTICLES))]
        place, product, action = rng.choice(PLACES), rng.choice(PRODUCTS), rng.choice(ACTIONS)
        rows.append(
            {
                "path": base[0],
                "line": base[1],
                "title": f"{place}{product}{action}说明（第{i + 1}号）",
                "tags": f"{product},{action},{place}",
                "wording": f"{base[5]}{place}客户{action}{product}请按此口径答复。",
                "body": f"{base[6]}\n\n## 补充\n\n{other[6]}\n\n适用于{place}的{product}{action}。",
            }
        )
    return rows


def fill(n: int, seed: int) -> float:
    """Create N published articles in service; return the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from kefu.kb.demo import load_categories
    from kefu.kb.models import Article, ArticleVersion
    from kefu.kb.render import to_html
    from kefu.kb.search import index_parts
    from kefu.org.models import User
    from kefu.tickets.models import BusinessLine

    started = time.perf_counter()
    categories = load_categories()
    lines = {b.code: b for b in BusinessLine.objects.all()}
    editor = User.objects.get(employee_no="1042")
    now = timezone.now()
    rng = random.Random(seed)
    rows = generate(n, rng)
    for start in range(0, n, 2000):
        batch = []
        for row in rows[start : start + 2000]:
            article = Article(
                category=categories[row["path"]],
                business_line=lines.get(row["line"]),
                title=row["title"],
                tags=row["tags"],
                wording=row["wording"],
                body=row["body"],
                body_html=to_html(row["body"]),
                status="published",
                version=1,
                published_at=now,
                created_by=editor,
                updated_by=editor,
            )
            index_parts(article)
            batch.append(article)
        with transaction.atomic():
            created = Article.objects.bulk_create(batch)
            ArticleVersion.objects.bulk_create(
                ArticleVersion(
                    article=a,
                    number=1,
                    title=a.title,
                    body=a.body,
                    wording=a.wording,
                    tags=a.tags,
                    created_at=now,
                    created_by=editor,
                )
                for a in created
            )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query")
    parser.add_argument("--updates", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.kb import queries, search, workflow
    from kefu.kb.models import Article
    from kefu.kb.tests.test_relevance import RELEVANCE_SET
    from kefu.org.demo import load_org
    from kefu.org.models import User

    call_command("migrate", verbosity=0)
    load_org()
    existing = Article.objects.count()
    fill_seconds = fill(args.articles, args.seed) if existing == 0 else 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_article")
    total = Article.objects.count()
    agent, editor = User.objects.get(employee_no="1001"), User.objects.get(employee_no="1042")

    texts = [q for q, _ in RELEVANCE_SET] + EXTRA_QUERIES
    for text in texts[:10]:  # warm-up
        queries.find(agent, text)
    timings: list[float] = []
    matches: list[int] = []
    capped = 0
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            found = queries.find(agent, text)
            timings.append((time.perf_counter() - t0) * 1000)
            matches.append(found.total)
            capped += found.more

    rng = random.Random(args.seed)
    ids = list(Article.objects.values_list("pk", flat=True))
    run = time.time_ns() % 10**6  # differs between runs on a reused database
    updates: list[float] = []
    found_at_once = True
    for i in range(args.updates):
        article = Article.objects.get(pk=rng.choice(ids))
        word = f"kb{run}x{i}"  # one word, new in this run: found only in the revised article
        t0 = time.perf_counter()
        workflow.revise(editor, article, {"wording": f"{article.wording}{word}"}, "bench")
        updates.append((time.perf_counter() - t0) * 1000)
        hits = queries.find(agent, word, limit=1).hits
        found_at_once &= bool(hits) and hits[0].article.pk == article.pk

    result = {
        "label": args.label,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "database": connection.vendor,
        "articles": total,
        "fill_seconds": round(fill_seconds, 1),
        "queries": len(texts),
        "repeat": args.repeat,
        "median_matches_per_query": statistics.median(matches),
        # Searches where at least RANKED_MATCHES matched: only the newest that many were ranked
        # (and counted), so the median above is capped there too.
        "ranked_matches_limit": search.RANKED_MATCHES,
        "share_of_searches_at_the_limit": round(capped / len(timings), 3),
        "search": summary(timings),
        "index_update": summary(updates),
        "updated_article_found_at_once": found_at_once,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}",
    }
    out = ROOT / "bench" / "results" / f"{result['date']}-kb-{args.label}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
