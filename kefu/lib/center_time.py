"""The center's own clock: its time zone (``TIME_ZONE``, Asia/Shanghai by default), today's date
there and the start of a day there. "Same day", report periods and working days are all counted
on it, whatever the server's or the browser's zone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def center_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return timezone.localtime(timezone.now(), center_tz()).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=center_tz())


def aware(when: datetime | None) -> datetime | None:
    """A time sent without an offset is center time (as the API documents)."""
    if when is not None and timezone.is_naive(when):
        return timezone.make_aware(when, center_tz())
    return when
