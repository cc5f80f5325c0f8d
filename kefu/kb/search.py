"""Chinese keyword search over articles (R-KB-5), in each database's own full-text engine.

Each article stores its words (``kefu.lib.segment``) in three parts, weighted for ranking:
title and tags (strongest), the unified wording, then the body. PostgreSQL keeps a weighted
``tsvector`` in a stored generated column with a GIN index and ranks with ``ts_rank``; SQLite
keeps an FTS5 table in step by triggers and ranks with ``bm25`` (migration 0002). PostgreSQL
keeps the vector in the article row, not in the TOAST table, and a second, small vector of the
title and wording for the search in those only (migration 0003).

A query is cut into words the same way; question words (怎么, 为什么 …) are dropped, and the
others are OR-ed, so an article that matches more of them, in stronger parts, ranks first.
Snippets are cut and highlighted in Python from the page of results only.

At 20k articles (issue 7, bench/kb_bench.py) a common word matches thousands: when
``RANKED_MATCHES`` or more match, only the newest that many are ranked (and counted, in the
same query), and the result says "at least". Document frequencies for the search by rare words
come from the planner's statistics on PostgreSQL for the common words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, TextField
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kefu.kb.models import Article, ArticleQuerySet, Category
from kefu.lib.segment import index_text, words

# Words that say how the caller asks, not what about: dropped from queries (never from the
# index, so an article titled "怎么办理" is still found by its other words).
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "我",
        "你",
        "他",
        "她",
        "我们",
        "你们",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "要",
        "想",
        "能",
        "可以",
        "可",
        "会",
        "怎么",
        "怎么样",
        "怎样",
        "如何",
        "为什么",
        "为何",
        "什么",
        "哪里",
        "哪个",
        "哪些",
        "多少",
        "几",
        "是否",
        "有没有",
        "请问",
        "一下",
        "那",
        "这",
        "这个",
        "那个",
        "个",
        "一个",
        "给",
        "让",
        "被",
        "把",
        "对",
        "说",
        "问",
        "办",
        "时候",
        "现在",
        "不",
        "没",
        "没有",
    ]
)

# How callers say it → the words the articles use. Looked up in the query's text (a phrase may
# be cut into several words) and added to the query, never replacing its words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "多少钱": ("资费",),
    "价格": ("资费",),
    "费用": ("资费",),
    "小灵通": ("无线市话",),
    "座机": ("固定电话",),
    "固话": ("固定电话",),
    "网络": ("宽带",),
    "上网": ("宽带",),
    "交费": ("缴费",),
    "充话费": ("缴费",),
}

# Weight of title+tags, wording, body: PostgreSQL's {D, C, B, A} array and SQLite's bm25 weights.
PG_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
FTS_WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_CHARS = 90
# A search by any word ranks at most about this many articles (see ``distinctive``).
CUTOFF_DOCUMENTS = 1000
# When this many articles or more match, only the newest this many are ranked and the total
# reads "at least": ranking costs per match, and at 20k articles a common word matches
# thousands (issue 7: search p95 under 50 ms at 20k articles, bench/kb_bench.py).
RANKED_MATCHES = 500
# PostgreSQL takes a word's document frequency from the planner's estimate above this many.
ESTIMATED_ABOVE = 200
# What a result shows: fetched for the page of hits only.
HIT_FIELDS = (
    "id", "title", "wording", "body_html", "tags", "status", "version", "published_at",
    "category__name", "business_line__name",
)  # fmt: skip


@dataclass
class Hit:
    article: Article
    score: float
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class Results:
    query: str
    terms: list[str]
    total: int
    hits: list[Hit]
    # ``total`` is a lower bound: at least that many match, the newest were ranked
    # (``RANKED_MATCHES``).
    more: bool = False


# One engine's answer: the page's (article id, score), how many matched, whether even more did.
Ranked = tuple[list[tuple[int, float]], int, bool]


def query_words(text: str) -> tuple[list[str], list[str]]:
    """The words of a query that carry meaning (all words if every one is a stop word), and
    the words the articles use for the caller's phrases in it."""
    text = text[:200]
    found = words(text)
    meaningful = [w for w in found if w not in STOP_WORDS] or found
    lowered = text.lower()
    extra = [
        word
        for phrase, said in SYNONYMS.items()
        if phrase in lowered
        for word in said
        if word not in meaningful
    ]
    return meaningful, list(dict.fromkeys(extra))


def query_terms(text: str) -> list[str]:
    said, extra = query_words(text)
    return said + extra


