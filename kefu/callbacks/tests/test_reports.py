"""R-CB-6 and complaint statistics: the classification table, the weekly summary (Monday) and
monthly analysis (before the 21st) produced on schedule, stored frozen, exported to Excel."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kefu.callbacks import reports, services, tasks
from kefu.callbacks.choices import Outcome, ReportKind
from kefu.callbacks.metrics import CallbackFact, rates, weak_points
from kefu.callbacks.models import Callback, ComplaintRecord, Report
from kefu.lib import center_time
from kefu.tickets.models import BusinessLine, Nature

from .conftest import fresh

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_r_cb_6_rates_are_computed_from_facts():
    now = timezone.now()
    facts = [
        CallbackFact(due_at=now, done_at=now - timedelta(hours=1), score=5),
        CallbackFact(due_at=now, done_at=now + timedelta(hours=1), score=1),
        CallbackFact(due_at=now, done_at=None, score=None),
    ]
    r = rates(facts)
    assert (r.due, r.done, r.on_time, r.rated, r.satisfied, r.dissatisfied) == (3, 2, 1, 2, 1, 1)
    assert (r.callback_rate, r.on_time_rate, r.satisfaction_rate) == (66.7, 50.0, 50.0)
    assert r.average_score == 3.0
    assert weak_points({"甲": r, "乙": rates(facts[:1])}) == ["甲"]


def test_r_cb_6_periods_are_center_time_weeks_and_months():
    monday_evening = datetime(2026, 11, 30, 18, 0, tzinfo=SHANGHAI)
    assert reports.last_week(monday_evening) == (date(2026, 11, 23), date(2026, 11, 30))
    # 00:30 Monday in Shanghai is still Sunday in UTC: the center's calendar decides.
    early = datetime(2026, 11, 30, 0, 30, tzinfo=SHANGHAI)
    assert reports.last_week(early) == (date(2026, 11, 23), date(2026, 11, 30))
    assert reports.last_month(datetime(2026, 1, 20, 18, tzinfo=SHANGHAI)) == (
        date(2025, 12, 1),
        date(2026, 1, 1),
    )


def test_r_cb_6_schedules_are_monday_and_daily_in_center_time():
    weekly = tasks.weekly_reports.task_class().validate_datetime  # type: ignore[attr-defined]
    assert weekly(datetime(2026, 11, 30, 17, 30))  # a Monday
    assert not weekly(datetime(2026, 12, 1, 17, 30))
    daily = tasks.monthly_report.task_class().validate_datetime  # type: ignore[attr-defined]
    assert daily(datetime(2026, 12, 20, 17, 40))


def test_r_cb_6_weekly_summary_is_produced_once(staff, resolved_to_callback):
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    services.close_satisfied(staff["surveyor"], fresh(ticket), score=5)
    next_monday = timezone.localtime() + timedelta(days=7 - timezone.localtime().weekday())
    made = tasks.run_weekly(next_monday.replace(hour=17, minute=30))
    weekly = next(r for r in made if r.kind == ReportKind.WEEKLY_SATISFACTION)
    assert weekly.data["overall"]["done"] == 1
    assert weekly.data["overall"]["satisfaction_rate"] == 100.0
    again = tasks.run_weekly(next_monday.replace(hour=17, minute=31))
    assert [r.pk for r in again] == [r.pk for r in made]


def test_r_cb_6_monthly_analysis_only_on_the_configured_day(staff, db):
    on_19th = datetime(2026, 12, 19, 17, 40, tzinfo=SHANGHAI)
    assert tasks.run_monthly(on_19th) is None
    report = tasks.run_monthly(datetime(2026, 12, 20, 17, 40, tzinfo=SHANGHAI))
    assert report is not None
    assert report.kind == ReportKind.MONTHLY_SATISFACTION
    assert (report.period_start, report.period_end) == (date(2026, 11, 1), date(2026, 12, 1))


def test_r_rep_3_a_produced_report_is_frozen_and_corrections_are_versions(
    staff, resolved_to_callback
):
    start, end = reports.last_week()
    first, created = reports.produce(ReportKind.WEEKLY_SATISFACTION, start, end)
    assert created
    assert first.data["overall"]["due"] == 0
    ticket = resolved_to_callback()
    Callback.objects.filter(ticket=ticket).update(
        completed_at=center_time.day_start(start) + timedelta(days=1)
    )
    same, created = reports.produce(ReportKind.WEEKLY_SATISFACTION, start, end)
    assert not created
    assert same.data["overall"]["due"] == 0
    fixed, created = reports.produce(ReportKind.WEEKLY_SATISFACTION, start, end, new_version=True)
    assert created
    assert fixed.version == 2
    assert fixed.data["overall"]["due"] == 1


def test_complaint_classification_table(staff, register):
    line = BusinessLine.objects.get(code="fixed")
    nature = Nature.objects.get(code="tariff")
    for level in ("I", "I", "III"):
        register(level=level, business_line=line, nature=nature)
    record = ComplaintRecord.objects.filter(level="I").first()
    services.update_complaint_record(staff["senior"], record, {"substantiated": True})
    table = reports.classification(center_time.today(), center_time.today() + timedelta(days=1))
    rows = {(r["business_line"], r["nature"], r["level"]): r for r in table["rows"]}
    level_one = rows[(line.name, nature.name, "I")]
    assert (level_one["count"], level_one["substantiated"]) == (2, 1)
    assert rows[(line.name, nature.name, "III")]["count"] == 1
    assert table["total"] == 3


def test_r_rep_4_report_exports_to_excel(staff, register, client: Client):
    register(level="I", received_at=timezone.now() - timedelta(days=1))
    report, _ = reports.produce(
        ReportKind.COMPLAINT_CLASSIFICATION,
        center_time.today() - timedelta(days=7),
        center_time.today(),
    )
    client.force_login(staff["statistician"])
    response = client.get(f"/callbacks/reports/{report.pk}/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[1]
    assert sheet.max_row == 3  # heading, one row, 合计
    assert sheet.cell(2, 5).value == 1
    assert sheet.cell(3, 5).value == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("statistician", 200), ("surveyor", 200), ("manager", 200), ("agent", 403), ("handler", 403)],
)
def test_statistics_pages_permissions(staff, client: Client, who, status):
    client.force_login(staff[who])
    assert client.get("/callbacks/statistics/").status_code == status


def test_statistician_produces_a_report_from_the_page(staff, client: Client):
    client.force_login(staff["statistician"])
    start, end = reports.last_month()
    response = client.post(
        "/callbacks/reports/produce/",
        {"kind": "monthly_satisfaction", "start": start, "end": end},
    )
    report = Report.objects.get()
    assert response.url == f"/callbacks/reports/{report.pk}/"
    assert client.get(response.url).status_code == 200
    client.force_login(staff["surveyor"])  # may read reports, may not produce them
    assert client.post("/callbacks/reports/produce/", {}).status_code == 403


def test_reports_api_lists_produced_reports(staff, db):
    from kefu.org.tokens import issue_token

    reports.produce(ReportKind.WEEKLY_SATISFACTION, date(2026, 11, 23), date(2026, 11, 30))
    key = issue_token(staff["statistician"], "t")[1]
    client = Client(headers={"Authorization": f"Bearer {key}"})
    body = client.get("/api/v1/callbacks/reports").json()
    assert [r["kind"] for r in body] == ["weekly_satisfaction"]
    assert client.get("/api/v1/callbacks/rates").json()["due"] == 0
    other = Client(headers={"Authorization": f"Bearer {issue_token(staff['agent'], 't')[1]}"})
    assert other.get("/api/v1/callbacks/reports").status_code == 403


# --- R-CB-6 periods: ended, and the kind's own ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "end", "field"),
    [
        # the week has not ended (today is in it)
        ("weekly_satisfaction", "this_monday", "next_monday", "end"),
        # not a Monday–Sunday week
        ("weekly_satisfaction", date(2026, 11, 3), date(2026, 11, 10), "start"),
        ("weekly_satisfaction", date(2026, 11, 2), date(2026, 11, 16), "start"),
        # not one calendar month
        ("monthly_satisfaction", date(2020, 1, 1), date(2026, 1, 1), "start"),
        ("monthly_satisfaction", date(2026, 10, 5), date(2026, 11, 5), "start"),
        # a classification whose period runs into the future
        ("complaint_classification", date(2026, 11, 1), date(2027, 1, 1), "end"),
    ],
)
def test_r_cb_6_a_period_not_ended_or_not_the_kinds_own_is_refused(
    staff, client: Client, kind, start, end, field
):
    today = center_time.today()
    monday = today - timedelta(days=today.weekday())
    start = monday if start == "this_monday" else start
    end = monday + timedelta(days=7) if end == "next_monday" else end
    with pytest.raises(ValidationError) as caught:
        reports.produce(kind, start, end)
    assert field in caught.value.message_dict
    client.force_login(staff["statistician"])
    response = client.post(
        "/callbacks/reports/produce/", {"kind": kind, "start": start, "end": end}
    )
    assert response.status_code == 400
    assert f'data-testid="produce-error-{field}"' in response.content.decode()
    assert not Report.objects.exists()


def test_r_cb_6_last_week_and_last_month_are_accepted(db):
    for kind, (start, end) in (
        (ReportKind.WEEKLY_SATISFACTION, reports.last_week()),
        (ReportKind.MONTHLY_SATISFACTION, reports.last_month()),
    ):
        assert reports.period_errors(kind, start, end, center_time.today()) == {}


# --- R-REP-4: every workbook opens and shows the page's figures ---------------------------------


def test_r_rep_4_every_workbook_opens_and_matches_the_page(
    staff, register, resolved_to_callback, client: Client
):
    from django.utils import translation

    yesterday = timezone.now() - timedelta(days=1)
    line = BusinessLine.objects.get(code="fixed")
    for level in ("I", "III"):
        register(level=level, business_line=line, received_at=yesterday)
    record = ComplaintRecord.objects.filter(level="I").first()
    services.update_complaint_record(staff["senior"], record, {"substantiated": True})
    ticket = resolved_to_callback()
    services.record_attempt(staff["surveyor"], ticket, Outcome.REACHED)
    services.close_satisfied(staff["surveyor"], fresh(ticket), score=5)
    start, end = center_time.today() - timedelta(days=7), center_time.today()
    Callback.objects.update(completed_at=center_time.day_start(end) - timedelta(hours=1))
    week = reports.last_week()
    made = [
        reports.produce(ReportKind.COMPLAINT_CLASSIFICATION, start, end)[0],
        reports.produce(ReportKind.SUGGESTION_SUMMARY, start, end)[0],
        reports.produce(ReportKind.WEEKLY_SATISFACTION, *week)[0],
        reports.produce(ReportKind.MONTHLY_SATISFACTION, *reports.last_month())[0],
    ]
    client.force_login(staff["statistician"])
    for report in made:
        book = load_workbook(
            io.BytesIO(client.get(f"/callbacks/reports/{report.pk}/xlsx/").content)
        )
        assert book.worksheets[0].cell(1, 1).value == str(report.get_kind_display())
        if report.kind == ReportKind.COMPLAINT_CLASSIFICATION:
            sheet = book.worksheets[1]
            last = [c.value for c in sheet[sheet.max_row]]
            totals = report.data["totals"]
            assert last[4:7] == [2, totals["substantiated"], totals["unsubstantiated"]]
            assert (totals["substantiated"], report.data["total"]) == (1, 2)
            page = client.get(f"/callbacks/reports/{report.pk}/").content.decode()
            assert 'data-testid="classification-total"' in page
        elif report.kind in {ReportKind.WEEKLY_SATISFACTION, ReportKind.MONTHLY_SATISFACTION}:
            overall = report.data["overall"]
            assert [c.value for c in book.worksheets[0][6]][1:4] == [
                overall["due"],
                overall["done"],
                overall["callback_rate"],
            ]
    # the sheet and the column are named with their context (R-REP-4, zh-hans and en)
    with translation.override("en"):
        book = load_workbook(io.BytesIO(reports.workbook(made[2])))
    assert book.worksheets[0].title == "Summary"
    assert book.worksheets[1].cell(1, 1).value == "Group"
