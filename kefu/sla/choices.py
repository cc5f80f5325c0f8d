"""SLA values: calendar kinds, units, target kinds and what a breach triggers (SPEC §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarKind(models.TextChoices):
    ALWAYS = "7x24", _("7×24 (every day, around the clock)")
    WORKING_DAYS = "working_days", _("Working days (Chinese official calendar)")


class Unit(models.TextChoices):
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")
    WORKING_DAYS = "working_days", _("working days")
    SAME_DAY = "same_day", _("same day")


class TargetKind(models.TextChoices):
    """Each becomes a clock on an order (R-IN-2, R-WO-4, R-SLA-1, R-SLA-2, R-SLA-4, R-CB-1)."""

    REGISTER = "register", _("Register")
    DISPATCH = "dispatch", _("Dispatch")
    CALL_BACK = "call_back", _("Call the customer back")
    ON_SITE = "on_site", _("On site")
    FEEDBACK = "feedback", _("Feedback to the center")
    RESOLVE = "resolve", _("Resolve")
    CALLBACK_AFTER_COMPLETION = "callback_after_completion", _("Callback after completion")
    ESCALATION_FOLLOW_UP = "escalation_follow_up", _("Follow up an escalation")


class OnBreach(models.TextChoices):
    """What happens when a clock runs out, besides the alarm and urge (R-SLA-5)."""

    ALARM = "alarm", _("Alarm and urge only")
    ESCALATE = "escalate", _("Alarm, urge and escalate one step (R-ESC-2)")
    MANAGER_HOTLINE = "manager_hotline", _("Alarm, urge and hand to the manager hotline (R-ESC-3)")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    WARNED = "warned", _("Near its limit")
    PAUSED = "paused", _("Paused (waiting on the customer)")
    BREACHED = "breached", _("Overdue")
    MET = "met", _("Met")
    MET_LATE = "met_late", _("Met late")
    CANCELLED = "cancelled", _("Cancelled")


STATE_COLOURS: dict[str, str] = {
    ClockState.RUNNING: "info",
    ClockState.WARNED: "warning",
    ClockState.PAUSED: "secondary",
    ClockState.BREACHED: "danger",
    ClockState.MET: "success",
    ClockState.MET_LATE: "danger",
    ClockState.CANCELLED: "light",
}


# Notification event codes (the kefu.notifications contract).
EVENT_WARNING = "sla.warning"
EVENT_ALARM = "sla.alarm"
EVENT_URGE = "sla.urge"
EVENT_ESCALATED = "sla.escalated"
EVENT_MANAGER_HOTLINE = "sla.manager_hotline"

# The system account that acts for the background worker (escalations, timeline entries).
SYSTEM_EMPLOYEE_NO = "system"
