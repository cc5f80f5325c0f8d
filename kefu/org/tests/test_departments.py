"""R-ORG-1: the department tree (company → center / branch → department → team), the directory."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from kefu.org.choices import ALLOWED_PARENT_KINDS, DepartmentKind
from kefu.org.models import Department, User

K = DepartmentKind


def node(code: str, kind: str, parent: Department | None = None) -> Department:
    """A saved department that passed validation, as the admin form would save it."""
    department = Department(name=code, code=code, kind=kind, parent=parent)
    department.full_clean()
    department.save()
    return department


def parent_errors(department: Department) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    return caught.value.message_dict["parent"]


# --- Tree validation ----------------------------------------------------------------------


@pytest.mark.django_db
def test_company_may_stand_at_the_top_of_the_tree() -> None:
    node("group", K.COMPANY)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [K.CENTER, K.BRANCH, K.DEPARTMENT, K.TEAM])
def test_only_a_company_may_stand_at_the_top_of_the_tree(kind: str) -> None:
    """R-ORG-1."""
    assert parent_errors(Department(name="x", code="x", kind=kind))


@pytest.mark.django_db
def test_a_company_cannot_sit_under_another_company() -> None:
    group = node("group", K.COMPANY)
    assert parent_errors(Department(name="sub", code="sub", kind=K.COMPANY, parent=group))


@pytest.mark.django_db
def test_a_team_cannot_sit_directly_under_the_company() -> None:
    """R-ORG-1: a team (班组) belongs to a center, branch or department."""
    group = node("group", K.COMPANY)
    errors = parent_errors(Department(name="班组", code="t", kind=K.TEAM, parent=group))
    assert errors


@pytest.mark.django_db
def test_the_levels_of_the_spec_nest_as_company_center_department_team() -> None:
    group = node("group", K.COMPANY)
    center = node("center", K.CENTER, group)
    branch = node("branch", K.BRANCH, group)
    node("dept-under-group", K.DEPARTMENT, group)
    department = node("dept-under-center", K.DEPARTMENT, center)
    node("dept-under-branch", K.DEPARTMENT, branch)
    node("team-under-center", K.TEAM, center)
    node("team-under-department", K.TEAM, department)
    node("team-under-branch", K.TEAM, branch)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        (K.CENTER, K.CENTER),
        (K.CENTER, K.DEPARTMENT),
        (K.DEPARTMENT, K.DEPARTMENT),
        (K.DEPARTMENT, K.TEAM),
        (K.TEAM, K.TEAM),
        (K.BRANCH, K.CENTER),
    ],
)
def test_a_level_cannot_sit_under_a_level_at_or_below_it(kind: str, parent_kind: str) -> None:
    group = node("group", K.COMPANY)
    center = node("center", K.CENTER, group)
    parents: dict[str, Department] = {
        K.CENTER: center,
        K.DEPARTMENT: node("dept", K.DEPARTMENT, center),
    }
    parents[K.TEAM] = node("team", K.TEAM, parents[K.DEPARTMENT])
    assert parent_errors(Department(name="n", code="n", kind=kind, parent=parents[parent_kind]))


@pytest.mark.django_db
def test_a_department_cannot_be_placed_under_its_own_team() -> None:
    """No cycles: moving a department under one of its descendants is refused."""
    group = node("group", K.COMPANY)
    department = node("dept", K.DEPARTMENT, group)
    team = node("team", K.TEAM, department)
    department.parent = team
    assert parent_errors(department)


@pytest.mark.django_db
def test_no_cycles_even_where_a_kind_may_sit_under_its_own_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """R-ORG-1: if nested departments were allowed, a department still could not sit under
    itself or its own descendant."""
    monkeypatch.setitem(
        ALLOWED_PARENT_KINDS,
        K.DEPARTMENT,
        {K.COMPANY, K.CENTER, K.BRANCH, K.DEPARTMENT},
    )
    group = node("group", K.COMPANY)
    outer = node("outer", K.DEPARTMENT, group)
    inner = node("inner", K.DEPARTMENT, outer)
    outer.parent = inner
    with translation.override("en"):
        assert parent_errors(outer) == ["A department cannot be placed under itself."]
        outer.parent = outer
        assert parent_errors(outer) == ["A department cannot be placed under itself."]


@pytest.mark.django_db
def test_a_parent_cycle_in_the_data_does_not_hang_the_path(org: object) -> None:
    """Two concurrent moves can each pass validation and still close a cycle: the path of a
    department must still render instead of looping forever."""
    center = Department.objects.get(code="center")
    team = Department.objects.get(code="team-1")
    Department.objects.filter(pk=center.pk).update(parent=team)
    assert Department.objects.get(code="team-1").path == "400客服中心 / 话务一班"
    assert [d.code for d in Department.objects.get(code="center").ancestors()] == ["team-1"]


@pytest.mark.django_db
def test_every_demo_department_and_staff_member_is_valid(org: object) -> None:
    for department in Department.objects.all():
        department.full_clean()
    for user in User.objects.select_related("team", "department"):
        user.full_clean()


@pytest.mark.django_db
def test_path_names_the_department_from_the_top(org: object) -> None:
    assert Department.objects.get(code="team-1").path == "华信通信集团 / 400客服中心 / 话务一班"


# --- Staff placement ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_staff_members_team_must_be_a_team(agent: User) -> None:
    agent.team = Department.objects.get(code="city-service")
    with pytest.raises(ValidationError) as caught:
        agent.full_clean()
    assert "team" in caught.value.message_dict


@pytest.mark.django_db
def test_a_staff_members_team_must_belong_to_their_department(agent: User) -> None:
    agent.department = Department.objects.get(code="media")
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            agent.full_clean()
        assert caught.value.message_dict["team"] == [
            "The team must belong to the staff member's department."
        ]


@pytest.mark.django_db
def test_a_staff_member_may_move_to_a_team_of_their_department(agent: User) -> None:
    agent.team = Department.objects.get(code="team-2")
    agent.full_clean()


# --- The directory page /org/ ---------------------------------------------------------------

DIRECTORY = "/org/"


@pytest.mark.django_db
def test_directory_lists_the_tree_in_order_with_depth(
    agent: User, login: Callable[[User], Client]
) -> None:
    response = login(agent).get(DIRECTORY)
    assert response.status_code == 200
    outline = [(row.item.code, row.depth) for row in response.context["rows"]]
    assert outline == [
        ("group", 0),
        ("center", 1),
        ("team-1", 2),
        ("team-2", 2),
        ("team-senior", 2),
        ("team-callback", 2),
        ("team-qa", 2),
        ("team-office", 2),
        ("city-service", 1),
        ("group-market", 1),
        ("market-ops", 1),
        ("media", 1),
        ("tech", 1),
    ]


@pytest.mark.django_db
def test_directory_shows_head_and_responsible_person(
    agent: User, login: Callable[[User], Client]
) -> None:
    """R-ORG-1: orders go to a department *and* its responsible person."""
    response = login(agent).get(DIRECTORY)
    html = response.content.decode()
    row = html[html.index("城市客服部") :].split("</tr>", 1)[0]
    assert "郑浩" in row  # head
    assert "林涛" in row  # responsible person


@pytest.mark.django_db
def test_directory_counts_the_active_staff_of_each_node(
    agent: User, login: Callable[[User], Client]
) -> None:
    User.objects.filter(employee_no="1002").update(is_active=False)
    response = login(agent).get(DIRECTORY)
    counts = {row.item.code: row.item.staff_count for row in response.context["rows"]}
    assert counts["team-1"] == 2  # 王丽 and 陈静; 李娜 has left
    assert counts["city-service"] == 2
    assert counts["tech"] == 2  # the handler and the administrator
    assert counts["group"] == 0
    assert (
        counts["center"] == User.objects.filter(department__code="center", is_active=True).count()
    )


@pytest.mark.django_db
def test_directory_hides_inactive_departments(agent: User, login: Callable[[User], Client]) -> None:
    Department.objects.filter(code="media").update(is_active=False)
    response = login(agent).get(DIRECTORY)
    codes = [row.item.code for row in response.context["rows"]]
    assert "media" not in codes
    assert "tech" in codes


@pytest.mark.django_db
def test_directory_query_count_does_not_grow_with_the_tree(
    agent: User,
    login: Callable[[User], Client],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = login(agent)
    client.get(DIRECTORY)  # warm up: session and content types
    with django_assert_max_num_queries(8) as before:
        client.get(DIRECTORY)
    center = Department.objects.get(code="center")
    for index in range(10):
        team = node(f"extra-{index}", K.TEAM, center)
        team.head = agent
        team.save(update_fields=["head"])
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(DIRECTORY)


@pytest.mark.django_db
def test_directory_is_refused_to_an_account_without_a_role(
    outsider: User, login: Callable[[User], Client]
) -> None:
    assert login(outsider).get(DIRECTORY).status_code == 403


@pytest.mark.django_db
def test_directory_sends_an_anonymous_visitor_to_login(client: Client) -> None:
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/org/"


@pytest.mark.django_db
def test_department_handler_may_read_the_directory(
    handler: User, login: Callable[[User], Client]
) -> None:
    assert login(handler).get(DIRECTORY).status_code == 200
