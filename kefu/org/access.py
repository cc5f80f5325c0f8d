"""Object rules of the org app (see kefu.core.permissions)."""

from django.db.models import Q

from kefu.core.permissions import object_rule
from kefu.org.models import User


@object_rule("org.view_team", User)
def staff_of_my_team(user: User) -> Q:
    """A team leader sees their team; someone without a team sees their department's staff."""
    if user.team_id:
        return Q(team_id=user.team_id)
    if user.department_id:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])
