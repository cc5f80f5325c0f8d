"""What each person sees on their home page: only real data, grouped in panels by permission."""

from __future__ import annotations

from typing import Any

from kefu.org.lockouts import locked_accounts
from kefu.org.models import Department, User
from kefu.org.roles import ROLES_BY_CODE


def home_context(user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "roles": [ROLES_BY_CODE[code] for code in sorted(user.role_codes()) if code in ROLES_BY_CODE],
        "department_path": user.department.path if user.department_id else "",
    }
    if user.has_perm("org.view_team"):
        context["team_members"] = (
            User.objects.restrict(user, "org.view_team")
            .filter(is_active=True)
            .exclude(pk=user.pk)
            .select_related("team")
            .prefetch_related("roles")
        )
    if user.has_perm("org.manage"):
        context["org_counts"] = {
            "staff": User.objects.filter(is_active=True).count(),
            "departments": Department.objects.filter(is_active=True).count(),
        }
        context["locked_accounts"] = locked_accounts()
    return context

