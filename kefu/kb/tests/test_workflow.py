"""R-KB-1: notice received → director read → studied → entered → confirmed → published, each step
by the right role, recorded with who and when; sending back needs a reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.errors import IllegalTransition
from kefu.kb import workflow
from kefu.kb.choices import TRANSITIONS, Status, Step
from kefu.kb.models import Article, ArticleStep
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def test_r_kb_1_every_step_is_recorded_with_who_and_when(
    notice: Callable[..., Article],
    editor: User,
    director: User,
    tech_handler: User,
) -> None:
    article = notice()
    workflow.mark_read(director, article, "请学习")
    workflow.record_study(editor, article, "已收集常见问题")
    workflow.enter(editor, article, {"wording": "您好，……", "body": "正文"})
    workflow.confirm(tech_handler, article, "口径无误")
    workflow.publish(editor, article)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.version == 1
    assert article.published_at is not None
    steps = list(
        article.steps.values_list("step", "actor__employee_no", "from_status", "to_status")
    )
    assert steps == [
        (Step.RECEIVE, "1042", "", Status.RECEIVED),
        (Step.READ, "1060", Status.RECEIVED, Status.READ),
        (Step.STUDY, "1042", Status.READ, Status.STUDIED),
        (Step.ENTER, "1042", Status.STUDIED, Status.ENTERED),
        (Step.CONFIRM, "2401", Status.ENTERED, Status.CONFIRMED),
        (Step.PUBLISH, "1042", Status.CONFIRMED, Status.PUBLISHED),
    ]
    assert all(s.at is not None for s in ArticleStep.objects.filter(article=article))
    assert article.steps.get(step=Step.STUDY).note == "已收集常见问题"


def test_r_kb_1_steps_cannot_be_skipped(
    notice: Callable[..., Article], editor: User, tech_handler: User
) -> None:
    article = notice()
    with pytest.raises(IllegalTransition):
        workflow.publish(editor, article)
    with pytest.raises(IllegalTransition):
        workflow.confirm(tech_handler, article)
    with pytest.raises(IllegalTransition):
        workflow.enter(editor, article, {"wording": "x", "body": "y"})
    article.refresh_from_db()
    assert article.status == Status.RECEIVED
    assert article.steps.count() == 1


@pytest.mark.parametrize(
    ("employee_no", "allowed"),
    [
        ("1060", True),  # supervisor, the center director
        ("1070", True),  # manager
        ("1042", False),  # the editor does not read for the director
        ("1001", False),  # agent
        ("2401", False),  # department handler
    ],
)
def test_r_kb_1_only_the_director_marks_a_notice_read(
    notice: Callable[..., Article], employee_no: str, allowed: bool
) -> None:
    article = notice()
    actor = User.objects.get(employee_no=employee_no)
    if allowed:
        assert workflow.mark_read(actor, article).status == Status.READ
    else:
        with pytest.raises(PermissionDenied):
            workflow.mark_read(actor, article)
        article.refresh_from_db()
        assert article.status == Status.RECEIVED


def _to_entered(article: Article, editor: User, director: User) -> Article:
    workflow.mark_read(director, article)
    workflow.record_study(editor, article, "学习记录")
    return workflow.enter(editor, article, {"wording": "口径", "body": "正文"})


@pytest.mark.parametrize(
    ("employee_no", "allowed"),
    [
        ("2401", True),  # 技术部, the issuing department
        ("2001", False),  # 城市客服部: another department
        ("1042", False),  # the editor cannot confirm their own entry
        ("1070", False),  # the manager confirms only the center's own articles
        ("1001", False),
    ],
)
def test_r_kb_1_only_the_issuing_department_confirms(
    notice: Callable[..., Article],
    editor: User,
    director: User,
    employee_no: str,
    allowed: bool,
) -> None:
    article = _to_entered(notice(department="tech"), editor, director)
    actor = User.objects.get(employee_no=employee_no)
    assert workflow.permitted(actor, Step.CONFIRM, article) is allowed
    if allowed:
        assert workflow.confirm(actor, article).status == Status.CONFIRMED
    else:
        with pytest.raises(PermissionDenied):
            workflow.confirm(actor, article)


def test_r_kb_1_the_manager_confirms_an_article_without_an_issuing_department(
    notice: Callable[..., Article], editor: User, director: User, manager: User, tech_handler: User
) -> None:
    article = _to_entered(notice(department=None), editor, director)
    with pytest.raises(PermissionDenied):
        workflow.confirm(tech_handler, article)
    assert workflow.confirm(manager, article).status == Status.CONFIRMED


def test_r_kb_1_publishing_is_the_editors_step(
    notice: Callable[..., Article], editor: User, director: User, tech_handler: User, agent: User
) -> None:
    article = _to_entered(notice(), editor, director)
    workflow.confirm(tech_handler, article)
    for outsider in (tech_handler, director, agent):
        with pytest.raises(PermissionDenied):
            workflow.publish(outsider, article)
    assert workflow.publish(editor, article).status == Status.PUBLISHED


def test_r_kb_1_send_back_needs_a_reason_and_returns_the_article_to_the_editor(
    notice: Callable[..., Article], editor: User, director: User, tech_handler: User
) -> None:
    article = _to_entered(notice(), editor, director)
    with pytest.raises(ValidationError) as error:
        workflow.send_back(tech_handler, article, "  ")
    assert "note" in error.value.message_dict
    workflow.send_back(tech_handler, article, "资费数字有误，请核对")
    article.refresh_from_db()
    assert article.status == Status.STUDIED
    last = article.steps.last()
    assert last is not None
    assert (last.step, last.actor, last.note) == (
        Step.SEND_BACK,
        tech_handler,
        "资费数字有误，请核对",
    )
    # Entered again, confirmed, then the publisher sends it back too.
    workflow.enter(editor, article, {"wording": "改正后的口径"})
    workflow.confirm(tech_handler, article)
    workflow.send_back(editor, article, "发布前发现错别字")
    article.refresh_from_db()
    assert article.status == Status.STUDIED


def test_r_kb_1_entering_needs_the_unified_wording_and_a_body(
    notice: Callable[..., Article], editor: User, director: User
) -> None:
    article = notice()
    workflow.mark_read(director, article)
    workflow.record_study(editor, article, "学习")
    with pytest.raises(ValidationError) as error:
        workflow.enter(editor, article, {"body": "正文"})
    assert "wording" in error.value.message_dict
    article.refresh_from_db()
    assert article.status == Status.STUDIED


def test_r_kb_1_studying_needs_notes(
    notice: Callable[..., Article], editor: User, director: User
) -> None:
    article = notice()
    workflow.mark_read(director, article)
    with pytest.raises(ValidationError):
        workflow.record_study(editor, article, "")


def test_a_confirmed_article_cannot_be_edited_without_sending_it_back(
    notice: Callable[..., Article], editor: User, director: User, tech_handler: User
) -> None:
    article = _to_entered(notice(), editor, director)
    workflow.confirm(tech_handler, article)
    with pytest.raises(IllegalTransition):
        workflow.save_draft(editor, article, {"wording": "悄悄改口径"})
    article.refresh_from_db()
    assert article.wording == "口径"


def test_the_offered_steps_are_the_legal_ones_for_the_user(
    notice: Callable[..., Article], editor: User, director: User, agent: User
) -> None:
    article = notice()
    assert workflow.allowed_steps(director, article) == [Step.READ]
    assert workflow.allowed_steps(editor, article) == []
    assert workflow.allowed_steps(agent, article) == []


def test_every_transition_names_a_permission_some_role_holds() -> None:
    from kefu.org.roles import ALL_PERMISSIONS

    for moves in TRANSITIONS.values():
        for move in moves.values():
            assert move.permission in ALL_PERMISSIONS


def test_only_the_editor_registers_notices(agent: User, category, tech_handler: User) -> None:
    for actor in (agent, tech_handler):
        with pytest.raises(PermissionDenied):
            workflow.receive_notice(actor, workflow.Notice(title="x", category=category))


def test_a_notice_needs_a_title_and_an_end_after_its_start(editor: User, category) -> None:
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError) as error:
        workflow.receive_notice(editor, workflow.Notice(title=" ", category=category))
    assert "title" in error.value.message_dict
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        workflow.receive_notice(
            editor,
            workflow.Notice(
                title="活动", category=category, effective_from=now, effective_to=now - timedelta(1)
            ),
        )
    assert "effective_to" in error.value.message_dict


def test_r_kb_2_the_original_document_is_kept(editor: User, category) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("通知.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    article = workflow.receive_notice(
        editor, workflow.Notice(title="新业务通知", category=category), upload
    )
    source = article.attachments.get()
    assert source.is_source
    assert source.name == "通知.pdf"
    assert source.file.read() == b"%PDF-1.4 notice"


def test_r_kb_2_retiring_keeps_the_article_with_its_retirement_time(
    published: Callable[..., Article], editor: User, agent: User
) -> None:
    article = published()
    with pytest.raises(ValidationError):
        workflow.retire(editor, article, "")
    with pytest.raises(PermissionDenied):
        workflow.retire(agent, article, "过时")
    workflow.retire(editor, article, "业务已下线")
    article.refresh_from_db()
    assert article.status == Status.RETIRED
    assert article.retired_at is not None
    assert article.published_at is not None
    assert not Article.objects.live().filter(pk=article.pk).exists()
