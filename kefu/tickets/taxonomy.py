"""The classification taxonomy and routing rules, read once and kept in memory.

These tables are small and change only when an administrator edits them, yet registering an
order needs several of them. Each process keeps a ``kefu.core.snapshot.MemorySnapshot`` (a save
or delete drops it at once, other processes follow within a minute — the admin guide says so).
Lists in forms still read the tables directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from kefu.core.snapshot import MemorySnapshot
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

CODED_MODELS: tuple[type[TaxonomyItem], ...] = (
    CallType,
    RequestKind,
    BusinessLine,
    Nature,
    SuggestionSubject,
)


@dataclass(frozen=True)
class Snapshot:
    active: dict[type[Any], dict[str, Any]]  # model → code → active row
    rules: dict[int, list[Rule]] = field(default_factory=dict)  # call type id → routing rules


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
    return Snapshot(active=active, rules=rules)


def active_by_code(model: type[Any], code: str) -> Any:
    """The active row of a taxonomy model with this code, or None."""
    return current().active[model].get(code)


def routing_rules(call_type: CallType) -> list[Rule]:
    return current().rules.get(call_type.pk, [])


WATCHED: tuple[type[Model], ...] = (*CODED_MODELS, RoutingRule, Department)
_holder = MemorySnapshot("taxonomy", _take, WATCHED)
current = _holder.current
invalidate = _holder.invalidate
