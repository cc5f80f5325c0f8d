"""The active SLA policies with their targets, and the calendar overrides, kept in memory.

Every registration and dispatch starts clocks, and reading the policies, their targets and the
overrides each time cost three queries and the matching work per order event. These tables are
small and change only when a manager or administrator edits them. As with the taxonomy
(``kefu.tickets.taxonomy``), each process keeps a snapshot: a save or delete in this process
drops it at once; other processes pick the change up within ``MAX_AGE_SECONDS``. Clocks already
running keep the time limit they started with either way (R-SLA-1).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save

from kefu.sla.models import Calendar, CalendarOverride, Policy, Target

MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class Snapshot:
    taken_at: float
    policies: list[Policy]  # active, in matching order, with targets (and calendars) prefetched
    overrides: dict[date, bool]


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _take() -> Snapshot:
    policies = list(
        Policy.objects.active().prefetch_related(
            Prefetch("targets", queryset=Target.objects.select_related("calendar"))
        )
    )
    overrides = dict(CalendarOverride.objects.values_list("date", "is_workday"))
    return Snapshot(time.monotonic(), policies, overrides)


def current() -> Snapshot:
    global _snapshot
    snapshot = _snapshot
    if snapshot is None or time.monotonic() - snapshot.taken_at > MAX_AGE_SECONDS:
        with _lock:
            snapshot = _snapshot = _take()
    return snapshot


def invalidate(*args: Any, **kwargs: Any) -> None:
    global _snapshot
    _snapshot = None


for _model in (Policy, Target, Calendar, CalendarOverride):
    post_save.connect(
        invalidate, sender=_model, dispatch_uid=f"sla-snapshot-save-{_model.__name__}"
    )
    post_delete.connect(
        invalidate, sender=_model, dispatch_uid=f"sla-snapshot-delete-{_model.__name__}"
    )
