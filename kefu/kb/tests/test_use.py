"""R-KB-5: the article used is recorded on the order and counted; R-KB-4: hard cases become
draft articles in one step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.kb import queries, workflow
from kefu.kb.choices import Status, Step
from kefu.kb.models import Article, ArticleUse
from kefu.org.models import User
from kefu.tickets.choices import EventKind

pytestmark = pytest.mark.django_db


def test_r_kb_5_using_an_article_is_recorded_on_the_order_and_its_timeline(
    published: Callable[..., Article], order: Any, agent: User
) -> None:
    article = published(title="宽带报修时限")
    use = workflow.record_use(agent, article, order)
    assert (use.article, use.version, use.ticket, use.user) == (article, 1, order, agent)
    note = order.events.get(kind=EventKind.NOTE)
    assert "宽带报修时限" in note.body
    assert note.actor == agent


def test_using_the_same_article_twice_on_one_order_counts_once(
    published: Callable[..., Article], order: Any, agent: User
) -> None:
    article = published()
    workflow.record_use(agent, article, order)
    workflow.record_use(agent, article, order)
    assert ArticleUse.objects.count() == 1
    assert order.events.filter(kind=EventKind.NOTE).count() == 1


def test_the_version_used_is_the_one_in_service(
    published: Callable[..., Article], order: Any, agent: User, editor: User
) -> None:
    article = published()
    workflow.revise(editor, article, {"wording": "新口径"}, "更新")
    article.refresh_from_db()
    assert workflow.record_use(agent, article, order).version == 2


def test_an_article_out_of_service_or_an_order_out_of_reach_cannot_be_recorded(
    published: Callable[..., Article],
    notice: Callable[..., Article],
    order: Any,
    agent: User,
    other_team_agent: User,
) -> None:
    with pytest.raises(PermissionDenied):
        workflow.record_use(agent, notice(title="草稿"), order)
    with pytest.raises(PermissionDenied):  # another agent's order
        workflow.record_use(other_team_agent, published(), order)
    assert not ArticleUse.objects.exists()


def test_r_kb_5_usage_lists_most_used_and_never_used(
    published: Callable[..., Article], order: Any, agent: User
) -> None:
    used, _unused = published(title="常用文章"), published(title="没人用的文章")
    workflow.record_use(agent, used, order)
    report = queries.usage()
    assert [(row["article__title"], row["uses"]) for row in report.most_used] == [("常用文章", 1)]
    assert [a.title for a in report.never_used] == ["没人用的文章"]


# --- R-KB-4 -----------------------------------------------------------------------------------


def test_r_kb_4_a_senior_agent_turns_an_answered_order_into_a_draft(
    answered: Any, senior_agent: User, editor: User
) -> None:
    article = workflow.draft_from_case(senior_agent, answered)
    assert article.status == Status.STUDIED
    assert article.source_ticket == answered
    assert article.title == answered.title
    assert article.wording == answered.resolution
    assert answered.resolution in article.body
    assert answered.description in article.body
    assert article.steps.get().step == Step.FROM_CASE
    assert article.steps.get().actor == senior_agent
    # The editor takes it on from there.
    assert workflow.permitted(editor, Step.ENTER, article)


def test_r_kb_4_only_senior_agents_draft_from_cases(
    answered: Any, agent: User, editor: User
) -> None:
    for actor in (agent, editor):
        with pytest.raises(PermissionDenied):
            workflow.draft_from_case(actor, answered)


def test_r_kb_4_an_unanswered_order_cannot_become_an_article(
    order: Any, senior_agent: User
) -> None:
    with pytest.raises(ValidationError):
        workflow.draft_from_case(senior_agent, order)


def test_r_kb_4_one_order_makes_one_draft(answered: Any, senior_agent: User) -> None:
    workflow.draft_from_case(senior_agent, answered)
    with pytest.raises(ValidationError):
        workflow.draft_from_case(senior_agent, answered)
    assert Article.objects.filter(source_ticket=answered).count() == 1
