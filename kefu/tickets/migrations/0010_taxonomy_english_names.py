# English names for the seeded taxonomy (R-CLS-1..3), so an English interface is English.

from django.db import migrations, models

# model, code, the seeded Chinese name, its English name. Only items still bearing the seeded
# name get one: an administrator's own wording is not second-guessed.
ENGLISH = [
    ("CallType", "A1", "客户投诉", "Customer complaint"),
    ("CallType", "A2", "商户投诉", "Merchant complaint"),
    ("CallType", "B", "意向商家", "Prospective merchant"),
    ("CallType", "C", "媒体来电", "Media call"),
    ("CallType", "D", "二次投诉", "Secondary complaint"),
    ("CallType", "E", "咨询", "Inquiry"),
    ("CallType", "F", "骚扰电话", "Harassing call"),
    ("RequestKind", "fault", "售后服务-产品故障", "After-sales: product fault"),
    ("RequestKind", "incident", "售后服务-突发事件", "After-sales: incident"),
    ("RequestKind", "business", "业务需求-产品与价格", "Business: products and prices"),
    ("RequestKind", "cooperation", "业务需求-合作", "Business: cooperation"),
    ("RequestKind", "repair", "报修", "Repair report"),
    ("RequestKind", "survey", "勘察", "Site survey"),
    ("RequestKind", "audit", "稽查", "Inspection"),
    ("RequestKind", "suggestion", "建议", "Suggestion"),
    ("RequestKind", "other", "其他（找人、推销等）", "Other (finding someone, sales calls …)"),
    ("BusinessLine", "fixed", "固定电话", "Fixed line"),
    ("BusinessLine", "wireless-local", "无线市话", "Wireless local phone"),
    ("BusinessLine", "data", "数据通信", "Data communications"),
    ("BusinessLine", "public-phone", "公用电话", "Public phones"),
    ("BusinessLine", "phone-card", "电话卡", "Phone cards"),
    ("BusinessLine", "info", "信息服务", "Information services"),
    ("Nature", "tariff", "资费", "Charges"),
    ("Nature", "service", "服务质量", "Service quality"),
    ("Nature", "network", "通信质量", "Line and network quality"),
    ("Nature", "install", "装移机", "Installation and moves"),
    ("Nature", "repair", "障碍修复", "Fault repair"),
    ("Nature", "error", "工作差错", "Staff error"),
    ("Nature", "product", "产品质量", "Product quality"),
    ("SuggestionSubject", "operations", "公司经营", "Company operations"),
    ("SuggestionSubject", "service", "服务", "Service"),
    ("SuggestionSubject", "new-business", "新业务", "New business"),
]


def name_in_english(apps, schema_editor):
    for model_name, code, seeded, english in ENGLISH:
        apps.get_model("tickets", model_name).objects.filter(
            code=code, name=seeded, name_en=""
        ).update(name_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_sla_escalation"),
    ]

    operations = [
        migrations.AddField(
            model_name="businessline",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; left empty, the name is shown.",
                max_length=60,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="calltype",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; left empty, the name is shown.",
                max_length=60,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="nature",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; left empty, the name is shown.",
                max_length=60,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="requestkind",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; left empty, the name is shown.",
                max_length=60,
                verbose_name="English name",
            ),
        ),
        migrations.AddField(
            model_name="suggestionsubject",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown when the interface is in English; left empty, the name is shown.",
                max_length=60,
                verbose_name="English name",
            ),
        ),
        migrations.RunPython(name_in_english, migrations.RunPython.noop),
    ]
