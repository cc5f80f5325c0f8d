"""The home page: each person sees their profile, their duties and the panels their roles open,
filled with real data only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.org.choices import StaffLevel
from kefu.org.models import Department, Role, User

pytestmark = pytest.mark.django_db


def panel(html: str, testid: str) -> str:
    """The HTML of one <section data-testid=...> of the page."""
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_agent_home_greets_them_and_shows_their_profile(
    agent: User, login: Callable[[User], Client]
) -> None:
    html = login(agent).get("/").content.decode()
    assert "王丽，您好" in html
    profile = panel(html, "profile-panel")
    assert "1001" in profile
    assert "华信通信集团 / 400客服中心" in profile
    assert "话务一班" in profile
    assert "初级" in profile  # R-ORG-2 level
    assert "13800001001" in profile


def test_agent_home_lists_the_agent_duties(agent: User, login: Callable[[User], Client]) -> None:
    """SPEC §1: the duties panel says what the role lets them do."""
    html = login(agent).get("/").content.decode()
    duties = panel(html, "duties-panel")
    assert 'data-role="agent"' in duties
    assert "客服专员" in duties
    assert duties.count("data-role=") == 1


def test_agent_home_has_no_admin_panel_and_no_team_panel(
    agent: User, login: Callable[[User], Client]
) -> None:
    response = login(agent).get("/")
    html = response.content.decode()
    assert 'data-testid="admin-panel"' not in html
    assert 'data-testid="team-panel"' not in html
    assert "org_counts" not in response.context
    assert "locked_accounts" not in response.context


def test_handler_home_shows_their_department_outside_the_center(
    handler: User, login: Callable[[User], Client]
) -> None:
    html = login(handler).get("/").content.decode()
    assert "华信通信集团 / 城市客服部" in panel(html, "profile-panel")
    assert "部门责任人" in panel(html, "duties-panel")
    assert 'data-testid="team-panel"' not in html


def test_account_without_a_role_is_told_to_ask_for_one(
    outsider: User, login: Callable[[User], Client]
) -> None:
    html = login(outsider).get("/").content.decode()
    assert "您尚未分配岗位，请联系系统管理员。" in panel(html, "duties-panel")


def test_someone_with_two_roles_sees_both_duties(
    agent: User, login: Callable[[User], Client]
) -> None:
    agent.roles.add(Role.objects.get(code="callback_surveyor"))
    duties = panel(login(agent).get("/").content.decode(), "duties-panel")
    assert 'data-role="agent"' in duties
    assert 'data-role="callback_surveyor"' in duties


def test_team_leader_home_lists_their_team(
    team_leader: User, login: Callable[[User], Client]
) -> None:
    html = login(team_leader).get("/").content.decode()
    team = panel(html, "team-panel")
    assert "王丽" in team
    assert "李娜" in team
    assert "张伟" not in team  # 话务二班
    assert "陈静" not in team  # not themselves


def test_team_leader_home_leaves_out_staff_who_have_left(
    team_leader: User, teammate: User, login: Callable[[User], Client]
) -> None:
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])
    team = panel(login(team_leader).get("/").content.decode(), "team-panel")
    assert "李娜" not in team
    assert "王丽" in team


def test_administrator_home_counts_match_the_database(
    administrator: User, login: Callable[[User], Client]
) -> None:
    """No fake numbers: the admin panel counts what is in the database."""
    client = login(administrator)
    response = client.get("/")
    staff = User.objects.filter(is_active=True).count()
    departments = Department.objects.filter(is_active=True).count()
    assert response.context["org_counts"] == {"staff": staff, "departments": departments}
    admin_panel = panel(response.content.decode(), "admin-panel")
    assert f"在职人员 {staff} 人，部门与班组 {departments} 个。" in admin_panel
    assert "目前没有被锁定的账号。" in admin_panel

    User.objects.create_user("7300", "Pw-for-tests-1", name="新同事")
    User.objects.filter(employee_no="1002").update(is_active=False)
    Department.objects.filter(code="media").update(is_active=False)
    response = client.get("/")
    assert response.context["org_counts"] == {"staff": staff, "departments": departments - 1}


def test_team_leader_home_query_count_does_not_grow_with_the_team(
    team_leader: User, login: Callable[[User], Client]
) -> None:
    """No N+1: ten more team members cost no more queries."""
    client = login(team_leader)
    client.get("/")  # warm up
    with CaptureQueriesContext(connection) as small_team:
        client.get("/")

    team = Department.objects.get(code="team-1")
    agent_role = Role.objects.get(code="agent")
    for index in range(10):
        member = User.objects.create_user(
            f"75{index:02}",
            "Pw-for-tests-1",
            name=f"新人{index}",
            department=team.parent,
            team=team,
            level=StaffLevel.JUNIOR,
        )
        member.roles.add(agent_role)

    with CaptureQueriesContext(connection) as large_team:
        response = client.get("/")
    assert len(response.context["team_members"]) == 12
    assert len(large_team.captured_queries) == len(small_team.captured_queries)


def test_administrator_home_query_count_does_not_grow_with_locked_accounts(
    administrator: User, login: Callable[[User], Client]
) -> None:
    def lock_out(employee_no: str) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            Client().post("/login/", {"username": employee_no, "password": "not-the-password"})

    client = login(administrator)
    lock_out("1001")
    client.get("/")
    with CaptureQueriesContext(connection) as one_locked:
        client.get("/")
    lock_out("1002")
    lock_out("1003")
    with CaptureQueriesContext(connection) as three_locked:
        response = client.get("/")
    assert len(response.context["locked_accounts"]) == 3
    assert len(three_locked.captured_queries) == len(one_locked.captured_queries)
