"""The active SLA policies with their targets, and the calendar overrides, kept in memory.

Every registration and dispatch starts clocks, and reading the policies, their targets and the
overrides each time cost three queries and the matching work per order event. These tables are
small and change only when a manager or administrator edits them. As with the taxonomy
(``kefu.tickets.taxonomy``), each process keeps a ``kefu.core.snapshot.MemorySnapshot``. Clocks
already running keep the time limit they started with either way (R-SLA-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from kefu.core.snapshot import MemorySnapshot
from kefu.sla.models import Calendar, CalendarOverride, Policy, Target


@dataclass(frozen=True)
class Snapshot:
    policies: list[Policy]  # active, in matching order, with targets (and calendars) prefetched
    overrides: dict[date, bool]


def _take() -> Snapshot:
    policies = list(
        Policy.objects.active().prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("calendar"))
        )
    )
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    return Snapshot(policies, overrides)


_holder = MemorySnapshot("sla", _take, (Policy, Target, Calendar, CalendarOverride))
current = _holder.current
invalidate = _holder.invalidate
