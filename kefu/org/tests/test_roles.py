"""The role → permission map of SPEC §1: every role exists and holds what its duties need."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from kefu.org.actions import sync_roles
from kefu.org.models import Role, User
from kefu.org.roles import ALL_PERMISSIONS, ROLES, ROLES_BY_CODE, permissions_for

# The fourteen roles of SPEC §1, in the order of its table.
SPEC_ROLES = {
    "agent": "客服专员",
    "text_entry_clerk": "文本录入员",
    "recording_clerk": "录音提取员",
    "senior_agent": "高级话务员",
    "callback_surveyor": "回访员",
    "knowledge_editor": "资料管理员",
    "qa_inspector": "质检员",
    "statistician": "统计员",
    "team_leader": "班长",
    "supervisor": "客服主管",
    "manager": "客服经理",
    "manager_hotline": "经理热线",
    "department_handler": "部门责任人",
    "administrator": "系统管理员",
}
CENTER_ROLES = set(SPEC_ROLES) - {"department_handler", "administrator"}


def perms(code: str) -> frozenset[str]:
    return ROLES_BY_CODE[code].permissions


def holders(permission: str) -> set[str]:
    return {role.code for role in ROLES if permission in role.permissions}


def staff_with_roles(employee_no: str, *codes: str, **fields: object) -> User:
    user = User.objects.create_user(
        employee_no, "Pw-for-tests-1", name=f"员工{employee_no}", **fields
    )
    user.roles.add(*Role.objects.filter(code__in=codes))
    # Roles are read once per user object; a fresh object sees the roles just added.
    return User.objects.get(pk=user.pk)


# --- The roles themselves -------------------------------------------------------------------


def test_the_code_defines_exactly_the_fourteen_roles_of_the_spec() -> None:
    assert len(ROLES) == 14
    assert {role.code: role.chinese for role in ROLES} == SPEC_ROLES


@pytest.mark.django_db
def test_every_role_has_a_row_after_migrate() -> None:
    """sync_roles runs after every migrate, so a fresh database already knows every role."""
    assert dict(Role.objects.values_list("code", "name")) == SPEC_ROLES


@pytest.mark.django_db
def test_sync_roles_is_idempotent() -> None:
    before = list(Role.objects.order_by("code").values_list("pk", "code", "name"))
    assert sync_roles() == []
    assert sync_roles() == []
    assert list(Role.objects.order_by("code").values_list("pk", "code", "name")) == before


@pytest.mark.django_db
def test_sync_roles_recreates_a_missing_role_and_restores_a_renamed_one() -> None:
    Role.objects.filter(code="statistician").delete()
    Role.objects.filter(code="agent").update(name="改过的名字")
    assert sync_roles() == ["statistician"]
    assert Role.objects.get(code="agent").name == "客服专员"
    assert Role.objects.count() == 14


@pytest.mark.django_db
def test_sync_roles_keeps_a_role_dropped_from_the_code_and_it_grants_nothing() -> None:
    Role.objects.create(code="retired_role", name="旧岗位")
    sync_roles()
    assert Role.objects.filter(code="retired_role").exists()
    user = staff_with_roles("7001", "retired_role")
    assert user.get_all_permissions() == set()
    assert not user.has_perm("core.use_workspace")


@pytest.mark.django_db
def test_a_role_reads_as_its_translated_name() -> None:
    role = Role.objects.get(code="department_handler")
    with translation.override("zh-hans"):
        assert str(role) == "部门责任人"
    with translation.override("en"):
        assert str(role) == "Department handler"


# --- What each role may do (SPEC §1) ----------------------------------------------------------

# role → (permissions its duties need, permissions it must not hold)
DUTIES: dict[str, tuple[set[str], set[str]]] = {
    "agent": (
        {
            "tickets.register",
            "tickets.resolve_first_contact",
            "tickets.draft_dispatch",  # R-WO-3: an agent drafts, a senior agent reviews
            "kb.view",
            "callbacks.make",
            "stats.view_own",
        },
        {"tickets.review", "tickets.dispatch", "tickets.mark_urgent", "tickets.view_center"},
    ),
    "text_entry_clerk": (
        {"tickets.register", "tickets.register_text"},  # R-IN-2
        {"tickets.register_recording", "tickets.dispatch", "tickets.review"},
    ),
    "recording_clerk": (
        {"tickets.register", "tickets.register_recording"},
        {"tickets.register_text", "tickets.dispatch", "tickets.review"},
    ),
    "senior_agent": (
        {
            "tickets.review",  # R-WO-3
            "tickets.dispatch",  # R-WO-4
            "tickets.mark_urgent",  # R-CLS-5
            "tickets.handle_vip",  # R-CLS-6
            "tickets.confirm",  # R-WO-8
            "callbacks.make",
            "qa.evaluate_business_skill",
        },
        {"tickets.take_escalated", "wfm.publish_roster", "org.manage"},
    ),
    "callback_surveyor": (
        {"callbacks.make", "callbacks.urge", "reports.satisfaction"},  # R-CB-1..6, R-SLA-5
        {"tickets.review", "tickets.dispatch", "qa.inspect"},
    ),
    "knowledge_editor": (
        {"kb.edit", "kb.publish", "suggestions.classify", "kb.file_documents"},  # R-SUG-1
        {"kb.approve", "tickets.dispatch"},
    ),
    "qa_inspector": (
        {"qa.inspect", "qa.manage_scorecards", "qa.publish"},
        {"qa.anomaly_report", "tickets.dispatch", "kb.edit"},
    ),
    "statistician": (
        {"reports.produce", "reports.view"},
        {"reports.satisfaction", "tickets.register", "kb.edit"},
    ),
    "team_leader": (
        {
            "wfm.view_team",
            "wfm.monitor_live",
            "wfm.message_agents",
            "wfm.duty_log",  # R-WFM-7
            "wfm.approve_swap_team",
            "stats.view_team",
            "org.view_team",
        },
        {"wfm.publish_roster", "wfm.approve_swap", "wfm.approve_leave", "tickets.dispatch"},
    ),
    "supervisor": (
        {
            "wfm.publish_roster",  # R-WFM-2
            "wfm.approve_swap",  # R-WFM-4
            "wfm.approve_leave",  # R-WFM-5
            "wfm.manage_training",
            "qa.anomaly_report",  # R-QA-6
            "customers.own_archive",
        },
        {"wfm.approve_long_leave", "customers.approve_export", "sla.manage_policies"},
    ),
    "manager": (
        {
            "wfm.approve_long_leave",  # R-WFM-5
            "customers.approve_export",  # R-SEC-2
            "sla.manage_policies",
            "kb.approve",
            "kpi.manage_rules",
            "audit.view",
        },
        {"org.manage", "tickets.view_department", "axes.delete_accessattempt"},
    ),
    "manager_hotline": (
        {"tickets.take_escalated", "tickets.view_center"},  # R-ESC-3
        {"tickets.review", "tickets.dispatch", "org.manage"},
    ),
    "department_handler": (
        {
            "tickets.view_department",  # R-ORG-3
            "tickets.accept",
            "tickets.feedback",  # R-WO-6
            "tickets.ask_superior",  # R-WO-7
        },
        {"tickets.view_center", "tickets.view_own", "tickets.register", "tickets.review"},
    ),
    "administrator": (
        {
            "org.manage",
            "org.change_user",
            "axes.delete_accessattempt",
            "config.manage_taxonomy",
            "sla.manage_policies",
            "sla.manage_calendars",
            "config.manage_integrations",
        },
        {
            "tickets.register",
            "tickets.view_center",
            "tickets.review",
            "customers.view_personal_data",
        },
    ),
}


def test_the_duty_table_covers_every_role() -> None:
    assert set(DUTIES) == set(SPEC_ROLES)


@pytest.mark.parametrize("code", sorted(DUTIES))
def test_each_role_holds_what_its_duties_need(code: str) -> None:
    needed, _ = DUTIES[code]
    assert needed <= perms(code), needed - perms(code)


@pytest.mark.parametrize("code", sorted(DUTIES))
def test_each_role_holds_nothing_outside_its_duties(code: str) -> None:
    _, refused = DUTIES[code]
    assert not refused & perms(code), refused & perms(code)


@pytest.mark.parametrize("code", sorted(SPEC_ROLES))
def test_every_role_may_use_the_staff_workspace(code: str) -> None:
    assert "core.use_workspace" in perms(code)


def test_statistician_produces_and_views_reports_but_cannot_edit_figures() -> None:
    """R-REP-3: the statistician cannot edit report figures by hand."""
    assert perms("statistician") == {"core.use_workspace", "reports.produce", "reports.view"}


def test_agent_may_draft_a_dispatch_but_not_review_one() -> None:
    """R-WO-3: two-step review."""
    assert "tickets.draft_dispatch" in perms("agent")
    assert "tickets.review" not in perms("agent")
    assert "tickets.review" in perms("senior_agent")


def test_department_handler_sees_their_department_orders_not_the_center() -> None:
    """R-ORG-3: a handler sees only the orders dispatched to their department."""
    assert "tickets.view_department" in perms("department_handler")
    assert "tickets.view_center" not in perms("department_handler")


def test_manager_holds_everything_in_the_center() -> None:
    """SPEC §1: the manager may do everything in the center (not the handler's or the admin's)."""
    center = frozenset().union(*(perms(code) for code in CENTER_ROLES))
    assert center <= perms("manager"), center - perms("manager")


@pytest.mark.parametrize(
    ("permission", "only"),
    [
        ("org.manage", {"administrator"}),
        ("axes.delete_accessattempt", {"administrator"}),
        ("config.manage_integrations", {"administrator"}),
        ("audit.view", {"manager", "administrator"}),
        ("sla.manage_policies", {"manager", "administrator"}),
        ("customers.approve_export", {"manager"}),  # R-SEC-2
        (  # R-SEC-1: the roles that talk to customers (decision 0006)
            "customers.view_personal_data",
            {
                "agent",
                "senior_agent",
                "callback_surveyor",
                "team_leader",
                "supervisor",
                "manager",
                "manager_hotline",
                "department_handler",
            },
        ),
        ("wfm.approve_long_leave", {"manager"}),  # R-WFM-5
        ("wfm.publish_roster", {"supervisor", "manager"}),  # R-WFM-2
        ("tickets.review", {"senior_agent", "manager"}),  # R-WO-3
        ("tickets.dispatch", {"senior_agent", "manager"}),  # R-WO-4
        ("tickets.take_escalated", {"manager_hotline", "manager"}),  # R-ESC-3
        ("tickets.view_department", {"department_handler"}),  # R-ORG-3
        ("reports.produce", {"statistician", "manager"}),
        ("kb.edit", {"knowledge_editor", "manager"}),
        ("qa.inspect", {"qa_inspector", "manager"}),
    ],
)
def test_a_sensitive_permission_is_held_only_by_the_roles_that_need_it(
    permission: str, only: set[str]
) -> None:
    assert holders(permission) == only


def test_every_permission_is_named_area_dot_action() -> None:
    for permission in ALL_PERMISSIONS:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", permission), permission


# --- permissions_for and the backend ------------------------------------------------------------


def test_permissions_for_unknown_role_codes_grants_nothing() -> None:
    assert permissions_for({"janitor", "root", ""}) == frozenset()
    assert permissions_for(set()) == frozenset()


def test_permissions_for_several_roles_is_their_union_and_ignores_unknown_codes() -> None:
    assert permissions_for({"agent", "janitor"}) == perms("agent")
    assert permissions_for({"agent", "team_leader"}) == perms("agent") | perms("team_leader")


@pytest.mark.django_db
def test_a_staff_member_has_the_permissions_of_their_roles() -> None:
    user = staff_with_roles("7002", "agent", "team_leader")
    assert user.get_all_permissions() == set(perms("agent") | perms("team_leader"))
    assert user.has_perm("tickets.draft_dispatch")
    assert user.has_perm("wfm.duty_log")
    assert not user.has_perm("tickets.review")
    assert user.has_module_perms("wfm")
    assert not user.has_module_perms("audit")


@pytest.mark.django_db
def test_an_inactive_staff_member_has_no_permissions() -> None:
    user = staff_with_roles("7003", "administrator", is_active=False)
    assert user.get_all_permissions() == set()
    assert not user.has_perm("org.manage")
    assert not user.has_perm("core.use_workspace")
    assert not user.has_module_perms("org")


@pytest.mark.django_db
def test_an_active_account_without_a_role_has_no_permissions(outsider: User) -> None:
    assert outsider.get_all_permissions() == set()
    assert not outsider.has_perm("core.use_workspace")


def test_an_anonymous_visitor_has_no_permissions() -> None:
    visitor = AnonymousUser()
    assert not visitor.has_perm("core.use_workspace")
    assert visitor.get_all_permissions() == set()
