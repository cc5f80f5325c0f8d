"""R-SEC-2 in the demo: a manager's own export request needs another manager's approval, so the
demo center has two managers."""

from __future__ import annotations

from typing import Any

import pytest

from kefu.audit import exports
from kefu.audit.choices import ExportFormat, ExportStatus
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def test_r_sec_2_a_demo_managers_export_request_can_be_approved(org: Any) -> None:
    managers = list(
        User.objects.filter(roles__code="manager", is_active=True).order_by("employee_no")
    )
    assert [m.employee_no for m in managers] == ["1070", "1071"]
    first, second = managers
    export = exports.request_export(first, purpose="经理自查", file_format=ExportFormat.CSV)
    exports.approve(second, export)
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED
