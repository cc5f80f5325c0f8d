"""The first standard phrases (常用语): the texts the center typed by hand most often."""

from django.db import migrations

# (kind, call type code or "" for every call type, title, text)
PHRASES = [
    (
        "instructions",
        "",
        "24小时内联系处理",
        "请24小时内联系客户处理，需上门的预约上门，处理结果当日反馈。",
    ),
    (
        "instructions",
        "A1",
        "投诉优先处理",
        "客户投诉，请2小时内电话联系客户致歉并核实情况，当日内反馈处理结果及客户意见。",
    ),
    (
        "instructions",
        "",
        "核实后回复客户",
        "请核实客户反映的情况，于2个工作日内答复客户并将结果反馈中心。",
    ),
    (
        "answer",
        "",
        "已记录，24小时内联系",
        "您反映的问题已记录，我们将在24小时内安排工作人员与您联系，请保持电话畅通。",
    ),
    (
        "answer",
        "",
        "区域线路维护",
        "经查询，您所在区域正在进行线路维护，预计今日18点前恢复，给您带来不便敬请谅解。",
    ),
    (
        "answer",
        "E",
        "业务办理渠道",
        "您咨询的业务可到营业厅、网上营业厅或拨打本热线办理，办理时请携带机主本人有效身份证件。",
    ),
    (
        "solution",
        "",
        "上门更换设备",
        "已上门检修，更换故障设备并现场测试正常，客户确认问题已解决。",
    ),
    (
        "solution",
        "",
        "电话解释，客户理解",
        "已电话联系客户解释说明相关政策，客户表示理解，同意结案。",
    ),
    ("note", "", "回电时间", "客户要求回电时间：工作日9:00–18:00。"),
    (
        "reason",
        "",
        "责任部门不正确",
        "派单部门不正确，请按业务归属重新选择责任部门。",
    ),
    (
        "reason",
        "",
        "反馈内容不完整",
        "处理结果未写明联系客户的时间和方式，请补充后重新反馈。",
    ),
    ("reason", "", "客户申请撤单", "客户来电表示问题已自行解决，申请撤销工单。"),
]


def seed(apps, schema_editor):
    Phrase = apps.get_model("kb", "Phrase")
    CallType = apps.get_model("tickets", "CallType")
    types = {t.code: t for t in CallType.objects.all()}
    for order, (kind, code, title, text) in enumerate(PHRASES):
        call_type = types.get(code) if code else None
        if code and call_type is None:
            continue  # a center without that call type
        Phrase.objects.get_or_create(
            kind=kind,
            title=title,
            defaults={"text": text, "call_type": call_type, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0005_phrases"),
        ("tickets", "0002_seed_taxonomy"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
