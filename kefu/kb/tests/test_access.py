"""R-ORG-3 for articles: the list, the page and the object check agree for every persona."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404

from kefu.kb import workflow
from kefu.kb.access import access_article, can_read, visible_articles
from kefu.kb.models import Article
from kefu.org.models import User

pytestmark = pytest.mark.django_db

PERSONAS = ["1001", "1020", "1010", "1030", "1042", "1050", "1060", "1070", "2001", "2401", "9001"]


def test_list_page_and_object_rule_agree_for_every_persona(
    published: Callable[..., Article],
    notice: Callable[..., Article],
    editor: User,
    director: User,
) -> None:
    live = published(title="在用文章")
    draft = notice(title="技术部草稿")
    other = notice(title="城市客服部草稿", department="city-service")
    retired = published(title="下线文章")
    workflow.retire(editor, retired, "过时")
    retired.refresh_from_db()
    for employee_no in PERSONAS:
        user = User.objects.get(employee_no=employee_no)
        listed = set(visible_articles(user).values_list("pk", flat=True))
        for article in (live, draft, other, retired):
            try:
                access_article(user, article.pk)
                opened = True
            except Http404:
                opened = False
            assert (article.pk in listed) == can_read(user, article) == opened, (
                employee_no,
                article.title,
            )


def test_who_sees_what(
    published: Callable[..., Article], notice: Callable[..., Article], editor: User
) -> None:
    live = published(title="在用文章")
    draft = notice(title="技术部草稿")

    def sees(employee_no: str) -> set[str]:
        user = User.objects.get(employee_no=employee_no)
        return set(visible_articles(user).values_list("title", flat=True))

    assert sees("1001") == {"在用文章"}  # agent: in service only
    assert sees("2401") == {"在用文章", "技术部草稿"}  # 技术部 confirms its own drafts
    assert sees("2001") == {"在用文章"}  # 城市客服部: not 技术部's drafts
    assert sees("1042") == {"在用文章", "技术部草稿"}  # the editor sees everything
    assert sees("9001") == set()  # the administrator has no knowledge permission
    assert live.pk
    assert draft.pk
