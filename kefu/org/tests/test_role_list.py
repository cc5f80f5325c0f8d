"""User.role_list keeps the codes of the user's roles, whichever way the roles change: the
permission checks read it instead of querying the roles on every request."""

from __future__ import annotations

import pytest

from kefu.org.models import Role, User


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def roles(org) -> dict[str, Role]:
    return {role.code: role for role in Role.objects.all()}


def test_adding_and_removing_roles_changes_permissions_on_the_next_request(agent, roles):
    assert not fresh(agent).has_perm("tickets.review")
    agent.roles.add(roles["senior_agent"])
    assert fresh(agent).has_perm("tickets.review")
    assert agent.has_perm("tickets.review")  # the changed object itself is up to date too
    agent.roles.remove(roles["senior_agent"])
    assert not fresh(agent).has_perm("tickets.review")
    assert fresh(agent).has_perm("tickets.register")


def test_clearing_and_setting_roles(agent, roles):
    agent.roles.clear()
    assert fresh(agent).role_codes() == frozenset()
    assert not fresh(agent).has_perm("tickets.register")
    agent.roles.set([roles["agent"], roles["callback_surveyor"]])
    assert fresh(agent).role_codes() == {"agent", "callback_surveyor"}


def test_changes_from_the_role_side(agent, handler, roles):
    reviewer = roles["senior_agent"]
    reviewer.staff.add(agent, handler)
    assert fresh(agent).has_perm("tickets.review")
    assert fresh(handler).has_perm("tickets.review")
    reviewer.staff.remove(handler)
    assert not fresh(handler).has_perm("tickets.review")
    reviewer.staff.clear()
    assert not fresh(agent).has_perm("tickets.review")


def test_deleting_a_role_takes_its_permissions_away(agent, roles):
    extra = Role.objects.create(code="trial_reviewer", name="trial")
    agent.roles.add(extra)
    assert "trial_reviewer" in fresh(agent).role_codes()
    extra.delete()
    assert "trial_reviewer" not in fresh(agent).role_codes()
    assert fresh(agent).has_perm("tickets.register")
