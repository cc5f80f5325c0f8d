"""The knowledge-base API under ``/api/v1/kb/`` (R-KB-5): search and read, with the same
permissions as the pages; recording an article used on an order."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from kefu.kb import queries, workflow
from kefu.kb.access import access_article
from kefu.kb.choices import SearchSource
from kefu.kb.models import Article, Category
from kefu.org.models import User
from kefu.tickets.access import access_ticket
from kefu.tickets.models import BusinessLine

router = Router(tags=["knowledge base"])


class SearchParams(Schema):
    q: str
    category: int | None = None
    business_line: str | None = None  # business-line code
    limit: int = Field(20, ge=1, le=queries.MAX_LIMIT)
    offset: int = Field(0, ge=0)


class Hit(Schema):
    id: int
    title: str
    title_html: str
    snippet_html: str
    wording: str
    category: str
    business_line: str | None
    version: int
    score: float


class SearchOut(Schema):
    query: str
    terms: list[str]
    total: int
    # ``total`` is a lower bound: at least that many match, and only the newest ``total`` of
    # them were ranked (a search by a common word in a large knowledge base).
    more: bool = False
    results: list[Hit]


class AttachmentOut(Schema):
    name: str
    url: str
    is_source: bool


class VersionOut(Schema):
    number: int
    created_at: datetime
    created_by: str
    change_note: str


class ArticleOut(Schema):
    id: int
    title: str
    status: str
    version: int
    category: str
    business_line: str | None
    issuing_department: str | None
    tags: list[str]
    wording: str
    body: str
    body_html: str
    effective_from: datetime | None
    effective_to: datetime | None
    published_at: datetime | None
    retired_at: datetime | None
    attachments: list[AttachmentOut]
    versions: list[VersionOut]


class UseIn(Schema):
    ticket: str  # the order's number


class UseOut(Schema):
    article: int
    version: int
    ticket: str
    at: datetime


def _require_reader(request: HttpRequest) -> None:
    if not queries.may_read_kb(request.user):
        raise PermissionDenied


@router.get("/search", response=SearchOut, summary="Search articles in Chinese (R-KB-5)")
def search_articles(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Best first; ``title_html`` and ``snippet_html`` are escaped HTML with the query's words
    in ``<mark>``. Agents see only articles in service (published, inside their effective
    dates)."""
    _require_reader(request)
    filters = queries.Filters()
    if params.category is not None:
        filters.category = Category.objects.filter(pk=params.category).first()
        if filters.category is None:
            raise ValidationError({"category": _("There is no such category.")})
    if params.business_line:
        filters.business_line = BusinessLine.objects.filter(code=params.business_line).first()
        if filters.business_line is None:
            raise ValidationError({"business_line": _("There is no such business line.")})
    found = queries.find(
        request.user,
        params.q,
        filters,
        limit=params.limit,
        offset=params.offset,
        source=SearchSource.API,
    )
    return SearchOut(
        query=found.query,
        terms=found.terms,
        total=found.total,
        more=found.more,
        results=[
            Hit(
                id=hit.article.pk,
                title=hit.article.title,
                title_html=str(hit.title_html),
                snippet_html=str(hit.snippet_html),
                wording=hit.article.wording,
                category=hit.article.category.name,
                business_line=hit.article.business_line.name if hit.article.business_line else None,
                version=hit.article.version,
                score=round(hit.score, 6),
            )
            for hit in found.hits
        ],
    )


def _article_out(article: Article) -> ArticleOut:
    return ArticleOut(
        id=article.pk,
        title=article.title,
        status=article.status,
        version=article.version,
        category=article.category.name,
        business_line=article.business_line.name if article.business_line else None,
        issuing_department=(
            article.issuing_department.name if article.issuing_department else None
        ),
        tags=article.tag_list,
        wording=article.wording,
        body=article.body,
        body_html=article.body_html,
        effective_from=article.effective_from,
        effective_to=article.effective_to,
        published_at=article.published_at,
        retired_at=article.retired_at,
        attachments=[
            AttachmentOut(name=a.name, url=a.file.url, is_source=a.is_source)
            for a in article.attachments.all()
        ],
        versions=[
            VersionOut(
                number=v.number,
                created_at=v.created_at,
                created_by=v.created_by.name,
                change_note=v.change_note,
            )
            for v in article.versions.select_related("created_by")
        ],
    )


@router.get("/articles/{article_id}", response=ArticleOut, summary="One article")
def get_article(request: HttpRequest, article_id: int) -> ArticleOut:
    _require_reader(request)
    return _article_out(access_article(request.user, article_id))


@router.post(
    "/articles/{article_id}/uses", response={201: UseOut}, summary="Record the article on an order"
)
def record_use(request: HttpRequest, article_id: int, payload: UseIn) -> Status:
    """The article answered the order: counted, and noted on the order's timeline."""
    _require_reader(request)
    article = access_article(request.user, article_id)
    ticket = access_ticket(request.user, payload.ticket)
    use = workflow.record_use(cast(User, request.user), article, ticket)
    return Status(
        201, UseOut(article=article.pk, version=use.version, ticket=ticket.number, at=use.at)
    )
