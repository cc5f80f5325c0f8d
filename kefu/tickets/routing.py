"""R-WO-2 routing: a pure decision over the rules of a call type, unit-tested without a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kefu.tickets.choices import RouteAction


@dataclass(frozen=True)
class Rule:
    level: str  # "" = any level
    action: str
    department_id: int | None


@dataclass(frozen=True)
class Route:
    action: str
    department_id: int | None

    @property
    def dispatches(self) -> bool:
        return self.action in {RouteAction.DISPATCH, RouteAction.SUPERIOR}


def decide(rules: Iterable[Rule], level: str) -> Route:
    """The rule for this exact level wins over the type's general rule; with no rule at all the
    order stays with the center, which is the safe default (nothing leaves unreviewed)."""
    general: Rule | None = None
    for rule in rules:
        if level and rule.level == level:
            return Route(rule.action, rule.department_id)
        if not rule.level:
            general = rule
    if general is None:
        return Route(RouteAction.CENTER, None)
    return Route(general.action, general.department_id)
