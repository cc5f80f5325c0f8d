"""Complaint statistics and satisfaction reports (R-CB-1, R-CB-6, R-REP-3, R-REP-4).

Figures come from the records; a produced report is stored frozen (``Report.data``) and a
second production of the same period returns the stored one. Periods are center-time dates.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.callbacks import metrics
from kefu.callbacks.choices import DISSATISFIED_MAX, DONE_STATUSES, ReportKind, SuggestionStatus
from kefu.callbacks.models import (
    Callback,
    ComplaintRecord,
    DepartmentWarning,
    PostCallRating,
    Report,
    Suggestion,
)
from kefu.lib.center_time import center_tz, day_start
from kefu.org.models import User
from kefu.tickets.choices import CloseReason

# 作废: a void order (a duplicate or a mistake) is no complaint and owes no callback; an order
# reopened and then voided may still hold the rounds of its earlier life.
VOID_ORDERS = {"ticket__close_reason": CloseReason.VOID}


def last_week(now: datetime | None = None) -> tuple[date, date]:
    """Monday to Monday of the week before the one ``now`` falls in (center time)."""
    local = timezone.localtime(now or timezone.now(), center_tz()).date()
    this_monday = local - timedelta(days=local.weekday())
    return this_monday - timedelta(days=7), this_monday


def last_month(now: datetime | None = None) -> tuple[date, date]:
    local = timezone.localtime(now or timezone.now(), center_tz()).date()
    first = local.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    return previous, first


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_errors(kind: str, start: date, end: date, today: date) -> dict[str, str]:
    """R-CB-6, R-REP-3: what is wrong with producing ``kind`` for [start, end) on ``today``
    (center time). A report is frozen once produced, so its period must have ended; the
    weekly summary covers one Monday–Sunday week, the monthly analysis one calendar month."""
    errors: dict[str, str] = {}
    if end <= start:
        return {"end": _("The end comes after the start.")}
    if kind == ReportKind.WEEKLY_SATISFACTION:
        monday = start - timedelta(days=start.weekday())
        if start != monday or end != start + timedelta(days=7):
            errors["start"] = _(
                "A weekly summary covers one week, Monday to Sunday: from a Monday to the "
                "Monday after (for example %(start)s to %(end)s)."
            ) % {"start": monday, "end": monday + timedelta(days=7)}
    elif kind == ReportKind.MONTHLY_SATISFACTION:
        first = start.replace(day=1)
        if start != first or end != _next_month(first):
            errors["start"] = _(
                "A monthly analysis covers one calendar month: from the 1st to the 1st of the "
                "next month (for example %(start)s to %(end)s)."
            ) % {"start": first, "end": _next_month(first)}
    if end > today:
        errors["end"] = _(
            "This period has not ended yet: a report is frozen once produced, so it is "
            "produced after its last day (to %(today)s at the latest)."
        ) % {"today": today}
    return errors


def check_period(kind: str, start: date, end: date, today: date | None = None) -> None:
    errors = period_errors(kind, start, end, today or center_today())
    if errors:
        raise ValidationError(errors)


def center_today() -> date:
    return timezone.localtime(timezone.now(), center_tz()).date()


# --- Callback rates (R-CB-1) --------------------------------------------------------------------


def callback_rates(start: datetime | None = None, end: datetime | None = None) -> metrics.Rates:
    """Callback rate and on-time rate over the rounds owed in the period (by completion time).
    Rounds that ended without a callback record (closed or sent on directly) count as owed
    and not done."""
    qs = Callback.objects.exclude(**VOID_ORDERS)
    if start is not None:
        qs = qs.filter(completed_at__gte=start)
    if end is not None:
        qs = qs.filter(completed_at__lt=end)
    return metrics.rates(
        metrics.CallbackFact(
            due_at=due_at, done_at=ended_at if status in DONE_STATUSES else None, score=score
        )
        for due_at, ended_at, status, score in qs.values_list(
            "due_at", "ended_at", "status", "score"
        )
    )


def satisfaction(start: date, end: date) -> dict[str, Any]:
    """The figures of a satisfaction summary or analysis for [start, end)."""
    lo, hi = day_start(start), day_start(end)
    rows = (
        Callback.objects.filter(completed_at__gte=lo, completed_at__lt=hi)
        .exclude(**VOID_ORDERS)
        .values_list(
            "due_at",
            "ended_at",
            "status",
            "score",
            "comment",
            "department__name",
            "ticket__call_type__code",
            "ticket__number",
        )
    )
    facts_all: list[metrics.CallbackFact] = []
    by_department: dict[str, list[metrics.CallbackFact]] = defaultdict(list)
    by_type: dict[str, list[metrics.CallbackFact]] = defaultdict(list)
    comments = []
    center = _("The center")
    for due_at, ended_at, status, score, comment, dept, type_code, number in rows:
        fact = metrics.CallbackFact(
            due_at=due_at, done_at=ended_at if status in DONE_STATUSES else None, score=score
        )
        facts_all.append(fact)
        by_department[dept or center].append(fact)
        by_type[type_code].append(fact)
        if score is not None and score <= DISSATISFIED_MAX:
            comments.append({"number": number, "score": score, "comment": comment})
    overall = metrics.rates(facts_all)
    dept_rates = {name: metrics.rates(fs) for name, fs in by_department.items()}
    type_rates = {name: metrics.rates(fs) for name, fs in by_type.items()}
    ratings = list(
        PostCallRating.objects.filter(rated_at__gte=lo, rated_at__lt=hi).values_list(
            "score", flat=True
        )
    )
    warnings: dict[str, int] = defaultdict(int)
    for name in DepartmentWarning.objects.filter(issued_at__gte=lo, issued_at__lt=hi).values_list(
        "department__name", flat=True
    ):
        warnings[name] += 1
    return {
        "period": [start.isoformat(), end.isoformat()],
        "overall": overall.as_dict(),
        "by_department": {k: v.as_dict() for k, v in sorted(dept_rates.items())},
        "by_type": {k: v.as_dict() for k, v in sorted(type_rates.items())},
        "post_call": {
            "count": len(ratings),
            "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        },
        "warnings": dict(sorted(warnings.items())),
        "weak_points": metrics.weak_points(dept_rates),
        "dissatisfied_comments": comments,
    }


# --- Complaint classification (R-CLS-3, R-CLS-4) -----------------------------------------------


def classification(start: date, end: date) -> dict[str, Any]:
    """Counts by business line × nature × department × level, substantiated or not, and the
    average resolution time (hours from receipt to close, closed orders only)."""
    records = (
        ComplaintRecord.objects.filter(
            complained_at__gte=day_start(start), complained_at__lt=day_start(end)
        )
        .exclude(**VOID_ORDERS)
        .values_list(
            "business_line__name",
            "nature__name",
            "department__name",
            "ticket__department__name",
            "level",
            "ticket__level",
            "substantiated",
            "ticket__closed_at",
            "resolved_at",
            "ticket__received_at",
        )
    )
    groups: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for (
        line,
        nature,
        dept,
        order_dept,
        level,
        order_level,
        sub,
        closed,
        resolved,
        received,
    ) in records:
        key = (line or "—", nature or "—", dept or order_dept or "—", level or order_level or "—")
        row = groups.setdefault(
            key, {"count": 0, "substantiated": 0, "unsubstantiated": 0, "hours": []}
        )
        row["count"] += 1
        if sub is True:
            row["substantiated"] += 1
        elif sub is False:
            row["unsubstantiated"] += 1
        done = closed or resolved
        if done is not None:
            row["hours"].append((done - received).total_seconds() / 3600)
    rows = []
    for (line, nature, dept, level), row in sorted(groups.items()):
        hours = row.pop("hours")
        rows.append(
            {
                "business_line": line,
                "nature": nature,
                "department": dept,
                "level": level,
                **row,
                "resolution_hours": round(sum(hours) / len(hours), 1) if hours else None,
            }
        )
    table = {
        "period": [start.isoformat(), end.isoformat()],
        "rows": rows,
        "total": sum(r["count"] for r in rows),
    }
    table["totals"] = classification_totals(table)
    return table


def suggestion_summary(start: date, end: date) -> dict[str, Any]:
    qs = Suggestion.objects.filter(
        ticket__received_at__gte=day_start(start), ticket__received_at__lt=day_start(end)
    ).select_related("subject", "ticket")
    by_subject: dict[str, list[dict[str, str]]] = defaultdict(list)
    for s in qs:
        name = s.subject.name if s.subject else _("Not yet classified")
        by_subject[name].append({"number": s.ticket.number, "title": s.ticket.title})
    return {
        "period": [start.isoformat(), end.isoformat()],
        "by_subject": {k: {"count": len(v), "items": v} for k, v in sorted(by_subject.items())},
        "total": sum(len(v) for v in by_subject.values()),
    }


BUILDERS = {
    ReportKind.WEEKLY_SATISFACTION: satisfaction,
    ReportKind.MONTHLY_SATISFACTION: satisfaction,
    ReportKind.COMPLAINT_CLASSIFICATION: classification,
    ReportKind.SUGGESTION_SUMMARY: suggestion_summary,
}


def produce(
    kind: str,
    start: date,
    end: date,
    *,
    actor: User | None = None,
    new_version: bool = False,
    now: datetime | None = None,
) -> tuple[Report, bool]:
    """Store the report of ``kind`` for [start, end) once; returns (report, created).

    Several workers may run the same schedule: the unique constraint decides, and the loser
    returns the stored row. ``new_version`` writes a correction (R-REP-3) beside the old one.
    Refused (``ValidationError`` by field) for a period that has not ended or is not the
    kind's own (``period_errors``); ``now`` is the scheduler's clock.
    """
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the report.")})
    check_period(kind, start, end, timezone.localtime(now or timezone.now(), center_tz()).date())
    existing = Report.objects.filter(kind=kind, period_start=start).order_by("-version").first()
    if existing is not None and not new_version:
        return existing, False
    data = BUILDERS[ReportKind(kind)](start, end)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind,
                period_start=start,
                period_end=end,
                version=(existing.version + 1) if existing else 1,
                produced_at=timezone.now(),
                produced_by=actor,
                data=data,
            )
    except IntegrityError:
        return Report.objects.get(kind=kind, period_start=start, version=1), False
    if kind == ReportKind.SUGGESTION_SUMMARY:
        Suggestion.objects.filter(
            ticket__received_at__gte=day_start(start),
            ticket__received_at__lt=day_start(end),
            status=SuggestionStatus.CLASSIFIED,
        ).update(status=SuggestionStatus.REPORTED, report=report)
    return report, True


def classification_totals(data: dict[str, Any]) -> dict[str, int]:
    """The 合计 row of a classification table (the page and the workbook show the same)."""
    rows = data.get("rows", [])
    return {
        "count": data.get("total", sum(r["count"] for r in rows)),
        "substantiated": sum(r["substantiated"] for r in rows),
        "unsubstantiated": sum(r["unsubstantiated"] for r in rows),
    }


# --- Excel (R-REP-4) ------------------------------------------------------------------------------


def _rate_rows(block: dict[str, dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            name,
            r["due"],
            r["done"],
            r["callback_rate"],
            r["on_time_rate"],
            r["rated"],
            r["satisfaction_rate"],
            r["dissatisfied"],
            r["average_score"],
        ]
        for name, r in block.items()
    ]


def workbook(report: Report) -> bytes:
    """The report as an .xlsx file: one sheet per table."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("report sheet: the overview", "Summary")[:31]
    sheet.append([str(report.get_kind_display())])
    sheet.append(
        [_("From"), report.period_start.isoformat(), _("To"), report.period_end.isoformat()]
    )
    sheet.append(
        [_("Produced at"), timezone.localtime(report.produced_at).strftime("%Y-%m-%d %H:%M")]
    )
    data = report.data
    rate_head = [
        pgettext("report column: department or order type", "Group"),
        _("Owed"),
        _("Done"),
        _("Callback rate %"),
        _("On time %"),
        _("Rated"),
        _("Satisfied %"),
        _("Dissatisfied"),
        _("Average score"),
    ]
    if report.kind in {ReportKind.WEEKLY_SATISFACTION, ReportKind.MONTHLY_SATISFACTION}:
        sheet.append([])
        sheet.append(rate_head)
        for row in _rate_rows({str(_("All")): data["overall"]}):
            sheet.append(row)
        for title, block in ((_("By department"), "by_department"), (_("By type"), "by_type")):
            part = book.create_sheet(str(title)[:31])
            part.append(rate_head)
            for row in _rate_rows(data[block]):
                part.append(row)
        weak = book.create_sheet(str(_("Weak points"))[:31])
        weak.append([_("Department")])
        for name in data["weak_points"]:
            weak.append([name])
        warnings = book.create_sheet(str(_("Warnings"))[:31])
        warnings.append([_("Department"), _("Written warnings")])
        for name, count in data["warnings"].items():
            warnings.append([name, count])
    elif report.kind == ReportKind.COMPLAINT_CLASSIFICATION:
        table = book.create_sheet(str(_("Classification"))[:31])
        table.append(
            [
                _("Business line"),
                _("Nature"),
                _("Department"),
                _("Level"),
                _("Complaints"),
                _("Substantiated"),
                _("Not substantiated"),
                _("Average resolution (h)"),
            ]
        )
        for r in data["rows"]:
            table.append(
                [
                    r["business_line"],
                    r["nature"],
                    r["department"],
                    r["level"],
                    r["count"],
                    r["substantiated"],
                    r["unsubstantiated"],
                    r["resolution_hours"],
                ]
            )
        totals = classification_totals(data)
        table.append(
            [
                _("Total"),
                None,
                None,
                None,
                totals["count"],
                totals["substantiated"],
                totals["unsubstantiated"],
                None,
            ]
        )
    else:
        table = book.create_sheet(str(_("Suggestions"))[:31])
        table.append([_("Subject"), _("Number"), pgettext("the order's one-line title", "Summary")])
        for subject, block in data["by_subject"].items():
            for item in block["items"]:
                table.append([subject, item["number"], item["title"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
