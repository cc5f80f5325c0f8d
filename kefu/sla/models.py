"""SLA policies, calendars and the clocks that run on work orders (SPEC §5)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.customers.choices import CustomerTier
from kefu.sla.choices import (
    STATE_COLOURS,
    CalendarKind,
    ClockState,
    OnBreach,
    TargetKind,
    Unit,
)
from kefu.tickets.choices import Level


class Calendar(models.Model):
    """A calendar a time limit counts on (R-SLA-3): 7×24, or the Chinese official working days
    (holidays off, 调休 weekends on), optionally only within business hours."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarKind.choices)
    opens = models.TimeField(
        _("business hours from"),
        null=True,
        blank=True,
        help_text=_("Leave both times empty to count the whole day."),
    )
    closes = models.TimeField(_("business hours until"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.opens is None) != (self.closes is None):
            raise ValidationError({"closes": _("Give both business-hour times, or neither.")})
        if self.opens is not None and self.closes is not None and self.opens >= self.closes:
            raise ValidationError({"closes": _("Business hours must end after they start.")})


class CalendarOverride(models.Model):
    """An administrator's correction of the official calendar for one date: a holiday or a
    调休 working day, for years the package does not know yet or for local arrangements. It
    applies to every working-day calendar."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"), help_text=_("Ticked: a working day (调休). Unticked: a day off.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"


class PolicyQuerySet(models.QuerySet["Policy"]):
    def active(self) -> PolicyQuerySet:
        return self.filter(is_active=True)


class Policy(models.Model):
    """A set of time limits for the orders it matches. An empty match field matches anything.

    For each kind of target an order gets the target of the *first* matching policy (by order)
    that has one, so specific policies go first and a catch-all policy last. A change applies
    to clocks started afterwards; running clocks keep the copy recorded when they started.
    """

    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    call_type = models.ForeignKey(
        "tickets.CallType",
        verbose_name=_("call type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField(_("complaint level"), max_length=3, choices=Level.choices, blank=True)
    customer_tier = models.CharField(
        _("customer tier"), max_length=20, choices=CustomerTier.choices, blank=True
    )
    urgent = models.BooleanField(
        _("urgent"), null=True, blank=True, help_text=_("Empty: urgent or not.")
    )
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """One time limit of a policy: what, how long, on which calendar, and what a breach does."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    kind = models.CharField(_("target"), max_length=30, choices=TargetKind.choices)
    duration = models.PositiveIntegerField(
        _("duration"), default=1, help_text=_("Ignored for “same day”.")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    pause_on_pending_customer = models.BooleanField(
        _("pause while waiting on the customer"), default=True, help_text="R-ESC-4"
    )
    warn_percent = models.PositiveSmallIntegerField(
        _("warn at % of the allowed time"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    on_breach = models.CharField(
        _("on breach"), max_length=20, choices=OnBreach.choices, default=OnBreach.ALARM
    )

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["policy", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "kind"], name="sla_target_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()}"

    def describe(self) -> str:
        if self.unit == Unit.SAME_DAY:
            return str(Unit.SAME_DAY.label)
        return f"{self.duration} {self.get_unit_display()}"

    def clean(self) -> None:
        if self.unit != Unit.SAME_DAY and not self.duration:
            raise ValidationError({"duration": _("A time limit needs a duration.")})

    def snapshot(self) -> dict[str, object]:
        """What a clock records when it starts, so later policy edits do not move it."""
        return {
            "policy": self.policy.name,
            "kind": self.kind,
            "duration": self.duration,
            "unit": self.unit,
            "calendar": self.calendar.code,
            "calendar_kind": self.calendar.kind,
            "opens": self.calendar.opens.isoformat() if self.calendar.opens else None,
            "closes": self.calendar.closes.isoformat() if self.calendar.closes else None,
            "pause_on_pending_customer": self.pause_on_pending_customer,
            "warn_percent": self.warn_percent,
            "on_breach": self.on_breach,
        }


OPEN_CLOCK = Q(met_at__isnull=True, cancelled_at__isnull=True)


class Clock(models.Model):
    """One time limit running on one order: started, due, paused, met or breached.

    The sweep (``kefu.sla.sweep``) records each threshold it crosses as a ``Crossing``, once per
    clock whatever the number of workers; delivering it stamps ``warned_at``, ``alarmed_at`` and
    ``escalated_at``. The policy as it was when the clock started is kept in ``policy_snapshot``.
    """

    # Few indexes, since every one is written again at each stamp: the order's clocks are found
    # through (ticket, kind) below, and the policy is never looked up from here (deleting a
    # policy, which administrators rarely do, scans the clocks once).
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_clocks", db_index=False
    )
    kind = models.CharField(_("target"), max_length=30, choices=TargetKind.choices)
    policy = models.ForeignKey(
        Policy,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    policy_snapshot = models.JSONField(_("policy when started"), default=dict)
    on_breach = models.CharField(max_length=20, choices=OnBreach.choices, default=OnBreach.ALARM)
    pausable = models.BooleanField(default=True)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (s)"), default=0)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warning raised at"), null=True, blank=True)
    alarmed_at = models.DateTimeField(_("alarm raised at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "kind"], name="sla_clock_ticket_kind"),
            # The sweep's two look-ups, each a range over the clocks still waiting for it.
            # due_at too: the warning's "not due yet" is then read in the index, and the
            # planner does not take the alarm index (which also holds every clock not due yet).
            models.Index(
                fields=["warn_at", "due_at"],
                name="sla_clock_to_warn",
                condition=Q(
                    warned_at__isnull=True,
                    alarmed_at__isnull=True,
                    met_at__isnull=True,
                    cancelled_at__isnull=True,
                    paused_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["due_at"],
                name="sla_clock_to_alarm",
                condition=Q(
                    alarmed_at__isnull=True,
                    met_at__isnull=True,
                    cancelled_at__isnull=True,
                    paused_at__isnull=True,
                ),
            ),
            # The SLA report: clocks started in a period.
            models.Index(fields=["started_at", "kind"], name="sla_clock_started"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} → {self.due_at:%Y-%m-%d %H:%M}"

    def state_at(self, now: datetime) -> str:
        if self.cancelled_at is not None:
            return ClockState.CANCELLED
        if self.met_at is not None:
            return ClockState.MET if self.met_at <= self.due_at else ClockState.MET_LATE
        if self.paused_at is not None:
            return ClockState.PAUSED
        if now >= self.due_at:
            return ClockState.BREACHED
        if now >= self.warn_at:
            return ClockState.WARNED
        return ClockState.RUNNING

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    @property
    def state_label(self) -> str:
        return str(ClockState(self.state).label)

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def is_open(self) -> bool:
        return self.met_at is None and self.cancelled_at is None

    @property
    def remaining(self) -> timedelta:
        return self.due_at - timezone.now()


class Crossing(models.Model):
    """A clock crossing a threshold — its warning or its alarm (with the escalation its policy
    asks for) — waiting for its effects: a transactional outbox.

    The sweep inserts these set-based, one ``INSERT … SELECT`` per few thousand clocks: no
    Python loop over orders and no update of the clocks themselves, so a sweep over a million
    open orders stays a few index range scans and narrow inserts however many clocks cross. The
    unique (clock, step) says each step happens once per clock, whichever worker finds it first.
    The worker then delivers each crossing — the timeline entry, the notifications, the
    escalation, the clock's stamp — in the transaction that deletes it, so a crash leaves it
    either done or waiting for the next delivery, never done twice. The table holds only what
    is still to deliver, and the crossings whose effects failed (``delivered_at`` and ``error``
    set), kept for the administrator.
    """

    class Phase(models.TextChoices):
        WARNING = "warning", _("warning")
        ALARM = "alarm", _("alarm")

    # No foreign-key constraint in the database: its check would look up and lock the clock
    # row of every crossing at the sweep's commit, as much again as the sweep itself. Django
    # still deletes a clock's crossings with it; only the sweep and the delivery write here.
    clock = models.ForeignKey(
        Clock,
        on_delete=models.CASCADE,
        related_name="crossings",
        db_index=False,
        db_constraint=False,
    )
    phase = models.CharField(_("step"), max_length=12, choices=Phase.choices)
    at = models.DateTimeField(_("crossed at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    error = models.TextField(_("delivery error"), blank=True)

    class Meta:
        verbose_name = _("SLA crossing")
        verbose_name_plural = _("SLA crossings")
        constraints = [
            models.UniqueConstraint(fields=["clock", "phase"], name="sla_crossing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.phase} {self.at:%Y-%m-%d %H:%M}"
