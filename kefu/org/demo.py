"""The demo center's organisation (``kefu demo``): departments of SPEC §1 and staff for every role.

Idempotent: rows are found by code / employee number and updated; passwords are set only for
accounts the demo creates, so a password changed by hand is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kefu.org.actions import sync_roles
from kefu.org.choices import DepartmentKind as K
from kefu.org.choices import StaffLevel as L
from kefu.org.models import Department, Role, User

DEMO_PASSWORD = "Kefu-demo-2026"  # noqa: S105 - printed to the person who loads the demo

# (code, name, kind, parent code)
DEPARTMENTS: list[tuple[str, str, str, str | None]] = [
    ("group", "华信通信集团", K.COMPANY, None),
    ("center", "400客服中心", K.CENTER, "group"),
    ("team-1", "话务一班", K.TEAM, "center"),
    ("team-2", "话务二班", K.TEAM, "center"),
    ("team-senior", "投诉处理席", K.TEAM, "center"),
    ("team-callback", "回访组", K.TEAM, "center"),
    ("team-qa", "质检组", K.TEAM, "center"),
    ("team-office", "综合组", K.TEAM, "center"),
    ("city-service", "城市客服部", K.DEPARTMENT, "group"),
    ("group-market", "集团市场部", K.DEPARTMENT, "group"),
    ("market-ops", "市场运营部", K.DEPARTMENT, "group"),
    ("media", "媒介部", K.DEPARTMENT, "group"),
    ("tech", "技术部", K.DEPARTMENT, "group"),
]


@dataclass(frozen=True)
class DemoStaff:
    employee_no: str
    name: str
    role: str
    department: str
    team: str | None
    level: str
    phone: str


STAFF: list[DemoStaff] = [
    DemoStaff("1001", "王丽", "agent", "center", "team-1", L.JUNIOR, "13800001001"),
    DemoStaff("1002", "李娜", "agent", "center", "team-1", L.INTERMEDIATE, "13800001002"),
    DemoStaff("1003", "张伟", "agent", "center", "team-2", L.JUNIOR, "13800001003"),
    DemoStaff("1004", "刘洋", "agent", "center", "team-2", L.INTERMEDIATE, "13800001004"),
    DemoStaff("1010", "陈静", "team_leader", "center", "team-1", L.SENIOR, "13800001010"),
    DemoStaff("1011", "杨帆", "team_leader", "center", "team-2", L.SENIOR, "13800001011"),
    DemoStaff("1020", "赵敏", "senior_agent", "center", "team-senior", L.SENIOR, "13800001020"),
    DemoStaff("1021", "黄磊", "senior_agent", "center", "team-senior", L.SENIOR, "13800001021"),
    DemoStaff("1022", "何平", "manager_hotline", "center", "team-senior", L.SENIOR, "13800001022"),
    DemoStaff(
        "1030",
        "周婷",
        "callback_surveyor",
        "center",
        "team-callback",
        L.INTERMEDIATE,
        "13800001030",
    ),
    DemoStaff("1040", "吴倩", "text_entry_clerk", "center", "team-office", L.JUNIOR, "13800001040"),
    DemoStaff("1041", "徐亮", "recording_clerk", "center", "team-office", L.JUNIOR, "13800001041"),
    DemoStaff(
        "1042", "孙悦", "knowledge_editor", "center", "team-office", L.INTERMEDIATE, "13800001042"
    ),
    DemoStaff(
        "1043", "马超", "statistician", "center", "team-office", L.INTERMEDIATE, "13800001043"
    ),
    DemoStaff("1050", "朱琳", "qa_inspector", "center", "team-qa", L.SENIOR, "13800001050"),
    DemoStaff("1060", "胡军", "supervisor", "center", None, L.SENIOR, "13800001060"),
    DemoStaff("1070", "郭强", "manager", "center", None, L.SENIOR, "13800001070"),
    # A second manager: a manager's own export request is approved by another (R-SEC-2).
    DemoStaff("1071", "钱敏", "manager", "center", None, L.SENIOR, "13800001071"),
    DemoStaff(
        "2001", "林涛", "department_handler", "city-service", None, L.INTERMEDIATE, "13900002001"
    ),
    DemoStaff("2002", "郑浩", "department_handler", "city-service", None, L.SENIOR, "13900002002"),
    DemoStaff(
        "2101", "罗斌", "department_handler", "group-market", None, L.INTERMEDIATE, "13900002101"
    ),
    DemoStaff(
        "2201", "高峰", "department_handler", "market-ops", None, L.INTERMEDIATE, "13900002201"
    ),
    DemoStaff("2301", "梁晨", "department_handler", "media", None, L.INTERMEDIATE, "13900002301"),
    DemoStaff("2401", "宋杰", "department_handler", "tech", None, L.INTERMEDIATE, "13900002401"),
    DemoStaff("9001", "唐宇", "administrator", "tech", None, L.SENIOR, "13900009001"),
]

# (department code, head employee no, responsible employee no)
HEADS: list[tuple[str, str | None, str | None]] = [
    ("center", "1070", None),
    ("team-1", "1010", None),
    ("team-2", "1011", None),
    ("team-senior", "1060", None),
    ("city-service", "2002", "2001"),
    ("group-market", None, "2101"),
    ("market-ops", None, "2201"),
    ("media", None, "2301"),
    ("tech", None, "2401"),
]


@transaction.atomic
def load_org() -> list[DemoStaff]:
    """Create or update the demo organisation; return the staff whose logins can be printed."""
    sync_roles()
    departments: dict[str, Department] = {}
    for order, (code, name, kind, parent) in enumerate(DEPARTMENTS):
        departments[code], _ = Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": departments[parent] if parent else None,
                "sort_order": order,
            },
        )
    roles = {role.code: role for role in Role.objects.all()}
    demo_hash: str | None = None
    for person in STAFF:
        user, created = User.objects.update_or_create(
            employee_no=person.employee_no,
            defaults={
                "name": person.name,
                "phone": person.phone,
                "department": departments[person.department],
                "team": departments[person.team] if person.team else None,
                "level": person.level,
            },
        )
        if created:
            # One hash for every demo account: Argon2 costs ~0.5 s a hash on small machines,
            # and these accounts share a published password anyway.
            if demo_hash is None:
                demo_hash = make_password(DEMO_PASSWORD)
            user.password = demo_hash
            user.save(update_fields=["password"])
        user.roles.add(roles[person.role])
    staff = {
        u.employee_no: u
        for u in User.objects.filter(employee_no__in=[s.employee_no for s in STAFF])
    }
    for code, head, responsible in HEADS:
        department = departments[code]
        department.head = staff[head] if head else None
        department.responsible = staff[responsible] if responsible else None
        department.save(update_fields=["head", "responsible"])
    return STAFF
