"""Seed the rulebook's time limits (R-IN-2, R-WO-4, R-SLA-1, R-SLA-2, R-SLA-4, R-CB-1), the
7×24 and working-day calendars (R-SLA-3) and the system account the worker acts as.
Administrators edit all of it afterwards; the seed is idempotent (get_or_create)."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import migrations

CALENDARS = [
    # code, name, kind, opens, closes
    ("7x24", "7×24 全天候", "7x24", None, None),
    ("workdays", "工作日（国家法定节假日与调休）", "working_days", None, None),
    ("office", "工作日办公时间 09:00–18:00", "working_days", "09:00", "18:00"),
]

E, H, A = "escalate", "manager_hotline", "alarm"
# kind, duration, unit, calendar, pause while waiting on the customer, on breach
A1_ROW = [
    ("dispatch", 1, "hours", "7x24", False, E),  # R-WO-4
    ("call_back", 10, "minutes", "7x24", False, E),  # R-SLA-1
    ("on_site", 1, "hours", "7x24", True, E),
    ("feedback", 0, "same_day", "7x24", True, E),
    ("resolve", 3, "working_days", "workdays", True, H),  # R-SLA-2, R-ESC-3
]
A2_ROW = [
    ("dispatch", 1, "hours", "7x24", False, E),
    ("call_back", 30, "minutes", "7x24", False, E),
    ("on_site", 3, "days", "7x24", True, E),
    ("feedback", 0, "same_day", "7x24", True, E),
    ("resolve", 3, "working_days", "workdays", True, H),
]
B_C_ROW = [
    ("call_back", 30, "minutes", "7x24", False, E),
    ("feedback", 0, "same_day", "7x24", True, E),
]
POLICIES = [
    # sort order, name, call type, urgent, targets
    (
        10,
        "加急工单：立即派单",
        None,
        True,
        [("dispatch", 15, "minutes", "7x24", False, E)],  # R-WO-4 "at once", R-CLS-5
    ),
    (20, "A1 客户投诉", "A1", None, A1_ROW),
    (30, "A2 商户投诉", "A2", None, A2_ROW),
    (40, "B 意向商家", "B", None, B_C_ROW),
    (50, "C 媒体来电", "C", None, B_C_ROW),
    (60, "D 二次投诉", "D", None, A1_ROW),
    (
        1000,
        "全部工单（默认）",
        None,
        None,
        [
            ("register", 2, "hours", "7x24", False, A),  # R-IN-2, text channels
            ("callback_after_completion", 72, "hours", "7x24", False, A),  # R-CB-1
            ("escalation_follow_up", 24, "hours", "7x24", False, A),  # R-SLA-4
        ],
    ),
]


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    Policy = apps.get_model("sla", "Policy")
    Target = apps.get_model("sla", "Target")
    CallType = apps.get_model("tickets", "CallType")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))

    calendars = {}
    for code, name, kind, opens, closes in CALENDARS:
        calendars[code], _ = Calendar.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "opens": opens, "closes": closes}
        )
    types = {t.code: t for t in CallType.objects.all()}
    for order, name, type_code, urgent, targets in POLICIES:
        if type_code and type_code not in types:
            continue
        policy, created = Policy.objects.get_or_create(
            name=name,
            defaults={
                "sort_order": order,
                "call_type": types.get(type_code) if type_code else None,
                "urgent": urgent,
            },
        )
        if not created:
            continue
        for kind, duration, unit, calendar, pause, on_breach in targets:
            Target.objects.create(
                policy=policy,
                kind=kind,
                duration=duration,
                unit=unit,
                calendar=calendars[calendar],
                pause_on_pending_customer=pause,
                warn_percent=80,  # R-SLA-5
                on_breach=on_breach,
            )
    User.objects.get_or_create(
        employee_no="system",
        defaults={"name": "系统", "is_active": False, "password": make_password(None)},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_clocks_policies_calendars"),
        ("tickets", "0002_seed_taxonomy"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
