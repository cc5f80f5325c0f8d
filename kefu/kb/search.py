"""Chinese keyword search over articles (R-KB-5), in each database's own full-text engine.

Each article stores its words (``kefu.lib.segment``) in three parts, weighted for ranking:
title and tags (strongest), the unified wording, then the body. PostgreSQL keeps a weighted
``tsvector`` in a stored generated column with a GIN index and ranks with ``ts_rank``; SQLite
keeps an FTS5 table in step by triggers and ranks with ``bm25`` (migration 0002).

A query is cut into words the same way; question words (怎么, 为什么 …) are dropped, and the
others are OR-ed, so an article that matches more of them, in stronger parts, ranks first.
Snippets are cut and highlighted in Python from the page of results only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q
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
# Matches are counted up to this many: "1000 articles found" means at least that.
MAX_TOTAL = 1000
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
    requiring all words first keeps a typical search to a few (bench/kb_bench.py).
    """
    said, extra = query_words(text)
    terms = said + extra
    if not terms:
        return Results(text, [], 0, [])
    engine = {"postgresql": _postgres, "sqlite": _sqlite}.get(connection.vendor, _fallback)
    ranked: list[tuple[int, float]] = []
    total = 0
    if len(said) > 1 or extra:
        ranked, total = engine(qs, said, True, limit, offset)
    if total == 0:
        rare, common = distinctive(terms)
        if common:  # even the rarest word is in most articles: look in titles and wordings
            ranked, total = engine(qs, rare, False, limit, offset, strong=True)
        if total == 0:
            ranked, total = engine(qs, rare, False, limit, offset)
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
    return Results(text, terms, total, hits)


def document_frequency(term: str) -> int:
    """How many articles hold ``term``, counted up to ``CUTOFF_DOCUMENTS + 1`` (index only)."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM kb_article WHERE search_vector @@ "
            "to_tsquery('simple'::regconfig, %s) LIMIT %s) found"
        )
    elif connection.vendor == "sqlite":
        sql = (
            "SELECT count(*) FROM (SELECT rowid FROM kb_search WHERE kb_search MATCH %s "
            "LIMIT %s) found"
        )
    else:
        return 0
    quoted = term if connection.vendor == "postgresql" else f'"{term}"'
    with connection.cursor() as cursor:
        cursor.execute(sql, [quoted, CUTOFF_DOCUMENTS + 1])
        return int(cursor.fetchone()[0])


def distinctive(terms: list[str]) -> tuple[list[str], bool]:
    """For a search by any word: the rarer words, as long as together they hold at most
    ``CUTOFF_DOCUMENTS`` articles (at least the rarest one that any article holds), and whether
    even that one is held by more. In a small knowledge base that is every word; in a large one
    a word most articles hold ("宽带") would otherwise make the database rank thousands of
    articles, at 20k articles over 100 ms, for little gain."""
    counted = sorted((document_frequency(term), i, term) for i, term in enumerate(terms))
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
) -> tuple[list[tuple[int, float]], int]:
    # ":AB" limits a word to the title (A) and wording (B) weights.
    tsquery = (" & " if every else " | ").join(f"{t}:AB" if strong else t for t in terms)
    match = RawSQL(
        '"kb_article"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)',
        [tsquery],
        output_field=BooleanField(),
    )
    rank = RawSQL(  # noqa: S611
        f'ts_rank(\'{PG_WEIGHTS}\'::float4[], "kb_article"."search_vector", '
        "to_tsquery('simple'::regconfig, %s))",
        [tsquery],
        output_field=FloatField(),
    )
    matching = qs.filter(Q(match)).order_by()
    rows = list(
        matching.annotate(score=rank)
        .order_by("-score", "-published_at", "-id")
        .values_list("id", "score")[offset : offset + limit]
    )
    if offset == 0 and len(rows) < limit:
        total = len(rows)
    else:
        total = matching.values("id")[:MAX_TOTAL].count()
    return [(pk, float(score)) for pk, score in rows], total


def _sqlite(
    qs: ArticleQuerySet,
    terms: list[str],
    every: bool,
    limit: int,
    offset: int,
    strong: bool = False,
) -> tuple[list[tuple[int, float]], int]:
    match = (" AND " if every else " OR ").join(f'"{term}"' for term in terms)
    if strong:
        match = f"{{search_title search_wording}} : ({match})"
    # The user's filter, tested per match by primary key: building the list of every article
    # in service instead cost 11 ms per query at 20k articles.
    allowed = qs.order_by().filter(id=RawSQL("m.id", [])).values("id")
    inner, params = allowed.query.sql_with_params()
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    # The matches are found once and materialized, then cut to the articles the user may see.
    # Written as "MATCH … AND rowid IN (…)", SQLite hands each allowed rowid to FTS5 as a
    # separate look-up, which costs one full MATCH per article.
    ranked_sql = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id, "  # noqa: S608 - weights are constants
        f"bm25(kb_search, {weights}) AS score FROM kb_search WHERE kb_search MATCH %s) "
        f"SELECT m.id, m.score FROM m WHERE EXISTS ({inner}) "
        "ORDER BY m.score, m.id DESC LIMIT %s OFFSET %s"
    )
    count_sql = (
        "WITH m AS MATERIALIZED (SELECT rowid AS id FROM kb_search WHERE kb_search MATCH %s) "  # noqa: S608
        f"SELECT count(*) FROM (SELECT 1 FROM m WHERE EXISTS ({inner}) LIMIT %s) counted"
    )
    with connection.cursor() as cursor:
        cursor.execute(ranked_sql, [match, *params, limit, offset])
        rows = cursor.fetchall()
        if offset == 0 and len(rows) < limit:
            total = len(rows)  # the whole answer is on this page
        else:
            cursor.execute(count_sql, [match, *params, MAX_TOTAL])
            total = cursor.fetchone()[0]
    # bm25 is lower-is-better and negative; report it as higher-is-better like PostgreSQL.
    return [(pk, -float(score)) for pk, score in rows], total


def _fallback(
    qs: ArticleQuerySet,
    terms: list[str],
    every: bool,
    limit: int,
    offset: int,
    strong: bool = False,
) -> tuple[list[tuple[int, float]], int]:
    condition = Q()
    for term in terms:
        has = Q(search_title__contains=term) | Q(search_body__contains=term)
        condition = (condition & has) if every else (condition | has)
    rows = list(qs.filter(condition).values_list("id", "search_title", "search_body"))
    scored = sorted(
        ((pk, sum(3 * (t in title) + (t in body) for t in terms)) for pk, title, body in rows),
        key=lambda row: (-row[1], -row[0]),
    )
    return [(pk, float(s)) for pk, s in scored[offset : offset + limit]], len(scored)


def _pattern(terms: list[str]) -> re.Pattern[str]:
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
