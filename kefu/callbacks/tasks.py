"""Scheduled reports (R-CB-6, R-SUG-1), on the center's clock (HUEY utc=False; `kefu worker`
runs in the center time zone). Each job is exactly-once per period whatever the number of
workers: ``reports.produce`` stores one row per kind and period, and only a new row notifies.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kefu.callbacks import reports
from kefu.callbacks.choices import ReportKind
from kefu.callbacks.models import CallbackSettings, Report
from kefu.lib.center_time import center_tz
from kefu.org.choices import DepartmentKind
from kefu.org.models import Department, User


def _people(*role_codes: str) -> list[User]:
    return list(User.objects.filter(is_active=True, roles__code__in=role_codes).distinct())


def _department_leads() -> list[User]:
    """Heads and responsible people of the departments outside the center (R-SUG-1)."""
    found: dict[int, User] = {}
    for dept in (
        Department.objects.filter(is_active=True, kind=DepartmentKind.DEPARTMENT)
        .filter(Q(head__isnull=False) | Q(responsible__isnull=False))
        .select_related("head", "responsible")
    ):
        for person in (dept.head, dept.responsible):
            if person is not None and person.is_active:
                found[person.pk] = person
    return list(found.values())


def _announce(report: Report, recipients: list[User]) -> None:
    from django.urls import reverse

    from kefu.notifications.services import notify

    event = (
        "callbacks.suggestion_summary"
        if report.kind == ReportKind.SUGGESTION_SUMMARY
        else "callbacks.report"
    )
    notify(
        recipients,
        event,
        title=_("%(kind)s %(start)s – %(end)s")
        % {
            "kind": report.get_kind_display(),
            "start": report.period_start,
            "end": report.period_end,
        },
        body=_summary_line(report),
        url=reverse("callbacks:report", kwargs={"pk": report.pk}),
        dedupe_key=f"callbacks.report:{report.pk}",
    )


def _summary_line(report: Report) -> str:
    data = report.data
    if report.kind == ReportKind.SUGGESTION_SUMMARY:
        return "; ".join(f"{k}: {v['count']}" for k, v in data["by_subject"].items()) or _(
            "No suggestions in this period."
        )
    if report.kind == ReportKind.COMPLAINT_CLASSIFICATION:
        return _("%(n)d complaints") % {"n": data["total"]}
    overall = data["overall"]
    return _("Callback rate %(rate)s %%, on time %(on_time)s %%, satisfied %(sat)s %%") % {
        "rate": overall["callback_rate"],
        "on_time": overall["on_time_rate"],
        "sat": overall["satisfaction_rate"],
    }


def run_weekly(now: datetime | None = None) -> list[Report]:
    """Monday: last week's satisfaction summary, complaint classification and suggestions."""
    start, end = reports.last_week(now)
    made = []
    for kind in (
        ReportKind.WEEKLY_SATISFACTION,
        ReportKind.COMPLAINT_CLASSIFICATION,
        ReportKind.SUGGESTION_SUMMARY,
    ):
        report, created = reports.produce(kind, start, end, now=now)
        made.append(report)
        if created:
            if kind == ReportKind.SUGGESTION_SUMMARY:
                _announce(report, _people("manager") + _department_leads())
            else:
                _announce(report, _people("manager", "callback_surveyor", "statistician"))
    return made


def run_monthly(now: datetime | None = None) -> Report | None:
    """On the configured day (before the 21st): last month's satisfaction analysis."""
    local = timezone.localtime(now or timezone.now(), center_tz())
    if local.day != CallbackSettings.current().monthly_report_day:
        return None
    start, end = reports.last_month(now)
    report, created = reports.produce(ReportKind.MONTHLY_SATISFACTION, start, end, now=now)
    if created:
        _announce(report, _people("manager", "callback_surveyor", "statistician"))
    return report


@db_periodic_task(crontab(day_of_week="1", hour="17", minute="30"))
@lock_task("callbacks-weekly-reports")
def weekly_reports() -> None:
    """R-CB-6: every Monday, ready before 18:00."""
    run_weekly()


@db_periodic_task(crontab(hour="17", minute="40"))
@lock_task("callbacks-monthly-report")
def monthly_report() -> None:
    """R-CB-6: daily check; produces on the configured day of the month (default the 20th)."""
    run_monthly()
