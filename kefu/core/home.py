"""What each person sees on their home page: only real data, grouped in panels by permission."""

from __future__ import annotations

from typing import Any

from kefu.org.lockouts import locked_accounts
from kefu.org.models import Department, User
from kefu.org.roles import ROLES_BY_CODE
from kefu.tickets.queries import queue, queues_for

# Counting a queue stops here: "1000+" is all a home page needs, and it stays fast at 1M orders.
COUNT_CAP = 1000


def home_context(user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "roles": [
            ROLES_BY_CODE[code] for code in sorted(user.role_codes()) if code in ROLES_BY_CODE
        ],
        "department_path": user.department.path if user.department_id else "",
    }
    context["queues"] = queue_counts(user)
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


def queue_counts(user: Any) -> list[dict[str, Any]]:
    """Each queue the user works from, with how many orders wait in it (capped); "waiting for
    me" comes first, as in ``queries.QUEUES``: what is the user's turn matters most."""
    rows = []
    for spec in queues_for(user):
        if spec.code == "all":
            continue
        count = queue(user, spec.code)[: COUNT_CAP + 1].count()
        rows.append({"queue": spec, "count": count, "capped": count > COUNT_CAP})
    return rows
