"""Knowledge-base fixtures: the demo knowledge base, and articles built through the workflow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.kb import workflow
from kefu.kb.demo import load_categories, load_kb
from kefu.kb.models import Article, Category
from kefu.org.models import Department, User


def staff(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


@pytest.fixture
def editor(org: Any) -> User:
    """孙悦 (1042), knowledge editor 资料管理员."""
    return staff("1042")


@pytest.fixture
def director(org: Any) -> User:
    """胡军 (1060), supervisor 客服主管: reads business notices as the center director."""
    return staff("1060")


@pytest.fixture
def manager(org: Any) -> User:
    """郭强 (1070), manager 客服经理."""
    return staff("1070")


@pytest.fixture
def tech_handler(org: Any) -> User:
    """宋杰 (2401), department handler of 技术部."""
    return staff("2401")


@pytest.fixture
def category(db: Any) -> Category:
    return load_categories()["宽带上网/宽带故障"]


@pytest.fixture
def notice(editor: User, category: Category) -> Callable[..., Article]:
    """notice(title=..., department="tech", **fields): a business notice as received."""

    def make(
        title: str = "光纤改造期间宽带中断说明", department: str | None = "tech", **kw: Any
    ) -> Article:
        dept = Department.objects.get(code=department) if department else None
        return workflow.receive_notice(
            editor,
            workflow.Notice(title=title, category=category, issuing_department=dept, **kw),
        )

    return make


@pytest.fixture
def published(
    notice: Callable[..., Article], editor: User, director: User, tech_handler: User
) -> Callable[..., Article]:
    """published(**notice fields, wording=..., body=...): an article taken through every step."""

    def make(
        wording: str = "您好，光纤改造期间宽带会短暂中断，预计两小时内恢复。",
        body: str = "## 说明\n\n改造期间**请勿**重启光猫。",
        **kw: Any,
    ) -> Article:
        article = notice(**kw)
        workflow.mark_read(director, article)
        workflow.record_study(editor, article, "已学习")
        workflow.enter(editor, article, {"wording": wording, "body": body})
        workflow.confirm(tech_handler, article)
        return workflow.publish(editor, article)

    return make


@pytest.fixture
def demo_kb(org: Any, taxonomy: Any) -> int:
    """The demo knowledge base, loaded the way ``kefu demo`` loads it."""
    return load_kb()


@pytest.fixture
def order(agent: User, taxonomy: Any) -> Any:
    """An inquiry (E) the agent registered: open, the agent's own."""
    from kefu.tickets import actions
    from kefu.tickets.models import CallType

    return actions.register(
        agent,
        actions.Registration(
            call_type=CallType.objects.get(code="E"),
            channel="phone",
            title="咨询宽带报修时限",
            description="客户问宽带坏了多久能修好。",
            contact_phone="+8613812345678",
        ),
    )


@pytest.fixture
def answered(order: Any, agent: User) -> Any:
    """The same inquiry, answered on first contact (a hard case once a senior agent says so)."""
    from kefu.tickets import actions

    return actions.resolve_first_contact(
        agent, order, "城区宽带故障24小时内修复，郊区48小时内。", expected_version=order.version
    )
