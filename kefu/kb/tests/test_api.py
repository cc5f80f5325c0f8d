"""The knowledge-base API: search and read with the same permissions as the pages (R-KB-5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.kb import workflow
from kefu.kb.models import Article, ArticleUse, SearchLog
from kefu.org.models import User
from kefu.tickets.tests.api_fixtures import Api

pytestmark = pytest.mark.django_db


def test_r_kb_5_search_returns_ranked_highlighted_results(
    published: Callable[..., Article], agent: User
) -> None:
    published(title="宽带报修时限", wording="您好，宽带报修24小时内上门。")
    published(title="装机说明", wording="您好，装机。", body="宽带也可以一起装")
    response = Api(agent).get("/kb/search", {"q": "宽带"})
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["宽带报修时限", "装机说明"]
    response = Api(agent).get("/kb/search", {"q": "宽带报修"})
    body = response.json()
    assert (body["total"], body["more"]) == (1, False)  # only one article holds both words
    assert [r["title"] for r in body["results"]] == ["宽带报修时限"]
    first = body["results"][0]
    assert first["title_html"] == "<mark>宽带</mark><mark>报修</mark>时限"
    assert first["wording"] == "您好，宽带报修24小时内上门。"
    assert first["version"] == 1
    assert set(SearchLog.objects.values_list("source", flat=True)) == {"api"}


def test_search_filters_are_checked(agent: User, db: Any) -> None:
    api = Api(agent)
    assert api.get("/kb/search", {"q": "宽带", "category": 999999}).status_code == 422
    assert api.get("/kb/search", {"q": "宽带", "business_line": "nope"}).status_code == 422
    assert api.get("/kb/search", {}).status_code == 422  # q is required


def test_reading_an_article(published: Callable[..., Article], agent: User) -> None:
    article = published(body="## 标题\n\n<script>alert(1)</script>**粗体**")
    response = Api(agent).get(f"/kb/articles/{article.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "published"
    assert body["version"] == 1
    assert "<strong>粗体</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert [v["number"] for v in body["versions"]] == [1]


def test_agents_cannot_read_unpublished_articles_through_the_api(
    notice: Callable[..., Article], agent: User, editor: User
) -> None:
    draft = notice()
    assert Api(agent).get(f"/kb/articles/{draft.pk}").status_code == 404
    assert Api(editor).get(f"/kb/articles/{draft.pk}").status_code == 200


def test_staff_without_knowledge_permissions_are_refused(
    published: Callable[..., Article], administrator: User
) -> None:
    article = published()
    api = Api(administrator)
    assert api.get("/kb/search", {"q": "宽带"}).status_code == 403
    assert api.get(f"/kb/articles/{article.pk}").status_code == 403


def test_an_unauthenticated_request_is_refused(db: Any, client: Any) -> None:
    assert client.get("/api/v1/kb/search", {"q": "宽带"}).status_code == 401


def test_recording_a_use_through_the_api(
    published: Callable[..., Article], order: Any, agent: User, other_team_agent: User
) -> None:
    article = published()
    response = Api(agent).post(f"/kb/articles/{article.pk}/uses", {"ticket": order.number})
    assert response.status_code == 201, response.content
    assert response.json()["ticket"] == order.number
    assert ArticleUse.objects.get().user == agent
    # Another agent's order is out of reach: 404, nothing recorded.
    other = Api(other_team_agent).post(f"/kb/articles/{article.pk}/uses", {"ticket": order.number})
    assert other.status_code == 404
    assert ArticleUse.objects.count() == 1


def test_a_use_of_an_article_out_of_service_is_refused(
    published: Callable[..., Article], order: Any, agent: User, editor: User
) -> None:
    article = published()
    workflow.retire(editor, article, "下线")
    response = Api(agent).post(f"/kb/articles/{article.pk}/uses", {"ticket": order.number})
    assert response.status_code == 404
