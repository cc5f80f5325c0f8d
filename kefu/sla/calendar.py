"""Working-time arithmetic for SLA clocks (R-SLA-2, R-SLA-3): pure functions over plain values.

Nothing here touches the database. Callers pass an ``is_workday(date) -> bool`` built by
``workday_rule`` from the administrators' overrides, and a ``CalendarSpec`` describing the
calendar a target counts on.

Conventions (R-SLA-2):
* "N working days": the day of receipt does not count; the limit ends at 24:00 (center time)
  of the N-th working day after it.
* "Same day": ends at 24:00 of the day the event happened.
* "N minutes / hours / days": counted on the calendar's working time; on the 7x24 calendar that
  is plain elapsed time.

Years the ``chinese_calendar`` package does not cover fall back to Monday–Friday plus the
overrides; ``covered_year`` lets the admin site warn that the next year still needs entering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from kefu.sla.choices import CalendarKind, Unit

IsWorkday = Callable[[date], bool]

# A guard against a calendar with no working time at all (every day overridden off): no clock
# looks further ahead than this.
MAX_DAYS_AHEAD = 3660


def covered_year(year: int) -> bool:
    """Whether the package knows the official holidays and 调休 days of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def official_workday(day: date) -> bool:
    """The State Council calendar where the package knows it; Monday–Friday elsewhere."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def workday_rule(overrides: Mapping[date, bool]) -> IsWorkday:
    """``is_workday`` with the administrators' overrides first, then the official calendar."""

    def is_workday(day: date) -> bool:
        found = overrides.get(day)
        return official_workday(day) if found is None else found

    return is_workday


@dataclass(frozen=True)
class CalendarSpec:
    """What a calendar counts: every day or working days only, all day or business hours."""

    kind: str = CalendarKind.ALWAYS
    opens: time | None = None
    closes: time | None = None

    @property
    def workdays_only(self) -> bool:
        return self.kind == CalendarKind.WORKING_DAYS

    @property
    def has_hours(self) -> bool:
        return self.opens is not None and self.closes is not None and self.opens < self.closes


ALWAYS = CalendarSpec()


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def end_of_day(moment: datetime, tz: ZoneInfo) -> datetime:
    """24:00 of the day ``moment`` falls on, in the center's time zone."""
    day = moment.astimezone(tz).date()
    return _local_midnight(day + timedelta(days=1), tz)


def add_working_days(start: datetime, days: int, is_workday: IsWorkday, tz: ZoneInfo) -> datetime:
    """24:00 of the ``days``-th working day after the day of ``start`` (R-SLA-2)."""
    if days <= 0:
        return end_of_day(start, tz)
    day = start.astimezone(tz).date()
    counted = 0
    for _ in range(MAX_DAYS_AHEAD):
        day += timedelta(days=1)
        if is_workday(day):
            counted += 1
            if counted == days:
                return _local_midnight(day + timedelta(days=1), tz)
    raise ValueError("No working days within ten years: check the calendar overrides.")


def _windows(day: date, spec: CalendarSpec, is_workday: IsWorkday, tz: ZoneInfo):
    """The working window of one local day, or None."""
    if spec.workdays_only and not is_workday(day):
        return None
    if spec.opens is not None and spec.closes is not None and spec.has_hours:
        return (
            datetime.combine(day, spec.opens, tzinfo=tz),
            datetime.combine(day, spec.closes, tzinfo=tz),
        )
    return (_local_midnight(day, tz), _local_midnight(day + timedelta(days=1), tz))


def add_working_time(
    start: datetime, amount: timedelta, spec: CalendarSpec, is_workday: IsWorkday, tz: ZoneInfo
) -> datetime:
    """``start`` plus ``amount`` of the calendar's working time (7x24: plain elapsed time)."""
    if not spec.workdays_only and not spec.has_hours:
        return start + amount
    remaining = amount
    cursor = start.astimezone(tz)
    day = cursor.date()
    for _ in range(MAX_DAYS_AHEAD):
        window = _windows(day, spec, is_workday, tz)
        if window is not None:
            begin = max(window[0], cursor)
            if begin < window[1]:
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("No working time within ten years: check the calendar overrides.")


def due_at(
    start: datetime,
    duration: int,
    unit: str,
    spec: CalendarSpec,
    is_workday: IsWorkday,
    tz: ZoneInfo,
) -> datetime:
    """When a limit of ``duration`` ``unit`` counted from ``start`` on ``spec`` runs out."""
    if unit == Unit.SAME_DAY:
        return end_of_day(start, tz)
    if unit == Unit.WORKING_DAYS:
        return add_working_days(start, duration, is_workday, tz)
    steps: dict[str, timedelta] = {
        Unit.MINUTES: timedelta(minutes=1),
        Unit.HOURS: timedelta(hours=1),
        Unit.DAYS: timedelta(days=1),
    }
    return add_working_time(start, steps[unit] * duration, spec, is_workday, tz)


def warn_at(start: datetime, due: datetime, percent: int) -> datetime:
    """The moment ``percent`` of the allowed (elapsed) time has passed (R-SLA-5)."""
    percent = min(max(percent, 0), 100)
    return start + (due - start) * percent / 100
