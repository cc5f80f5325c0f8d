"""Rates and summaries over plain values (R-CB-1, R-CB-6). Pure; the services feed them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kefu.callbacks.choices import DISSATISFIED_MAX


@dataclass(frozen=True)
class CallbackFact:
    """One callback round as the rates need it."""

    due_at: datetime
    done_at: datetime | None  # when the callback concluded, None while open
    score: int | None


@dataclass(frozen=True)
class Rates:
    due: int  # callbacks owed in the period
    done: int  # concluded (satisfied, second dispatch or unreachable)
    on_time: int  # concluded by their due time
    rated: int
    satisfied: int  # score 4 or 5
    dissatisfied: int  # score 1 or 2
    average_score: float | None

    @property
    def callback_rate(self) -> float | None:
        return _percent(self.done, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return _percent(self.on_time, self.done)

    @property
    def satisfaction_rate(self) -> float | None:
        return _percent(self.satisfied, self.rated)

    def as_dict(self) -> dict[str, object]:
        return {
            "due": self.due,
            "done": self.done,
            "on_time": self.on_time,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "dissatisfied": self.dissatisfied,
            "average_score": self.average_score,
            "callback_rate": self.callback_rate,
            "on_time_rate": self.on_time_rate,
            "satisfaction_rate": self.satisfaction_rate,
        }


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def rates(facts: Iterable[CallbackFact]) -> Rates:
    due = done = on_time = 0
    scores: list[int] = []
    for fact in facts:
        due += 1
        if fact.done_at is not None:
            done += 1
            if fact.done_at <= fact.due_at:
                on_time += 1
        if fact.score is not None:
            scores.append(fact.score)
    counts = Counter(scores)
    return Rates(
        due=due,
        done=done,
        on_time=on_time,
        rated=len(scores),
        satisfied=counts[4] + counts[5],
        dissatisfied=sum(n for s, n in counts.items() if s <= DISSATISFIED_MAX),
        average_score=round(sum(scores) / len(scores), 2) if scores else None,
    )


def weak_points(by_group: dict[str, Rates], limit: int = 3) -> list[str]:
    """R-CB-6: the groups with the lowest satisfaction (most dissatisfied first)."""
    rated = [(name, r) for name, r in by_group.items() if r.rated]
    rated.sort(key=lambda item: (item[1].satisfaction_rate or 0.0, -item[1].dissatisfied))
    return [name for name, r in rated[:limit] if r.dissatisfied or (r.satisfaction_rate or 0) < 100]
