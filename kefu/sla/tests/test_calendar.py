"""The due-date calculator (R-SLA-2, R-SLA-3, R-ESC-4): pure arithmetic, no database.

Property tests (hypothesis) run over real 2025–2027 dates; the examples use the State Council
calendar around National Day and the Spring Festival, with its 调休 Saturdays and Sundays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.sla import calendar as cal
from kefu.sla.choices import CalendarKind, Unit
from kefu.sla.models import Clock
from kefu.sla.services import _resume_one

TZ = ZoneInfo("Asia/Shanghai")
OFFICIAL = cal.workday_rule({})
WORKDAYS = cal.CalendarSpec(kind=CalendarKind.WORKING_DAYS)
OFFICE = cal.CalendarSpec(kind=CalendarKind.WORKING_DAYS, opens=time(9), closes=time(18))
SPECS = [cal.ALWAYS, WORKDAYS, OFFICE]


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 20), timezones=st.just(TZ)
)
units = st.sampled_from(list(Unit))
durations = st.integers(min_value=0, max_value=200)
specs = st.sampled_from(SPECS)


# --- Properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(start=starts, duration=durations, unit=units, spec=specs)
def test_r_sla_2_due_is_never_before_start(start, duration, unit, spec):
    due = cal.due_at(start, duration, unit, spec, OFFICIAL, TZ)
    assert due >= start


@settings(max_examples=200, deadline=None)
@given(start=starts, days=st.integers(min_value=1, max_value=15))
def test_r_sla_2_n_working_days_end_at_midnight_after_the_nth_official_working_day(start, days):
    """The day of receipt does not count; holidays are skipped, 调休 weekend days count."""
    due = cal.due_at(start, days, Unit.WORKING_DAYS, WORKDAYS, OFFICIAL, TZ)
    local_due = due.astimezone(TZ)
    assert local_due.time() == time(0, 0)
    last_day = local_due.date() - timedelta(days=1)
    assert OFFICIAL(last_day)
    received = start.astimezone(TZ).date()
    counted = [
        received + timedelta(days=i)
        for i in range(1, (last_day - received).days + 1)
        if OFFICIAL(received + timedelta(days=i))
    ]
    assert len(counted) == days


@settings(max_examples=200, deadline=None)
@given(
    # Up to 10 working days from the start must stay inside the years chinese_calendar covers
    # (2026 is its last): a later start counts into 2027, where the check below cannot look.
    start=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 10), timezones=st.just(TZ)
    ),
    days=st.integers(min_value=1, max_value=10),
)
def test_r_sla_3_counted_days_agree_with_the_official_calendar(start, days):
    """In the years the package covers, every counted day is a chinese_calendar working day."""
    due = cal.due_at(start, days, Unit.WORKING_DAYS, WORKDAYS, OFFICIAL, TZ)
    day = start.astimezone(TZ).date() + timedelta(days=1)
    counted = 0
    while day < due.astimezone(TZ).date():
        if chinese_calendar.is_workday(day):
            counted += 1
        day += timedelta(days=1)
    assert counted == days


@settings(max_examples=200, deadline=None)
@given(
    start=starts,
    minutes=st.integers(min_value=1, max_value=5000),
    spec=st.sampled_from([WORKDAYS, OFFICE]),
)
def test_r_sla_3_working_time_never_ends_on_a_day_off_or_outside_business_hours(
    start, minutes, spec
):
    due = cal.add_working_time(start, timedelta(minutes=minutes), spec, OFFICIAL, TZ)
    local = due.astimezone(TZ)
    if local.time() == time(0, 0):  # exactly the end of a whole working day
        assert OFFICIAL(local.date() - timedelta(days=1))
    else:
        assert OFFICIAL(local.date())
    if spec is OFFICE:
        assert time(9) < local.time() <= time(18)
    assert due - start >= timedelta(minutes=minutes)


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    allowed=st.integers(min_value=1, max_value=10_000),
    paused_after=st.integers(min_value=0, max_value=10_000),
    waited=st.integers(min_value=0, max_value=100_000),
)
def test_r_esc_4_pausing_never_shortens_a_clock(start, allowed, paused_after, waited):
    due = start + timedelta(minutes=allowed)
    clock = Clock(
        started_at=start,
        due_at=due,
        warn_at=cal.warn_at(start, due, 80),
        paused_at=start + timedelta(minutes=paused_after),
    )
    _resume_one(clock, clock.paused_at + timedelta(minutes=waited))
    assert clock.due_at >= due
    assert clock.due_at - due == timedelta(minutes=waited)
    assert clock.warn_at <= clock.due_at
    assert clock.paused_at is None


@settings(max_examples=200, deadline=None)
@given(start=starts, percent=st.integers(min_value=1, max_value=99), minutes=st.integers(1, 9999))
def test_r_sla_5_warning_falls_between_start_and_due(start, percent, minutes):
    due = start + timedelta(minutes=minutes)
    warn = cal.warn_at(start, due, percent)
    assert start <= warn < due


# --- Real dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # National Day 2025: 10-01..10-08 off; Sat 10-11 is a 调休 working day.
        (cst(2025, 9, 30, 15, 0), 3, cst(2025, 10, 12)),
        # Sun 2025-09-28 is a 调休 working day: one working day after a Saturday receipt.
        (cst(2025, 9, 27, 10, 0), 1, cst(2025, 9, 29)),
        # Received on a holiday: counting starts after the holiday.
        (cst(2025, 10, 3, 11, 0), 1, cst(2025, 10, 10)),
        # Spring Festival 2026: Sat 02-14 works, 02-15..02-23 off.
        (cst(2026, 2, 13, 16, 0), 3, cst(2026, 2, 26)),
        # National Day 2026: 10-01..10-07 off; Sat 10-10 works.
        (cst(2026, 9, 30, 9, 0), 3, cst(2026, 10, 11)),
        # An ordinary week: Monday + 3 working days ends at midnight after Thursday.
        (cst(2026, 3, 2, 9, 0), 3, cst(2026, 3, 6)),
        # Late on a Friday: the weekend does not count.
        (cst(2026, 3, 6, 23, 30), 1, cst(2026, 3, 10)),
    ],
)
def test_r_sla_2_three_working_days_around_official_holidays(received, days, due):
    assert cal.due_at(received, days, Unit.WORKING_DAYS, WORKDAYS, OFFICIAL, TZ) == due


def test_r_sla_2_same_day_ends_at_midnight_center_time():
    assert cal.due_at(cst(2026, 3, 2, 23, 59), 0, Unit.SAME_DAY, cal.ALWAYS, OFFICIAL, TZ) == cst(
        2026, 3, 3
    )
    # 01:00 UTC is 09:00 in Shanghai: the same (Shanghai) day.
    utc = datetime(2026, 3, 2, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert cal.due_at(utc, 0, Unit.SAME_DAY, cal.ALWAYS, OFFICIAL, TZ) == cst(2026, 3, 3)


def test_r_sla_2_hours_on_the_7x24_calendar_are_elapsed_time():
    start = cst(2025, 10, 1, 22, 0)  # a holiday night
    assert cal.due_at(start, 2, Unit.HOURS, cal.ALWAYS, OFFICIAL, TZ) == cst(2025, 10, 2, 0, 0)
    assert cal.due_at(start, 3, Unit.DAYS, cal.ALWAYS, OFFICIAL, TZ) == cst(2025, 10, 4, 22, 0)


def test_r_sla_3_hours_on_the_office_calendar_skip_nights_weekends_and_holidays():
    # Friday 17:00 + 2 working hours: one hour on Friday, one on Monday.
    assert cal.due_at(cst(2026, 3, 6, 17, 0), 2, Unit.HOURS, OFFICE, OFFICIAL, TZ) == cst(
        2026, 3, 9, 10, 0
    )
    # Tuesday 2025-09-30 17:30 + 1 hour: National Day; the next working hour is 10-09.
    assert cal.due_at(cst(2025, 9, 30, 17, 30), 1, Unit.HOURS, OFFICE, OFFICIAL, TZ) == cst(
        2025, 10, 9, 9, 30
    )
    # Before opening: counting starts at 09:00.
    assert cal.due_at(cst(2026, 3, 2, 7, 0), 30, Unit.MINUTES, OFFICE, OFFICIAL, TZ) == cst(
        2026, 3, 2, 9, 30
    )


def test_r_sla_3_a_year_the_package_does_not_know_falls_back_to_monday_to_friday():
    assert cal.covered_year(2026)
    assert not cal.covered_year(2099)
    # 2099-01-02 is a Friday, 01-03/04 the weekend.
    assert cal.due_at(cst(2099, 1, 2, 10, 0), 1, Unit.WORKING_DAYS, WORKDAYS, OFFICIAL, TZ) == cst(
        2099, 1, 6
    )


def test_r_sla_3_overrides_win_over_the_package_and_the_fallback():
    rule = cal.workday_rule({date(2099, 1, 5): False, date(2099, 1, 3): True})
    # Sat 01-03 entered as 调休 working day; Mon 01-05 entered as a holiday.
    assert cal.due_at(cst(2099, 1, 2, 10, 0), 1, Unit.WORKING_DAYS, WORKDAYS, rule, TZ) == cst(
        2099, 1, 4
    )
    assert cal.due_at(cst(2099, 1, 3, 10, 0), 1, Unit.WORKING_DAYS, WORKDAYS, rule, TZ) == cst(
        2099, 1, 7
    )
    # An override on a year the package knows: 2026-03-02 (a Monday) made a day off.
    local_holiday = cal.workday_rule({date(2026, 3, 3): False})
    assert cal.due_at(
        cst(2026, 3, 2, 9, 0), 1, Unit.WORKING_DAYS, WORKDAYS, local_holiday, TZ
    ) == cst(2026, 3, 5)
