"""The demo knowledge base (``kefu demo``): a category tree and about 60 articles of a telecom
400 hotline, each taken through the real workflow (R-KB-1) by the demo staff, plus the story
pieces: a rollout next month, an ended campaign, a notice still in the workflow, a revised
article, a hard-case draft, articles used on demo orders and searches that found nothing.

Idempotent: articles are found by title; a second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kefu.kb import queries, workflow
from kefu.kb.choices import SearchSource, Status
from kefu.kb.demo_articles import (
    ARTICLES,
    CATEGORIES,
    ENDED,
    FUTURE,
    IN_WORKFLOW,
    REVISED_TITLE,
    REVISION,
)
from kefu.kb.models import Article, ArticleUse, Category, SearchLog
from kefu.org.models import Department, User
from kefu.tickets.models import BusinessLine, Ticket

EDITOR, DIRECTOR, MANAGER, SENIOR, AGENT = "1042", "1060", "1070", "1020", "1001"
HANDLERS = {
    "city-service": "2001",
    "group-market": "2101",
    "market-ops": "2201",
    "media": "2301",
    "tech": "2401",
}
# Searches the demo agents ran that found nothing: the editor's to-do list.
MISSING_QUERIES = ["5G套餐资费", "携号转网", "国际漫游开通", "物联网卡", "5G套餐资费"]


def _staff(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


def load_categories() -> dict[str, Category]:
    found: dict[str, Category] = {}
    for i, (name, children) in enumerate(CATEGORIES):
        root, _ = Category.objects.get_or_create(parent=None, name=name, defaults={"sort_order": i})
        found[name] = root
        for j, child in enumerate(children):
            node, _ = Category.objects.get_or_create(
                parent=root, name=child, defaults={"sort_order": j}
            )
            found[f"{name}/{child}"] = node
    return found


def _publish(row: tuple[str, ...], categories: dict[str, Category], n: int, **dates) -> Article:
    path, line, dept, title, tags, wording, body = row
    editor, director = _staff(EDITOR), _staff(DIRECTOR)
    department = Department.objects.filter(code=dept).first() if dept else None
    confirmer = _staff(HANDLERS[dept]) if dept else _staff(MANAGER)
    notice = workflow.Notice(
        title=title,
        category=categories[path],
        notice_ref=f"华信客〔2026〕{n:03d}号",
        issuing_department=department,
        business_line=BusinessLine.objects.filter(code=line).first() if line else None,
        received_at=timezone.now() - timedelta(days=90 - n % 60),
        **dates,
    )
    article = workflow.receive_notice(editor, notice)
    workflow.mark_read(director, article, "已阅，请组织学习。")
    workflow.record_study(editor, article, "已组织各班组学习，并向业务部门收集了常见问题。")
    workflow.enter(editor, article, {"body": body, "wording": wording, "tags": tags})
    workflow.confirm(confirmer, article, "口径无误。")
    workflow.publish(editor, article)
    return article


@transaction.atomic
def load_kb() -> int:
    """Load the demo knowledge base; return how many articles it holds."""
    categories = load_categories()
    existing = set(Article.objects.values_list("title", flat=True))
    now = timezone.now()
    for n, row in enumerate(ARTICLES, start=1):
        if row[3] not in existing:
            _publish(row, categories, n)
    if FUTURE[3] not in existing:
        start = (now + timedelta(days=31)).replace(day=1, hour=0, minute=0, second=0)
        _publish(FUTURE, categories, 90, effective_from=start, effective_to=start + timedelta(90))
    if ENDED[3] not in existing:
        article = _publish(ENDED, categories, 91)
        workflow.retire(_staff(EDITOR), article, "活动已结束。")
    if IN_WORKFLOW[3] not in existing:
        path, line, dept, title = IN_WORKFLOW
        workflow.receive_notice(
            _staff(EDITOR),
            workflow.Notice(
                title=title,
                category=categories[path],
                notice_ref="华信市〔2026〕118号",
                issuing_department=Department.objects.filter(code=dept).first(),
                business_line=BusinessLine.objects.filter(code=line).first(),
                body="集团市场部通知：下月起开通视频彩铃业务，请客服中心做好咨询解答准备。",
            ),
        )
    revised = Article.objects.filter(title=REVISED_TITLE, version=1).first()
    if revised is not None:
        wording, note = REVISION
        workflow.revise(_staff(EDITOR), revised, {"wording": wording}, note)
    _demo_usage()
    return Article.objects.count()


def _demo_usage() -> None:
    """Articles used on demo orders (found by searching the order's summary, as an agent would),
    a hard-case draft, and searches that found nothing."""
    agent = _staff(AGENT)
    if not ArticleUse.objects.exists():
        tickets = Ticket.objects.filter(owner=agent).order_by("-received_at")[:40]
        for ticket in tickets:
            found = queries.find(agent, ticket.title, limit=1)
            if found.hits and found.hits[0].score > 0:
                workflow.record_use(agent, found.hits[0].article, ticket)
    if not SearchLog.objects.exists():
        for text in MISSING_QUERIES:
            queries.find(agent, text, source=SearchSource.INTAKE)
    senior = _staff(SENIOR)
    if not Article.objects.filter(source_ticket__isnull=False).exists():
        answered = (
            Ticket.objects.filter(status__in=workflow.ANSWERED_STATUSES)
            .exclude(resolution="")
            .order_by("-received_at")
            .first()
        )
        if answered is not None and senior.has_perm("kb.from_case"):
            workflow.draft_from_case(senior, answered)


def summary_line() -> str:
    live = Article.objects.live().count()
    return f"Demo knowledge base: {Article.objects.count()} articles, {live} in service, " + (
        f"{Article.objects.exclude(status__in=[Status.PUBLISHED, Status.RETIRED]).count()} "
        "in the workflow."
    )
