"""Reading the knowledge base: the one search entry point for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q

from kefu.kb import search, workflow
from kefu.kb.access import sees_workflow, visible_articles
from kefu.kb.choices import Status
from kefu.kb.models import Article, ArticleQuerySet, ArticleUse, Category, SearchLog
from kefu.tickets.models import BusinessLine

READ_PERMS = ("kb.view", "kb.edit", "kb.read_notice", "kb.confirm")
MAX_LIMIT = 50


def may_read_kb(user: Any) -> bool:
    return any(user.has_perm(p) for p in READ_PERMS)


@dataclass
class Filters:
    category: Category | None = None
    business_line: BusinessLine | None = None
    include_unpublished: bool = False


def searchable(user: Any, filters: Filters) -> ArticleQuerySet:
    """What a search runs over: articles in service, or every readable one for the workflow."""
    qs = visible_articles(user)
    if not (filters.include_unpublished and sees_workflow(user)):
        qs = qs.live()
    return search.filtered(qs, filters.category, filters.business_line)


def find(
    user: Any,
    text: str,
    filters: Filters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    source: str = "",
) -> search.Results:
    """Search and, when ``source`` names where it came from, log it for the editor."""
    if not may_read_kb(user):
        raise PermissionDenied
    filters = filters or Filters()
    limit = max(1, min(limit, MAX_LIMIT))
    results = search.search(searchable(user, filters), text, limit=limit, offset=max(0, offset))
    if source and results.terms:
        workflow.log_search(user, text, results.total, source)
    return results


def catalogue(user: Any, category: Category | None, filters: Filters) -> ArticleQuerySet:
    """Browsing without a query: the category's articles, newest first."""
    qs = searchable(user, Filters(category, filters.business_line, filters.include_unpublished))
    return qs.select_related("category", "business_line").order_by("-published_at", "-id")


def categories() -> list[Category]:
    return list(Category.objects.order_by("sort_order", "name"))


def uses_on(ticket: Any) -> list[ArticleUse]:
    """The articles recorded as used on an order (R-KB-5), newest first."""
    return list(ArticleUse.objects.filter(ticket=ticket).select_related("article", "user"))


def in_workflow(user: Any) -> ArticleQuerySet:
    """Articles on their way to publication that the user can see."""
    return (
        visible_articles(user)
        .exclude(status__in=[Status.PUBLISHED, Status.RETIRED])
        .select_related("category", "issuing_department")
        .order_by("created_at", "id")
    )


@dataclass
class Usage:
    most_used: list[Any]
    never_used: list[Article]
    not_found: list[dict[str, Any]]


def usage(limit: int = 30) -> Usage:
    """R-KB-5 for the editor: most-used articles, articles nobody used, searches that found
    nothing (grouped by text)."""
    most_used = list(
        ArticleUse.objects.values("article_id", "article__title")
        .annotate(uses=Count("id"), last=Max("at"))
        .order_by("-uses", "article_id")[:limit]
    )
    never_used = list(
        Article.objects.filter(status=Status.PUBLISHED)
        .filter(~Q(pk__in=ArticleUse.objects.values("article_id")))
        .select_related("category")
        .order_by("published_at", "id")[: limit * 3]
    )
    not_found = list(
        SearchLog.objects.filter(results=0)
        .values("query")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-times", "-last")[:limit]
    )
    return Usage(most_used, never_used, not_found)
