"""Object rules (R-ORG-3): a permission narrowed to the objects a user may touch.

``has_perm(perm, obj)``, ``Model.objects.restrict(user, perm)`` and ``access(...)`` must agree,
because all three read the same registered rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from kefu.core.permissions import _object_rules, access, object_filter, object_rule
from kefu.org.models import User
from kefu.org.roles import ROLES_BY_CODE

# Unique to this module, so that registering it cannot clash with a real rule.
TEST_PERM = "tests.view_same_level_staff"


def same_level(user: User) -> Q:
    return Q(level=user.level)


@pytest.fixture
def level_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Grant TEST_PERM to agents, narrowed to staff of the agent's own level.

    The rule registry is module-global: the rule is removed again whatever the test does.
    """
    agent_role = ROLES_BY_CODE["agent"]
    monkeypatch.setitem(
        ROLES_BY_CODE,
        "agent",
        dataclasses.replace(agent_role, permissions=agent_role.permissions | {TEST_PERM}),
    )
    object_rule(TEST_PERM, User)(same_level)
    try:
        yield TEST_PERM
    finally:
        _object_rules.pop(TEST_PERM, None)


def fresh(user: User) -> User:
    """The same staff member without the permissions cached on the object."""
    return User.objects.get(pk=user.pk)


# --- A rule registered by a test -----------------------------------------------------------


def test_has_perm_with_an_object_honours_the_rule(level_rule: str, agent: User) -> None:
    junior_colleague = User.objects.get(employee_no="1003")  # 张伟, junior like 王丽
    intermediate_colleague = User.objects.get(employee_no="1002")  # 李娜
    assert agent.has_perm(level_rule)
    assert agent.has_perm(level_rule, junior_colleague)
    assert not agent.has_perm(level_rule, intermediate_colleague)


def test_has_perm_with_an_object_needs_the_permission_first(
    level_rule: str, handler: User, agent: User
) -> None:
    assert not handler.has_perm(level_rule)
    assert not handler.has_perm(level_rule, agent)


def test_restrict_lists_only_the_objects_the_rule_reaches(level_rule: str, agent: User) -> None:
    visible = User.objects.restrict(agent, level_rule)
    assert set(visible) == set(User.objects.filter(level=agent.level))
    assert User.objects.exclude(level=agent.level).exists()


def test_restrict_lists_nothing_without_the_permission(level_rule: str, senior_agent: User) -> None:
    assert not User.objects.restrict(senior_agent, level_rule).exists()


def test_restrict_can_be_chained_with_other_filters(level_rule: str, agent: User) -> None:
    visible = User.objects.filter(team=agent.team).restrict(agent, level_rule)
    assert set(visible) == set(User.objects.filter(team=agent.team, level=agent.level))


def test_access_returns_an_object_within_reach(level_rule: str, agent: User) -> None:
    colleague = User.objects.get(employee_no="1003")
    assert access(User, agent, level_rule, pk=colleague.pk) == colleague
    assert access(User.objects.all(), agent, level_rule, pk=colleague.pk) == colleague


def test_access_is_not_found_for_an_object_outside_reach(level_rule: str, agent: User) -> None:
    """404, not 403: nobody can probe for the ids of objects they may not see."""
    out_of_reach = User.objects.get(employee_no="1002")
    with pytest.raises(Http404):
        access(User, agent, level_rule, pk=out_of_reach.pk)


def test_access_is_not_found_for_an_object_that_does_not_exist(
    level_rule: str, agent: User
) -> None:
    with pytest.raises(Http404):
        access(User, agent, level_rule, pk=10**9)


def test_access_is_denied_without_the_permission(
    level_rule: str, handler: User, agent: User
) -> None:
    with pytest.raises(PermissionDenied):
        access(User, handler, level_rule, pk=agent.pk)


def test_access_is_denied_to_an_inactive_user(level_rule: str, agent: User) -> None:
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        access(User, fresh(agent), level_rule, pk=agent.pk)


def test_a_superuser_is_not_narrowed_by_rules(level_rule: str, org: object) -> None:
    root = User.objects.create_superuser("0000", "Pw-for-tests-1")
    assert object_filter(root, level_rule) is None
    assert User.objects.restrict(root, level_rule).count() == User.objects.count()


def test_a_permission_without_a_rule_reaches_every_object(agent: User, handler: User) -> None:
    assert object_filter(agent, "kb.view") is None
    assert agent.has_perm("kb.view", handler)
    assert User.objects.restrict(agent, "kb.view").count() == User.objects.count()


def test_a_second_rule_for_the_same_permission_is_refused(level_rule: str) -> None:
    with pytest.raises(ValueError, match="already registered"):
        object_rule(level_rule, User)(lambda user: Q(pk=user.pk))


def test_registering_the_same_rule_twice_is_harmless(level_rule: str) -> None:
    object_rule(level_rule, User)(same_level)
    assert _object_rules[level_rule].query is same_level
    assert _object_rules[level_rule].model is User


# --- The org app's real rule: org.view_team (kefu/org/access.py) ---------------------------


def test_team_leader_sees_only_the_members_of_their_team(team_leader: User) -> None:
    """R-ORG-3: 陈静 leads 话务一班 and sees its members, not 话务二班."""
    visible = set(
        User.objects.restrict(team_leader, "org.view_team").values_list("employee_no", flat=True)
    )
    assert visible == {"1001", "1002", "1010"}


def test_team_leader_cannot_open_a_member_of_another_team(
    team_leader: User, other_team_agent: User, teammate: User
) -> None:
    assert team_leader.has_perm("org.view_team", teammate)
    assert not team_leader.has_perm("org.view_team", other_team_agent)
    assert access(User, team_leader, "org.view_team", pk=teammate.pk) == teammate
    with pytest.raises(Http404):
        access(User, team_leader, "org.view_team", pk=other_team_agent.pk)


def test_supervisor_without_a_team_sees_the_staff_of_their_department(org: object) -> None:
    supervisor = User.objects.get(employee_no="1060")  # 胡军, 400 center, no team
    visible = User.objects.restrict(supervisor, "org.view_team")
    assert set(visible) == set(User.objects.filter(department__code="center"))
    assert not visible.filter(department__code="city-service").exists()


def test_someone_with_neither_team_nor_department_sees_no_one(org: object) -> None:
    lone = User.objects.create_user("7100", "Pw-for-tests-1", name="无部门班长")
    lone.roles.add(*User.objects.get(employee_no="1010").roles.all())
    lone = fresh(lone)
    assert lone.has_perm("org.view_team")
    assert not User.objects.restrict(lone, "org.view_team").exists()


def test_agent_cannot_list_team_members(agent: User) -> None:
    assert not agent.has_perm("org.view_team")
    assert not User.objects.restrict(agent, "org.view_team").exists()
    with pytest.raises(PermissionDenied):
        access(User, agent, "org.view_team", pk=agent.pk)
