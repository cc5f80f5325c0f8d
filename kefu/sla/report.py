"""The SLA report: compliance per target, call type, department and handler over a period,
and the orders that breached (SPEC §5, R-REP-1 time-limit compliance). Figures come straight
from the clocks; nothing here can be edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.sla.choices import TargetKind
from kefu.sla.models import Clock

GROUPS: dict[str, str] = {
    "target": "kind",
    "type": "ticket__call_type__code",
    "department": "ticket__department__name",
    "handler": "ticket__handler__name",
}
BREACHED_LIST_LIMIT = 200


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
    return [
        Row(
            label=str(labels.get(r[field], r[field] or "—")),
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


def breached_clocks(start: date, end: date, now: datetime | None = None) -> list[Clock]:
    now = now or timezone.now()
    return list(
        clocks_in(start, end)
        .filter(_breached_q(now))
        .select_related("ticket", "ticket__call_type", "ticket__department", "ticket__handler")
        .order_by("due_at", "id")[:BREACHED_LIST_LIMIT]
    )
