"""Customer-module fixtures: staff of every demo role, customers built through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.customers import services
from kefu.customers.models import Customer
from kefu.org.demo import STAFF
from kefu.org.models import User


@pytest.fixture
def staff(demo_org: Any) -> dict[str, User]:
    """One demo staff member per role code (the first of each), plus "agent2"."""
    by_no = {u.employee_no: u for u in User.objects.all()}
    found: dict[str, User] = {}
    for person in STAFF:
        found.setdefault(person.role, by_no[person.employee_no])
    found["agent2"] = by_no["1003"]
    return found


@pytest.fixture
def make_customer(staff: dict[str, User]) -> Callable[..., Customer]:
    """make_customer(name="陈先生", phones=["13812345678"], **fields) through the service."""

    def make(name: str = "陈先生", **fields: Any) -> Customer:
        fields.setdefault("phones", ["13812345678"])
        data = services.CustomerData(name=name, **fields)
        return services.create_customer(staff["supervisor"], data, allow_duplicate=True)

    return make
