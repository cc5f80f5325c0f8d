"""The SLA report: compliance per target, call type, department and handler over a period,
and the orders that breached (SPEC §5, R-REP-1 time-limit compliance). Figures come straight
from the clocks; nothing here can be edited."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.sla.choices import TargetKind
from kefu.sla.models import Clock

GROUPS: dict[str, str] = {
    "target": "kind",
    "type": "ticket__call_type__code",
    "department": "ticket__department__name",
    "handler": "ticket__handler__name",
}
BREACHED_PAGE_SIZE = 50


def center_label() -> str:
    """The row of orders with no department or handler: the center kept them (not dispatched)."""
    return pgettext("SLA report row: orders the center kept", "Center (not dispatched)")


@dataclass(frozen=True)
class Row:
    label: str
    total: int
    on_time: int
    breached: int
    running: int

    @property
    def decided(self) -> int:
        return self.on_time + self.breached

    @property
    def compliance(self) -> float | None:
        """Share of decided clocks met in time; None while none is decided."""
        return self.on_time / self.decided if self.decided else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def clocks_in(start: date, end: date) -> QuerySet[Clock]:
    """Clocks started from ``start`` to ``end`` inclusive (center days), cancelled ones aside."""
    low, high = _bounds(start, end)
    return Clock.objects.filter(started_at__gte=low, started_at__lt=high, cancelled_at__isnull=True)


def _breached_q(now: datetime) -> Q:
    return Q(breached_at__isnull=False) | Q(met_at__isnull=True, due_at__lt=now)


def compliance(start: date, end: date, group: str, now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    field = GROUPS[group]
    on_time = Q(met_at__isnull=False, breached_at__isnull=True)
    running = Q(met_at__isnull=True, breached_at__isnull=True, due_at__gte=now)
    rows = (
        clocks_in(start, end)
        .values(field)
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=on_time),
            breached=Count("id", filter=_breached_q(now)),
            running=Count("id", filter=running),
        )
        .order_by(field)
    )
    labels: dict[str, Any] = dict(TargetKind.choices) if group == "target" else {}
    empty = center_label() if group in ("department", "handler") else "—"
    return [
        Row(
            label=str(labels.get(r[field], r[field] or empty)),
            total=r["total"],
            on_time=r["on_time"],
            breached=r["breached"],
            running=r["running"],
        )
        for r in rows
    ]


def overall(rows: list[Row]) -> Row:
    return Row(
        label="",
        total=sum(r.total for r in rows),
        on_time=sum(r.on_time for r in rows),
        breached=sum(r.breached for r in rows),
        running=sum(r.running for r in rows),
    )


def breached_clocks(start: date, end: date, now: datetime | None = None) -> QuerySet[Clock]:
    """The breached clocks of the period, soonest due first (paged by the page, whole in the
    workbook)."""
    now = now or timezone.now()
    return (
        clocks_in(start, end)
        .filter(_breached_q(now))
        .select_related("ticket", "ticket__call_type", "ticket__department", "ticket__handler")
        .order_by("due_at", "id")
    )


def _group_title(code: str) -> str:
    return {
        "target": _("By time limit"),
        "type": _("By call type"),
        "department": _("By department"),
        "handler": _("By handler"),
    }[code]


def _local(when: datetime | None) -> datetime | None:
    """Center time without a zone: Excel cells hold no time zone."""
    return timezone.localtime(when).replace(tzinfo=None) if when else None


def workbook(start: date, end: date, now: datetime | None = None) -> bytes:
    """The SLA report as an .xlsx file (R-REP-4): the summary, one sheet per table and every
    breached order. Compliance is a number with a percent format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    now = now or timezone.now()
    groups = {code: compliance(start, end, code, now) for code in GROUPS}
    total = overall(groups["target"])
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = pgettext("report sheet: the overview", "Summary")[:31]
    sheet.append([_("SLA report")])
    sheet["A1"].font = bold
    sheet.append([_("From"), start, _("To"), end])
    for cell in (sheet["B2"], sheet["D2"]):
        cell.number_format = "yyyy-mm-dd"
    sheet.append([_("Produced at"), _local(now)])
    sheet["B3"].number_format = "yyyy-mm-dd hh:mm"
    head = [
        pgettext("report column: department or order type", "Group"),
        _("Met in time"),
        _("Breached"),
        _("Running"),
        _("Compliance"),
    ]

    def table(target: Any, rows: list[Row]) -> None:
        target.append(head)
        for cell in target[target.max_row]:
            cell.font = bold
        for row in rows:
            target.append([row.label, row.on_time, row.breached, row.running, row.compliance])
            target.cell(row=target.max_row, column=5).number_format = "0.0%"

    sheet.append([])
    table(sheet, [replace(total, label=_("All time limits"))])
    for letter, width in zip("ABCDE", (24, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    for code, rows in groups.items():
        part = book.create_sheet(_group_title(code)[:31])
        table(part, rows)
        part.column_dimensions["A"].width = 24
    listing = book.create_sheet(_("Breached orders")[:31])
    listing.append(
        [
            _("Number"),
            _("Type"),
            pgettext("the order's one-line title", "Summary"),
            _("Time limit"),
            _("Due at"),
            _("Met at"),
            _("Department"),
            _("Handler"),
        ]
    )
    for cell in listing[1]:
        cell.font = bold
    for clock in breached_clocks(start, end, now).iterator(chunk_size=2000):
        ticket = clock.ticket
        listing.append(
            [
                ticket.number,
                ticket.type_label,
                ticket.title,
                str(clock.get_kind_display()),
                _local(clock.due_at),
                _local(clock.met_at),
                ticket.department.name if ticket.department else center_label(),
                ticket.handler.name if ticket.handler else "",
            ]
        )
        for index in (5, 6):
            listing.cell(row=listing.max_row, column=index).number_format = "yyyy-mm-dd hh:mm"
    for letter, width in zip("ABCDEFGH", (20, 8, 40, 16, 17, 17, 20, 12), strict=True):
        listing.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