def index_parts(article: Article) -> None:
    """Fill an article's search columns; call before saving a change to its text."""
    article.search_title = index_text(article.title, article.tags.replace(",", " "))
    article.search_wording = index_text(article.wording)
    article.search_body = index_text(article.body, article.notice_ref)


def category_ids(category: Category) -> list[int]:
    """The category and every category below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, stack = [], [category.pk]
    while stack:
        current = stack.pop()
        if current not in ids:
            ids.append(current)
            stack.extend(children.get(current, []))
    return ids


def filtered(
    qs: ArticleQuerySet, category: Category | None = None, business_line: Any = None
) -> ArticleQuerySet:
    if category is not None:
        qs = qs.filter(category_id__in=category_ids(category))
    if business_line is not None:
        qs = qs.filter(business_line=business_line)
    return qs


def search(qs: ArticleQuerySet, text: str, *, limit: int = 20, offset: int = 0) -> Results:
    """Rank the articles of ``qs`` (already restricted and filtered) against ``text``.

    Articles holding every word of the query are found first; only if there are none, those
    holding any of its words (or the words articles use for its phrases). Ranking every article
    that shares one common word with a question costs tens of milliseconds at 20k articles;
    requiring all words first, the rarer words (``distinctive``) and ranking at most
    ``RANKED_MATCHES`` keep a search to a few (bench/kb_bench.py).
    """
    said, extra = query_words(text)
    terms = said + extra
    if not terms:
        return Results(text, [], 0, [])
    engine = {"postgresql": _postgres, "sqlite": _sqlite}.get(connection.vendor, _fallback)
    ranked: list[tuple[int, float]] = []
    total, more = 0, False
    if len(said) > 1 or extra:
        ranked, total, more = _tiered(engine, qs, said, True, limit, offset)
    if total == 0:
        rare, common = distinctive(terms)
        if common:  # even the rarest word is in most articles: look in titles and wordings
            ranked, total, more = engine(qs, rare, False, limit, offset, strong=True)
        if total == 0:
            ranked, total, more = _tiered(engine, qs, rare, False, limit, offset)
    # The ids come from the restricted query; fetch the page's rows by key, without the index text.
    articles = (
        Article.objects.select_related("category", "business_line")
        .only(*HIT_FIELDS)
        .in_bulk([pk for pk, _ in ranked])
    )
    hits = [
        Hit(
            article=articles[pk],
            score=score,
            title_html=highlight(articles[pk].title, terms),
            snippet_html=snippet(articles[pk], terms),
        )
        for pk, score in ranked
        if pk in articles
    ]
    return Results(text, terms, total, hits, more)


def _tiered(
    engine: Any, qs: ArticleQuerySet, terms: list[str], every: bool, limit: int, offset: int
) -> Ranked:
    """The engine's page; but when ``RANKED_MATCHES`` or more articles match (only the newest
    of them are ranked), the articles holding the words in their title, tags or unified wording
    — the newest ``RANKED_MATCHES`` of those — come first, then the newest others: a common
    word still finds the older articles that are about it, not only the newest that mention it.
    """
    # The whole ranking at once (the engine ranks every kept match anyway), cut to the page here.
    newest, total, more = engine(qs, terms, every, RANKED_MATCHES, 0)
    if more:
        titled, _, _ = engine(qs, terms, every, RANKED_MATCHES, 0, strong=True)
        first = {pk for pk, _ in titled}
        newest = titled + [row for row in newest if row[0] not in first]
        total = len(newest)
    return newest[offset : offset + limit], total, more


def document_frequencies(terms: list[str]) -> dict[str, int]:
    """How many articles hold each term, counted up to ``CUTOFF_DOCUMENTS + 1``.

    On PostgreSQL, a word the planner's statistics say is held by more than
    ``ESTIMATED_ABOVE`` articles is taken at the planner's estimate: counting a word held by
    thousands of articles reads a thousand rows, 5-10 ms a word at 20k articles. The rarer
    words (and every word before the first ANALYZE) are counted, in one query.
    """
    if connection.vendor == "postgresql":
        found = {
            term: min(held, CUTOFF_DOCUMENTS + 1)
            for term, held in zip(terms, _estimates(terms), strict=True)
            if held > ESTIMATED_ABOVE
        }
        one = (
            "(SELECT count(*) FROM (SELECT 1 FROM kb_article WHERE search_vector @@ "
            "to_tsquery('simple'::regconfig, %s) LIMIT %s) found)"
        )
        quoted = {term: term for term in terms}
    elif connection.vendor == "sqlite":
        found = {}
        one = "(SELECT count(*) FROM (SELECT 1 FROM kb_search WHERE kb_search MATCH %s LIMIT %s))"
        quoted = {term: f'"{term}"' for term in terms}
    else:
        return dict.fromkeys(terms, 0)
    counted = [term for term in terms if term not in found]
    if counted:
        params = [p for term in counted for p in (quoted[term], CUTOFF_DOCUMENTS + 1)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join([one] * len(counted)), params)
            found.update(zip(counted, (int(n) for n in cursor.fetchone()), strict=True))
    return found


def _estimates(terms: list[str]) -> list[int]:
    """PostgreSQL: the planner's estimate of how many articles hold each term (from the most
    common words of the last ANALYZE, autovacuum's or the bench's). One plan a term: in one
    UNION the planner may reorder the branches."""
    sql = (
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM kb_article "
        "WHERE search_vector @@ to_tsquery('simple'::regconfig, %s)"
    )
    held = []
    with connection.cursor() as cursor:
        for term in terms:
            cursor.execute(sql, [term])
            answer = cursor.fetchone()[0]
            plan = (json.loads(answer) if isinstance(answer, str) else answer)[0]["Plan"]
            held.append(int(plan["Plan Rows"]))
    return held


def distinctive(terms: list[str]) -> tuple[list[str], bool]:
    """For a search by any word: the rarer words, as long as together they hold at most
    ``CUTOFF_DOCUMENTS`` articles (at least the rarest one that any article holds), and whether
    even that one is held by more. In a small knowledge base that is every word; in a large one
    a word most articles hold ("宽带") would otherwise make the database rank thousands of
    articles, at 20k articles over 100 ms, for little gain."""
    held_by = document_frequencies(terms)
    counted = sorted((held_by[term], i, term) for i, term in enumerate(terms))
    kept: list[str] = []
    held = 0
    for frequency, _, term in counted:
        if frequency == 0:
            continue  # no article holds it
        if kept and held + frequency > CUTOFF_DOCUMENTS:
            break
        kept.append(term)
        held += frequency
    if not kept:
        return terms, False
    return [term for term in terms if term in kept], held > CUTOFF_DOCUMENTS


def _postgres(
    qs: ArticleQuerySet,
    terms: list[str],
    every: bool,
    limit: int,
    offset: int,
    strong: bool = False,
) -> Ranked:
    # Titles and wordings only: their own small vector (migration 0003), not ":AB" on the full
    # one, which makes PostgreSQL re-read the vector of every article holding the word.
    column = "search_strong" if strong else "search_vector"
    tsquery = (" & " if every else " | ").join(terms)
    match = RawSQL(  # noqa: S611 - the column is one of two constants, the words a parameter
        f'"kb_article"."{column}" @@ to_tsquery(\'simple\'::regconfig, %s)',
        [tsquery],
        output_field=BooleanField(),
    )
    # The newest matches the user may see: by the primary key backwards when the words are
    # common, from the GIN index when they are rare (the planner's choice, from statistics).
    vector = RawSQL(f'"kb_article"."{column}"', [], output_field=TextField())  # noqa: S611
    newest = (
        qs.filter(Q(match))
        .annotate(vector=vector)
        .order_by("-id")
        .values("id", "published_at", "vector")[:RANKED_MATCHES]
    )
    inner, params = newest.query.sql_with_params()
    # Ranked outside the subquery, so only the kept matches are (the planner, misjudging how
    # often words cut from one phrase come together, may sort thousands), and counted in the
    # same pass (the window).
    sql = (
        f"SELECT id, ts_rank('{PG_WEIGHTS}'::float4[], vector, "  # noqa: S608 - constants
        "to_tsquery('simple'::regconfig, %s)) AS score, count(*) OVER () "
        f"FROM ({inner}) newest "
        "ORDER BY score DESC, published_at DESC, id DESC LIMIT %s OFFSET %s"
    )
    count_sql = f"SELECT count(*) FROM ({inner}) newest"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, *params, limit, offset])
        rows = cursor.fetchall()
        if rows or not offset:
            found = rows[0][2] if rows else 0
        else:  # a page past the end: nothing ranked, count on its own
            cursor.execute(count_sql, params)
            found = cursor.fetchone()[0]
    ranked = [(pk, float(score)) for pk, score, _ in rows]
    return ranked, found, found >= RANKED_MATCHES


def _sqlite(
    qs: ArticleQuerySet,
    terms: list[str],
    every: bool,
    limit: int,
    offset: int,
    strong: bool = False,
) -> Ranked:
    match = (" AND " if every else " OR ").join(f'"{term}"' for term in terms)
    if strong:
        match = f"{{search_title search_wording}} : ({match})"
    # The user's filter, tested per match by primary key: building the list of every article
    # in service instead cost 11 ms per query at 20k articles. Written as "rowid IN (…)",
    # SQLite would hand each allowed rowid to FTS5 as a separate look-up, one MATCH each.
    allowed = qs.order_by().filter(id=RawSQL("kb_search.rowid", [])).values("id")
    inner, params = allowed.query.sql_with_params()
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    # FTS5 walks the matches newest first (rowid descending) and stops after as many as are
    # ranked; bm25 is computed for those only. They are counted in the same pass as
    # they are ranked (the window).
    sql = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id, "  # noqa: S608 - weights are constants
        f"bm25(kb_search, {weights}) AS score FROM kb_search WHERE kb_search MATCH %s "
        f"AND EXISTS ({inner}) ORDER BY rowid DESC LIMIT %s) "
        "SELECT id, score, count(*) OVER () FROM m ORDER BY score, id DESC LIMIT %s OFFSET %s"
    )
    count_sql = (
        "SELECT count(*) FROM (SELECT 1 FROM kb_search WHERE kb_search MATCH %s "  # noqa: S608
        f"AND EXISTS ({inner}) LIMIT %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, *params, RANKED_MATCHES, limit, offset])
        rows = cursor.fetchall()
        if rows or not offset:
            found = rows[0][2] if rows else 0
        else:  # a page past the end: nothing ranked, count on its own
            cursor.execute(count_sql, [match, *params, RANKED_MATCHES])
            found = cursor.fetchone()[0]
    # bm25 is lower-is-better and negative; report it as higher-is-better like PostgreSQL.
    ranked = [(pk, -float(score)) for pk, score, _ in rows]
    return ranked, found, found >= RANKED_MATCHES


def _fallback(
    qs: ArticleQuerySet,
    terms: list[str],
    every: bool,
    limit: int,
    offset: int,
    strong: bool = False,
) -> Ranked:
    condition = Q()
    for term in terms:
        has = Q(search_title__contains=term) | Q(search_body__contains=term)
        condition = (condition & has) if every else (condition | has)
    rows = list(qs.filter(condition).values_list("id", "search_title", "search_body"))
    scored = sorted(
        ((pk, sum(3 * (t in title) + (t in body) for t in terms)) for pk, title, body in rows),
        key=lambda row: (-row[1], -row[0]),
    )
    return [(pk, float(s)) for pk, s in scored[offset : offset + limit]], len(scored), False


def _pattern(terms: list[str]) -> re.Pattern[str]:
    return _compiled(tuple(terms))


@lru_cache(maxsize=256)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str]:
    # Built once per query, not once per title and snippet of every hit.
    ordered = sorted(set(terms), key=len, reverse=True)  # longest first: 指示灯 before 指示
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with every query word wrapped in <mark>."""
    if not terms:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    out: list[str] = []
    last = 0
    for found in _pattern(terms).finditer(text):
        out.append(escape(text[last : found.start()]))
        out.append(f"<mark>{escape(found.group())}</mark>")
        last = found.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped


