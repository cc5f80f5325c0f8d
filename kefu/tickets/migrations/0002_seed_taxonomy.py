"""Seed the rulebook's default taxonomy (R-CLS-1..3) and routing (R-WO-2); admins edit it after."""

from django.db import migrations

CALL_TYPES = [
    # code, name, description, is_complaint
    ("A1", "客户投诉", "终端用户 / App 用户投诉", True),
    ("A2", "商户投诉", "商户 / 合作伙伴投诉", True),
    ("B", "意向商家", "潜在商户 / 业务线索", False),
    ("C", "媒体来电", "媒体来电", False),
    ("D", "二次投诉", "就同一事项再次投诉，或投诉首次处理方式", True),
    ("E", "咨询", "业务咨询", False),
    ("F", "骚扰电话", "骚扰电话，礼貌结束并记录", False),
]
REQUEST_KINDS = [
    ("fault", "售后服务-产品故障"),
    ("incident", "售后服务-突发事件"),
    ("business", "业务需求-产品与价格"),
    ("cooperation", "业务需求-合作"),
    ("repair", "报修"),
    ("survey", "勘察"),
    ("audit", "稽查"),
    ("suggestion", "建议"),
    ("other", "其他（找人、推销等）"),
]
BUSINESS_LINES = [
    ("fixed", "固定电话"),
    ("wireless-local", "无线市话"),
    ("data", "数据通信"),
    ("public-phone", "公用电话"),
    ("phone-card", "电话卡"),
    ("info", "信息服务"),
]
NATURES = [
    ("tariff", "资费"),
    ("service", "服务质量"),
    ("network", "通信质量"),
    ("install", "装移机"),
    ("repair", "障碍修复"),
    ("error", "工作差错"),
    ("product", "产品质量"),
]
SUGGESTION_SUBJECTS = [
    ("operations", "公司经营"),
    ("service", "服务"),
    ("new-business", "新业务"),
]
# call type, level ("" = any), action, default department code (R-WO-2)
ROUTING = [
    ("A1", "", "dispatch", "city-service"),
    ("A1", "I", "center", ""),
    ("A1", "II", "center", ""),
    ("A2", "", "dispatch", "group-market"),
    ("B", "", "dispatch", "market-ops"),
    ("C", "", "dispatch", "media"),
    ("D", "", "superior", ""),
    ("E", "", "center", ""),
    ("F", "", "close_politely", ""),
]


def seed(apps, schema_editor):
    CallType = apps.get_model("tickets", "CallType")
    types = {}
    for order, (code, name, description, is_complaint) in enumerate(CALL_TYPES):
        types[code], _ = CallType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "is_complaint": is_complaint,
                "sort_order": order,
            },
        )
    for model_name, rows in [
        ("RequestKind", REQUEST_KINDS),
        ("BusinessLine", BUSINESS_LINES),
        ("Nature", NATURES),
        ("SuggestionSubject", SUGGESTION_SUBJECTS),
    ]:
        model = apps.get_model("tickets", model_name)
        for order, (code, name) in enumerate(rows):
            model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    RoutingRule = apps.get_model("tickets", "RoutingRule")
    for code, level, action, department_code in ROUTING:
        RoutingRule.objects.get_or_create(
            call_type=types[code],
            level=level,
            defaults={"action": action, "department_code": department_code},
        )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
