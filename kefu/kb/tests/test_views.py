"""The knowledge-base pages, the intake side panel and the order page panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.kb.choices import Status
from kefu.kb.demo import load_categories
from kefu.kb.models import Article, ArticleUse, SearchLog
from kefu.org.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("employee_no", "status"),
    [("1001", 200), ("1042", 200), ("2401", 200), ("1060", 200), ("9001", 403)],
)
def test_who_opens_the_knowledge_base(
    org: Any, login: Callable[[User], Any], employee_no: str, status: int
) -> None:
    user = User.objects.get(employee_no=employee_no)
    assert login(user).get("/kb/").status_code == status


def test_the_knowledge_base_is_in_the_navigation_for_agents_only_not_admins(
    agent: User, administrator: User, login: Callable[[User], Any]
) -> None:
    assert 'href="/kb/"' in login(agent).get("/").content.decode()
    assert 'href="/kb/"' not in login(administrator).get("/").content.decode()


def test_r_kb_5_search_page_shows_highlighted_results_and_logs_the_search(
    published: Callable[..., Article], agent: User, login: Callable[[User], Any]
) -> None:
    published(title="宽带报修时限")
    html = login(agent).get("/kb/", {"q": "报修"}).content.decode()
    assert "<mark>报修</mark>" in html
    assert SearchLog.objects.get().source == "kb"
    partial = login(agent).get("/kb/", {"q": "报修"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "<mark>" in partial.content.decode()


def test_r_kb_5_a_search_past_the_ranking_limit_says_at_least(
    published: Callable[..., Article],
    agent: User,
    login: Callable[[User], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import translation

    from kefu.kb import search

    for i in range(3):
        published(title=f"宽带报修{i}")
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)  # issue 7: the ranking is bounded
    html = login(agent).get("/kb/", {"q": "报修"}).content.decode()
    with translation.override("zh-hans"):  # the center's language, whatever the test runs in
        said = translation.gettext(
            "At least %(n)s articles found: those with the words in their title or wording "
            "first, then the newest. Add a word to narrow the search."
        ) % {"n": 2}
    assert said in html


def test_r_kb_2_the_catalogue_is_browsable_by_category(
    published: Callable[..., Article], agent: User, login: Callable[[User], Any]
) -> None:
    published(title="宽带故障文章")
    categories = load_categories()
    client = login(agent)
    assert (
        "宽带故障文章"
        in client.get("/kb/", {"category": categories["宽带上网"].pk}).content.decode()
    )
    assert (
        "宽带故障文章"
        not in client.get("/kb/", {"category": categories["固定电话"].pk}).content.decode()
    )


def test_the_article_page_offers_only_the_users_steps(
    notice: Callable[..., Article],
    director: User,
    editor: User,
    login: Callable[[User], Any],
) -> None:
    article = notice()
    assert (
        'data-testid="kb-step-read"' in login(director).get(f"/kb/{article.pk}/").content.decode()
    )
    assert (
        'data-testid="kb-step-read"' not in login(editor).get(f"/kb/{article.pk}/").content.decode()
    )


def test_r_kb_1_the_whole_workflow_through_the_pages(
    editor: User,
    director: User,
    tech_handler: User,
    agent: User,
    login: Callable[[User], Any],
) -> None:
    category = load_categories()["宽带上网/宽带办理"]
    tech = tech_handler.department
    client = login(editor)
    response = client.post(
        "/kb/new/",
        {
            "title": "宽带提速通知",
            "category": category.pk,
            "issuing_department": tech.pk,
            "source": SimpleUploadedFile("提速通知.docx", b"doc"),
        },
    )
    article = Article.objects.get(title="宽带提速通知")
    assert response.status_code == 302
    assert response["Location"] == f"/kb/{article.pk}/"
    assert article.attachments.get().is_source
    login(director).post(f"/kb/{article.pk}/do/read/")
    login(editor).post(f"/kb/{article.pk}/do/study/", {"note": "已学习"})
    form = {"title": "宽带提速通知", "category": category.pk, "issuing_department": tech.pk}
    login(editor).post(
        f"/kb/{article.pk}/edit/",
        {**form, "wording": "您好，提速免费。", "body": "正文", "enter": "1"},
    )
    login(tech_handler).post(f"/kb/{article.pk}/do/confirm/")
    login(editor).post(f"/kb/{article.pk}/do/publish/")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert [s.actor.employee_no for s in article.steps.all()] == [
        "1042", "1060", "1042", "1042", "2401", "1042",
    ]  # fmt: skip
    page = login(agent).get(f"/kb/{article.pk}/").content.decode()
    assert "您好，提速免费。" in page


def test_a_step_refused_shows_a_message_and_changes_nothing(
    notice: Callable[..., Article], agent: User, login: Callable[[User], Any], editor: User
) -> None:
    article = notice()
    response = login(editor).post(f"/kb/{article.pk}/do/publish/", follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    article.refresh_from_db()
    assert article.status == Status.RECEIVED
    assert login(editor).post(f"/kb/{article.pk}/do/nonsense/").status_code == 404


def test_editing_shows_field_errors(
    notice: Callable[..., Article], editor: User, login: Callable[[User], Any]
) -> None:
    article = notice()
    category = article.category
    response = login(editor).post(
        f"/kb/{article.pk}/edit/", {"title": "x", "category": category.pk, "enter": "1"}
    )
    assert response.status_code == 200  # entering a notice not yet studied is refused
    article.refresh_from_db()
    assert article.status == Status.RECEIVED


def test_agents_cannot_reach_the_editor_pages(
    agent: User, login: Callable[[User], Any], published: Callable[..., Article]
) -> None:
    article = published()
    client = login(agent)
    assert client.get("/kb/new/").status_code == 403
    assert client.get(f"/kb/{article.pk}/edit/").status_code == 403
    assert client.get("/kb/usage/").status_code == 403


def test_the_usage_page_for_the_editor(
    published: Callable[..., Article], editor: User, agent: User, login: Callable[[User], Any]
) -> None:
    published(title="没人用的文章")
    login(agent).get("/kb/panel/", {"q": "携号转网"})
    html = login(editor).get("/kb/usage/").content.decode()
    assert "没人用的文章" in html
    assert "携号转网" in html


# --- Intake panel and the order page ---------------------------------------------------------


def test_r_kb_5_the_intake_form_has_the_search_panel(
    agent: User, login: Callable[[User], Any], taxonomy: Any
) -> None:
    html = login(agent).get("/tickets/new/").content.decode()
    assert 'data-testid="kb-panel"' in html
    assert 'data-testid="screen-pop"' in html


def test_r_kb_5_panel_search_and_article_with_copyable_wording(
    published: Callable[..., Article], agent: User, login: Callable[[User], Any]
) -> None:
    article = published(title="宽带报修时限", wording="您好，24小时内上门。")
    client = login(agent)
    results = client.get("/kb/panel/", {"q": "宽带报修"}).content.decode()
    assert "<mark>宽带</mark>" in results
    assert f"/kb/panel/{article.pk}/" in results
    assert SearchLog.objects.get().source == "intake"
    panel = client.get(f"/kb/panel/{article.pk}/").content.decode()
    assert 'data-testid="kb-copy-wording"' in panel
    assert 'data-wording="您好，24小时内上门。"' in panel


def test_r_kb_5_recording_uses_after_registration(
    published: Callable[..., Article], order: Any, agent: User, login: Callable[[User], Any]
) -> None:
    a, b = published(title="甲文章"), published(title="乙文章")
    response = login(agent).post(
        "/kb/uses/",
        {"ticket": order.number, "article": [a.pk, b.pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "甲文章" in response.content.decode()
    assert "乙文章" in response.content.decode()
    assert ArticleUse.objects.filter(ticket=order).count() == 2
    page = login(agent).get(f"/tickets/{order.number}/").content.decode()
    assert 'data-testid="kb-ticket-articles"' in page
    assert "甲文章" in page


def test_recording_on_an_order_out_of_reach_records_nothing(
    published: Callable[..., Article],
    order: Any,
    other_team_agent: User,
    login: Callable[[User], Any],
) -> None:
    article = published()
    response = login(other_team_agent).post(
        "/kb/uses/",
        {"ticket": order.number, "article": [article.pk], "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/kb/"
    assert not ArticleUse.objects.exists()


def test_r_kb_4_the_order_page_offers_the_draft_to_senior_agents_only(
    answered: Any, senior_agent: User, agent: User, login: Callable[[User], Any]
) -> None:
    assert (
        'data-testid="kb-from-case"'
        in login(senior_agent).get(f"/tickets/{answered.number}/").content.decode()
    )
    assert (
        'data-testid="kb-from-case"'
        not in login(agent).get(f"/tickets/{answered.number}/").content.decode()
    )
    response = login(senior_agent).post(f"/kb/from-case/{answered.number}/")
    article = Article.objects.get(source_ticket=answered)
    assert response["Location"] == f"/kb/{article.pk}/"
    assert login(agent).post(f"/kb/from-case/{answered.number}/").status_code == 403
    page = f"/tickets/{answered.number}/"
    assert 'data-testid="kb-from-case"' not in login(senior_agent).get(page).content.decode()
    # Once that article is retired, the case can become a new draft: the button is back.
    Article.objects.filter(pk=article.pk).update(status=Status.RETIRED)
    assert 'data-testid="kb-from-case"' in login(senior_agent).get(page).content.decode()
