"""R-KB-2: every edit after publication is a new version, with history and a diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kefu.core.errors import IllegalTransition, StaleObject
from kefu.kb import workflow
from kefu.kb.choices import Step
from kefu.kb.models import Article, ArticleVersion
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def test_r_kb_2_each_revision_of_a_published_article_is_a_new_version(
    published: Callable[..., Article], editor: User
) -> None:
    article = published(wording="您好，月费60元。")
    v2 = workflow.revise(editor, article, {"wording": "您好，月费50元。"}, "调价")
    v3 = workflow.revise(editor, article, {"title": "光纤改造说明（更新）"}, "改标题")
    article.refresh_from_db()
    assert (v2.number, v3.number, article.version) == (2, 3, 3)
    history = list(article.versions.values_list("number", "wording", "change_note"))
    assert history == [
        (3, "您好，月费50元。", "改标题"),
        (2, "您好，月费50元。", "调价"),
        (1, "您好，月费60元。", ""),
    ]
    assert article.steps.filter(step=Step.REVISE).count() == 2
    assert article.wording == "您好，月费50元。"


def test_a_revision_must_say_what_changed_and_change_something(
    published: Callable[..., Article], editor: User
) -> None:
    article = published()
    with pytest.raises(ValidationError):
        workflow.revise(editor, article, {"wording": "新口径"}, "")
    with pytest.raises(ValidationError):
        workflow.revise(editor, article, {"wording": article.wording}, "没改")
    assert ArticleVersion.objects.filter(article=article).count() == 1


def test_only_editors_revise_and_only_published_articles(
    published: Callable[..., Article], notice: Callable[..., Article], editor: User, agent: User
) -> None:
    with pytest.raises(PermissionDenied):
        workflow.revise(agent, published(), {"wording": "x"}, "y")
    with pytest.raises(IllegalTransition):
        workflow.revise(editor, notice(title="草稿"), {"wording": "x"}, "y")


def test_edits_before_publication_make_no_version(
    notice: Callable[..., Article], editor: User
) -> None:
    article = notice()
    workflow.save_draft(editor, article, {"body": "第一稿"})
    workflow.save_draft(editor, article, {"body": "第二稿"})
    assert not ArticleVersion.objects.filter(article=article).exists()
    assert article.steps.filter(step=Step.SAVE).count() == 2


def test_r_kb_2_the_diff_shows_what_changed_between_two_versions(
    published: Callable[..., Article], editor: User
) -> None:
    article = published(wording="您好，月费60元，三个工作日内上门。")
    workflow.revise(editor, article, {"wording": "您好，月费50元，三个工作日内上门。"}, "调价")
    old, new = article.versions.get(number=1), article.versions.get(number=2)
    with translation.override("en"):
        changes = dict(workflow.diff(old, new))
    assert list(changes) == ["Unified wording"]
    table = changes["Unified wording"]
    # Only the changed character is marked, on each side.
    assert '月费<span class="diff_chg">6</span>0元' in table
    assert '月费<span class="diff_chg">5</span>0元' in table


def test_the_diff_escapes_the_text(published: Callable[..., Article], editor: User) -> None:
    article = published(body="正文")
    workflow.revise(editor, article, {"body": "<script>alert(1)</script>"}, "测试")
    with translation.override("en"):
        changes = dict(
            workflow.diff(article.versions.get(number=1), article.versions.get(number=2))
        )
    assert "<script>" not in changes["Body"]
    assert "&lt;script&gt;" in changes["Body"]


def test_the_diff_page_shows_the_versions(
    published: Callable[..., Article], editor: User, agent: User, login
) -> None:
    article = published(wording="旧口径")
    workflow.revise(editor, article, {"wording": "新口径"}, "改口径")
    page = login(agent).get(f"/kb/{article.pk}/diff/?a=1&b=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert "v1" in html
    assert "v2" in html
    assert "改口径" in html
    assert login(agent).get(f"/kb/{article.pk}/diff/?a=1&b=9").status_code == 404


def test_a_second_editor_saving_an_older_page_is_refused_not_silently_overwriting(
    published: Callable[..., Article], editor: User, manager: User
) -> None:
    article = published(wording="您好，月费60元。")
    seen = article.updated_at  # both editors opened the article now
    workflow.revise(manager, article, {"wording": "您好，月费50元。"}, "调价", seen=seen)
    with pytest.raises(StaleObject) as refused:
        workflow.revise(editor, article, {"wording": "您好，月费55元。"}, "也调价", seen=seen)
    assert manager.name in str(refused.value)  # who changed it, so the editor knows to reload
    article.refresh_from_db()
    assert (article.wording, article.version) == ("您好，月费50元。", 2)
    # Reloaded, the editor's save goes through.
    workflow.revise(
        editor, article, {"wording": "您好，月费55元。"}, "也调价", seen=article.updated_at
    )
    article.refresh_from_db()
    assert (article.wording, article.version) == ("您好，月费55元。", 3)


def test_a_draft_saved_meanwhile_is_not_overwritten_either(
    notice: Callable[..., Article], editor: User, manager: User
) -> None:
    draft = notice(title="草稿")
    seen = draft.updated_at
    workflow.save_draft(manager, draft, {"wording": "您好，经理改的。"}, seen=seen)
    with pytest.raises(StaleObject):
        workflow.save_draft(editor, draft, {"wording": "您好，编辑改的。"}, seen=seen)
    draft.refresh_from_db()
    assert draft.wording == "您好，经理改的。"


def test_the_edit_page_refuses_a_stale_save_and_names_who_changed_it(
    published: Callable[..., Article], editor: User, manager: User, login: Callable[[User], Any]
) -> None:
    article = published(title="光纤改造说明", wording="您好，月费60元。")
    client = login(editor)
    page = client.get(f"/kb/{article.pk}/edit/").content.decode()
    assert 'name="seen"' in page
    workflow.revise(manager, article, {"wording": "您好，月费50元。"}, "调价")
    form = {
        "title": "光纤改造说明",
        "category": article.category_id,
        "wording": "您好，月费55元。",
        "body": article.body,
        "note": "也调价",
        "seen": article.updated_at.isoformat(),  # what the editor's page carried
    }
    response = client.post(f"/kb/{article.pk}/edit/", form)
    assert response.status_code == 200  # the form again, with the editor's text, not a redirect
    assert manager.name not in page
    assert manager.name in response.content.decode()
    article.refresh_from_db()
    assert (article.wording, article.version) == ("您好，月费50元。", 2)
