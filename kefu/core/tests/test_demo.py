"""`kefu demo`: the demo center of SPEC §1, safe to load again, with working printed logins.

Loading the demo registers a few hundred work orders through the real actions, which takes
seconds; the module loads it (twice) once, inside a transaction that is rolled back at the end,
and every test reads that state (each inside its own savepoint, as usual).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import Department, Role, User
from kefu.org.roles import ROLES

pytestmark = pytest.mark.django_db

SPEC_DEPARTMENTS = ["城市客服部", "集团市场部", "市场运营部", "媒介部", "技术部"]
LOGIN_LINE = re.compile(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+\((\w+)\)$")


def demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def org_snapshot() -> dict[str, object]:
    return {
        "departments": sorted(
            Department.objects.values_list(
                "code",
                "name",
                "kind",
                "parent__code",
                "head__employee_no",
                "responsible__employee_no",
            ),
            key=str,
        ),
        "staff": sorted(
            User.objects.values_list(
                "employee_no", "name", "department__code", "team__code", "level", "password"
            ),
            key=str,
        ),
        "roles": sorted(User.roles.through.objects.values_list("user__employee_no", "role__code")),
        "role_rows": sorted(Role.objects.values_list("pk", "code", "name")),
    }


def printed_logins(output: str) -> list[tuple[str, str, str]]:
    """(employee number, password, role code) of every login the command printed."""
    return [
        (match[1], match[2], match[4])
        for line in output.splitlines()
        if (match := LOGIN_LINE.match(line))
    ]


@dataclass(frozen=True)
class TwoLoads:
    first_output: str
    second_output: str
    counts_after_first: dict[str, int]
    counts_after_second: dict[str, int]
    org_after_first: dict[str, object]
    org_after_second: dict[str, object]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[TwoLoads]:
    with django_db_blocker.unblock(), transaction.atomic():
        first_output = demo()
        counts_after_first, org_after_first = row_counts(), org_snapshot()
        second_output = demo()
        yield TwoLoads(
            first_output,
            second_output,
            counts_after_first,
            row_counts(),
            org_after_first,
            org_snapshot(),
        )
        transaction.set_rollback(True)


def test_demo_loaded_twice_leaves_the_same_rows_in_every_table(loaded: TwoLoads) -> None:
    assert loaded.counts_after_second == loaded.counts_after_first
    assert loaded.counts_after_first["org.User"] > 0


def test_demo_loaded_twice_leaves_the_organisation_unchanged(loaded: TwoLoads) -> None:
    assert loaded.org_after_second == loaded.org_after_first


def test_demo_prints_the_same_logins_every_time(loaded: TwoLoads) -> None:
    assert printed_logins(loaded.second_output) == printed_logins(loaded.first_output)


def test_demo_keeps_a_password_changed_after_the_first_load(loaded: TwoLoads) -> None:
    agent = User.objects.get(employee_no="1001")
    agent.set_password("Changed-by-hand-9")
    agent.save(update_fields=["password"])
    demo()
    agent.refresh_from_db()
    assert agent.check_password("Changed-by-hand-9")


def test_demo_staffs_every_role_of_the_spec(loaded: TwoLoads) -> None:
    staffed = set(User.objects.filter(is_active=True).values_list("roles__code", flat=True))
    assert staffed >= {role.code for role in ROLES}
    assert len({role.code for role in ROLES}) == 14


def test_demo_creates_the_departments_named_in_the_spec(loaded: TwoLoads) -> None:
    """SPEC §1 / R-WO-2: orders are dispatched to these departments."""
    names = set(Department.objects.values_list("name", flat=True))
    assert set(SPEC_DEPARTMENTS) <= names


def test_every_department_outside_the_center_has_a_responsible_person(loaded: TwoLoads) -> None:
    """R-ORG-1: an order dispatched outside the center goes to a department and its
    responsible person."""
    for name in SPEC_DEPARTMENTS:
        department = Department.objects.get(name=name)
        assert department.responsible is not None, name
        assert department.responsible.department == department
        assert department.responsible.has_role("department_handler")


def test_demo_has_the_three_staff_levels(loaded: TwoLoads) -> None:
    """R-ORG-2."""
    levels = set(User.objects.values_list("level", flat=True))
    assert levels == {"junior", "intermediate", "senior"}


def test_demo_prints_a_login_for_every_role(loaded: TwoLoads) -> None:
    logins = printed_logins(loaded.first_output)
    assert {role for _, _, role in logins} == {role.code for role in ROLES}
    assert all(password == DEMO_PASSWORD for _, password, _ in logins)
    assert len({no for no, _, _ in logins}) == len(logins)


def test_every_printed_login_works_on_the_login_page(loaded: TwoLoads) -> None:
    logins = printed_logins(loaded.first_output)
    assert logins
    for employee_no, password, _ in logins:
        client = Client()
        response = client.post("/login/", {"username": employee_no, "password": password})
        assert response.status_code == 302, employee_no
        assert response["Location"] == "/"
