"""The classification taxonomy and routing rules, read once and kept in memory.

These tables are small and change only when an administrator edits them, yet registering an
order needs several of them. Each process keeps a snapshot: a save or delete in this process
drops it at once (signals below); other processes pick up the change within
``MAX_AGE_SECONDS`` — the admin guide says so. Lists in forms still read the tables directly.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from kefu.org.models import Department
from kefu.tickets.models import (
    BusinessLine,
    CallType,
    Nature,
    RequestKind,
    RoutingRule,
    SuggestionSubject,
)
from kefu.tickets.models.taxonomy import TaxonomyItem
from kefu.tickets.routing import Rule

MAX_AGE_SECONDS = 60
CODED_MODELS: tuple[type[TaxonomyItem], ...] = (
    CallType,
    RequestKind,
    BusinessLine,
    Nature,
    SuggestionSubject,
)


@dataclass(frozen=True)
class Snapshot:
    taken_at: float
    active: dict[type[Any], dict[str, Any]]  # model → code → active row
    rules: dict[int, list[Rule]] = field(default_factory=dict)  # call type id → routing rules


_lock = threading.Lock()
_snapshot: Snapshot | None = None


def _take() -> Snapshot:
    active = {
        model: {row.code: row for row in model._default_manager.filter(is_active=True)}
        for model in CODED_MODELS
    }
    departments = dict(
        Department.objects.filter(is_active=True).exclude(code="").values_list("code", "pk")
    )
    rules: dict[int, list[Rule]] = {}
    for r in RoutingRule.objects.all():
        department_id = r.department_id or departments.get(r.department_code)
        rules.setdefault(r.call_type_id, []).append(Rule(r.level, r.action, department_id))
    return Snapshot(taken_at=time.monotonic(), active=active, rules=rules)


def current() -> Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is None or time.monotonic() - snap.taken_at > MAX_AGE_SECONDS:
        with _lock:
            snap = _snapshot
            if snap is None or time.monotonic() - snap.taken_at > MAX_AGE_SECONDS:
                snap = _snapshot = _take()
    return snap


def active_by_code(model: type[Any], code: str) -> Any:
    """The active row of a taxonomy model with this code, or None."""
    return current().active[model].get(code)


def routing_rules(call_type: CallType) -> list[Rule]:
    return current().rules.get(call_type.pk, [])


def invalidate(**kwargs: Any) -> None:
    global _snapshot
    _snapshot = None


WATCHED: tuple[type[Model], ...] = (*CODED_MODELS, RoutingRule, Department)
for _model in WATCHED:
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"taxonomy-{_model.__name__}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"taxonomy-del-{_model.__name__}")
