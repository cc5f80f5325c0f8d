"""R-KB-1: the issuing department confirms the wording, so an article may only name a department
where someone can confirm, and the article page says who acts next (an article must never stop
at "entered" with nobody able to move it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kefu.kb import workflow
from kefu.kb.access import confirmable_department_ids, confirmers, expected_actors
from kefu.kb.choices import Status, Step
from kefu.kb.forms import ArticleForm, NoticeForm
from kefu.kb.models import Article
from kefu.org.models import Department, User

pytestmark = pytest.mark.django_db


def _dept(code: str) -> Department:
    return Department.objects.get(code=code)


def test_r_kb_1_the_company_is_not_offered_as_issuing_department(org: Any) -> None:
    offered = set(NoticeForm().fields["issuing_department"].queryset.values_list("code", flat=True))
    assert "group" not in offered  # nobody of 华信通信集团 itself holds kb.confirm
    assert {"center", "team-1", "tech", "city-service", "group-market", "media"} <= offered
    assert offered == set(
        Department.objects.filter(pk__in=confirmable_department_ids()).values_list(
            "code", flat=True
        )
    )


def test_r_kb_1_registering_a_notice_from_the_company_is_refused(
    editor: User, category: Any, login: Callable[[User], Any]
) -> None:
    response = login(editor).post(
        "/kb/new/",
        {"title": "集团通知", "category": category.pk, "issuing_department": _dept("group").pk},
    )
    assert response.status_code == 200
    assert not Article.objects.filter(title="集团通知").exists()
    with pytest.raises(ValidationError) as error:
        workflow.receive_notice(
            editor,
            workflow.Notice(title="集团通知", category=category, issuing_department=_dept("group")),
        )
    assert "issuing_department" in error.value.message_dict


def test_r_kb_1_every_offered_department_has_a_confirmer(
    notice: Callable[..., Article], org: Any
) -> None:
    for department in NoticeForm().fields["issuing_department"].queryset:
        article = notice(title=f"通知 {department.code}", department=department.code)
        people = confirmers(article)
        assert people, department.code
        assert all(p.has_perm("kb.confirm", article) for p in people)


def test_r_kb_1_the_article_page_names_who_confirms_next(
    notice: Callable[..., Article],
    editor: User,
    director: User,
    login: Callable[[User], Any],
) -> None:
    article = notice()
    workflow.mark_read(director, article)
    workflow.record_study(editor, article, "已学习")
    workflow.enter(editor, article, {"wording": "您好", "body": "正文"})
    article.refresh_from_db()
    expected = expected_actors(article)
    assert [(step, [p.employee_no for p in people]) for step, people in expected] == [
        (Step.CONFIRM, ["2401"])
    ]
    page = login(editor).get(f"/kb/{article.pk}/").content.decode()
    assert 'data-testid="kb-next"' in page
    assert "宋杰 (2401)" in page


def test_r_kb_1_a_stuck_article_says_so_and_the_editor_can_change_the_department(
    notice: Callable[..., Article],
    editor: User,
    director: User,
    tech_handler: User,
    login: Callable[[User], Any],
) -> None:
    """An article entered before this rule with the company as issuer: the page says nobody
    can confirm, and the editor moves it to a department that can."""
    article = notice()
    workflow.mark_read(director, article)
    workflow.record_study(editor, article, "已学习")
    workflow.enter(editor, article, {"wording": "您好", "body": "正文"})
    Article.objects.filter(pk=article.pk).update(issuing_department=_dept("group"))
    article.refresh_from_db()
    assert expected_actors(article) == [(Step.CONFIRM, [])]
    page = login(editor).get(f"/kb/{article.pk}/").content.decode()
    assert 'data-testid="kb-next-nobody"' in page
    form = ArticleForm(initial={"issuing_department": article.issuing_department})
    assert form.fields["issuing_department"].queryset.filter(code="group").exists()
    workflow.save_draft(editor, article, {"issuing_department": _dept("tech")})
    workflow.confirm(tech_handler, article)
    article.refresh_from_db()
    assert article.status == Status.CONFIRMED


def test_an_unchanged_legacy_department_does_not_block_a_revision(
    published: Callable[..., Article], editor: User
) -> None:
    article = published()
    Article.objects.filter(pk=article.pk).update(issuing_department=_dept("group"))
    article.refresh_from_db()
    version = workflow.revise(
        editor, article, {"issuing_department": article.issuing_department, "tags": "改"}, "标签"
    )
    assert version.number == 2
