"""R-KB-3: an article entered before its rollout date becomes visible to agents on that date and
disappears after its end date (frozen time, ``time-machine``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from kefu.kb import queries, workflow
from kefu.kb.access import access_article, visible_articles
from kefu.kb.models import Article
from kefu.org.models import User

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
ENTERED = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)
ROLLOUT = datetime(2026, 12, 1, 0, 0, tzinfo=SHANGHAI)
END = datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def campaign(published: Callable[..., Article]) -> Article:
    with time_machine.travel(ENTERED, tick=False):
        return published(
            title="千兆宽带冬季促销",
            wording="您好，千兆宽带冬季促销每月99元。",
            effective_from=ROLLOUT,
            effective_to=END,
        )


def _agent_sees(agent: User, article: Article) -> bool:
    in_list = visible_articles(agent).filter(pk=article.pk).exists()
    in_search = any(h.article.pk == article.pk for h in queries.find(agent, "千兆 促销").hits)
    try:
        access_article(agent, article.pk)
        readable = True
    except Http404:
        readable = False
    assert in_list == in_search == readable  # list, search and page agree
    return in_list


def test_r_kb_3_published_before_rollout_is_hidden_from_agents_until_that_date(
    campaign: Article, agent: User
) -> None:
    with time_machine.travel(datetime(2026, 11, 30, 23, 59, tzinfo=SHANGHAI), tick=False):
        assert not _agent_sees(agent, campaign)
    with time_machine.travel(ROLLOUT, tick=False):
        assert _agent_sees(agent, campaign)


def test_r_kb_3_an_article_disappears_for_agents_after_its_end_date(
    campaign: Article, agent: User
) -> None:
    with time_machine.travel(datetime(2027, 2, 28, 23, 59, tzinfo=SHANGHAI), tick=False):
        assert _agent_sees(agent, campaign)
    with time_machine.travel(END, tick=False):
        assert not _agent_sees(agent, campaign)


def test_r_kb_3_the_editor_sees_it_before_and_after_its_window(
    campaign: Article, editor: User
) -> None:
    with time_machine.travel(ENTERED, tick=False):
        assert visible_articles(editor).filter(pk=campaign.pk).exists()
    with time_machine.travel(END, tick=False):
        assert visible_articles(editor).filter(pk=campaign.pk).exists()


def test_r_kb_2_added_and_retired_times_are_kept(campaign: Article, editor: User) -> None:
    assert campaign.published_at == ENTERED  # added to the knowledge base when published
    retired_at = datetime(2027, 3, 2, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(retired_at, tick=False):
        workflow.retire(editor, campaign, "活动结束")
    campaign.refresh_from_db()
    assert (campaign.published_at, campaign.retired_at) == (ENTERED, retired_at)


def test_an_article_whose_end_has_passed_cannot_be_published(
    notice: Callable[..., Article], editor: User, director: User, tech_handler: User
) -> None:
    with time_machine.travel(ENTERED, tick=False):
        article = notice(effective_to=ROLLOUT)
        workflow.mark_read(director, article)
        workflow.record_study(editor, article, "学习")
        workflow.enter(editor, article, {"wording": "口径", "body": "正文"})
        workflow.confirm(tech_handler, article)
    with time_machine.travel(END, tick=False), pytest.raises(ValidationError):
        workflow.publish(editor, article)
