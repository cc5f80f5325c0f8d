from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from kefu.core.api import require_perm
from kefu.core.permissions import role_permissions
from kefu.org.models import Department, User
from kefu.org.roles import ROLES_BY_CODE

router = Router(tags=["org"])


class RoleOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    employee_no: str
    name: str
    department: str | None
    team: str | None
    level: str
    roles: list[RoleOut]
    permissions: list[str]


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    head: str | None
    responsible: str | None


@router.get("/me", response=MeOut, summary="The staff member making the request")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)
    return MeOut(
        employee_no=user.employee_no,
        name=user.name,
        department=user.department.name if user.department else None,
        team=user.team.name if user.team else None,
        level=user.level,
        roles=[
            RoleOut(code=code, name=str(ROLES_BY_CODE[code].name))
            for code in sorted(user.role_codes())
            if code in ROLES_BY_CODE
        ],
        permissions=sorted(role_permissions(user)),
    )


@router.get("/departments", response=list[DepartmentOut], summary="The department tree, flat")
def departments(request: HttpRequest) -> list[DepartmentOut]:
    require_perm(request, "core.use_workspace")
    rows = Department.objects.filter(is_active=True).select_related("head", "responsible")
    return [
        DepartmentOut(
            id=d.pk,
            name=d.name,
            code=d.code,
            kind=d.kind,
            parent_id=d.parent_id,
            head=d.head.name if d.head else None,
            responsible=d.responsible.name if d.responsible else None,
        )
        for d in rows
    ]