def best_window(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """The stretch of ``width`` characters that holds the most distinct query words."""
    if len(text) <= width:
        return 0, len(text)
    hits = [(m.start(), m.group().lower()) for m in _pattern(terms).finditer(text)]
    if not hits:
        return 0, width
    best_start, best_count = hits[0][0], 0
    for i, (start, _) in enumerate(hits):
        distinct = {word for pos, word in hits[i:] if pos < start + width}
        if len(distinct) > best_count:
            best_start, best_count = start, len(distinct)
    begin = max(0, min(best_start - width // 4, len(text) - width))
    return begin, begin + width


_TAG = re.compile(r"<[^>]*>")


def plain_text(html: str) -> str:
    """The text of sanitised article HTML (django's strip_tags parses HTML: 25× slower)."""
    return unescape(_TAG.sub(" ", html))


def snippet(article: Article, terms: list[str]) -> SafeString:
    """A highlighted extract: from the wording if it holds a query word, else from the body."""
    # body_html is always rendered from body (workflow._save), and ``body`` is not among the
    # HIT_FIELDS: reading it here would cost one query per hit.
    body = plain_text(article.body_html)
    sources = [article.wording, body]
    pattern = _pattern(terms) if terms else None
    text = next((s for s in sources if s and pattern and pattern.search(s)), None)
    text = " ".join((text or article.wording or body).split())
    begin, end = best_window(text, terms)
    html = highlight(text[begin:end], terms)
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{html}{suffix}")  # noqa: S308 - highlight escapes
