"""Status values of the org app, with their labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    """Levels of the department tree (R-ORG-1): company → center/branch → department → team."""

    COMPANY = "company", _("Company")
    CENTER = "center", _("Service center")
    BRANCH = "branch", _("Branch")
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")


# Which kinds may sit directly under which (R-ORG-1). A department may sit under the company
# or under a center/branch; a team under a center, branch or department.
ALLOWED_PARENT_KINDS: dict[str, set[str]] = {
    DepartmentKind.COMPANY: set(),
    DepartmentKind.CENTER: {DepartmentKind.COMPANY},
    DepartmentKind.BRANCH: {DepartmentKind.COMPANY},
    DepartmentKind.DEPARTMENT: {
        DepartmentKind.COMPANY,
        DepartmentKind.CENTER,
        DepartmentKind.BRANCH,
    },
    DepartmentKind.TEAM: {
        DepartmentKind.CENTER,
        DepartmentKind.BRANCH,
        DepartmentKind.DEPARTMENT,
    },
}


class StaffLevel(models.TextChoices):
    """Skill levels (R-ORG-2): they matter for shift swaps and VIP routing."""

    JUNIOR = "junior", _("Junior")
    INTERMEDIATE = "intermediate", _("Intermediate")
    SENIOR = "senior", _("Senior")
