"""Callbacks, satisfaction and the complaint records that hang off work orders (SPEC §6, §7)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.callbacks.choices import (
    CallbackStatus,
    Outcome,
    ReportKind,
    Score,
    SecondaryReason,
    SuggestionStatus,
)
from kefu.tickets.choices import LEVEL_QUESTIONS, Level

USER = settings.AUTH_USER_MODEL


class CallbackSettings(models.Model):
    """The numbers of R-CB-1, R-CB-2 and R-CB-6, seeded by a data migration; one row."""

    due_hours = models.PositiveIntegerField(
        _("callback due within (hours)"),
        default=72,
        help_text=_("Used when the order has no SLA clock for the callback (R-CB-1)."),
    )
    max_failed_attempts = models.PositiveSmallIntegerField(
        _("failed attempts before closing as unreachable"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(5)],
        help_text=_("3–5 (R-CB-2)."),
    )
    target_callback_rate = models.PositiveSmallIntegerField(
        _("target callback rate (%)"), default=100
    )
    monthly_report_day = models.PositiveSmallIntegerField(
        _("monthly analysis produced on day"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Before the 21st (R-CB-6)."),
    )

    class Meta:
        verbose_name = _("callback settings")
        verbose_name_plural = _("callback settings")

    def __str__(self) -> str:
        return str(_("Callback settings"))

    @classmethod
    def current(cls) -> CallbackSettings:
        row = cls.objects.order_by("pk").first()
        return row if row is not None else cls.objects.create()


class Callback(models.Model):
    """One round of callback on a completed order (R-CB-1): opened when the order reaches the
    callback state, ended satisfied, by a second dispatch or as unreachable."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="callbacks")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    completed_at = models.DateTimeField(_("order completed at"))
    due_at = models.DateTimeField(_("callback due"))
    due_from_sla = models.BooleanField(_("due time from the SLA clock"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=CallbackStatus.choices, default=CallbackStatus.OPEN
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department that handled it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("satisfaction"), choices=Score.choices, null=True)
    comment = models.TextField(_("comment"), blank=True)
    profile_consent = models.BooleanField(
        _("customer agreed to give profile details"), default=False
    )
    profile = models.JSONField(_("profile details"), default=dict, blank=True)
    unreachable_reason = models.TextField(_("why unreachable"), blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="callbacks_queue"),
            models.Index(fields=["completed_at"], name="callbacks_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.round} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status == CallbackStatus.OPEN


class Attempt(models.Model):
    """One call to the customer during a callback (R-CB-2)."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    surveyor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.callback_id} {self.outcome}"


class SecondDispatch(models.Model):
    """R-CB-4: dissatisfied or the problem is back — the cause, what the surveyor did, and the
    second dispatch (a reviewed draft) it led to, linked to the original dispatch."""

    callback = models.OneToOneField(
        Callback, on_delete=models.CASCADE, related_name="second_dispatch"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="second_dispatches"
    )
    original_dispatch = models.ForeignKey(
        "tickets.Dispatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draft = models.ForeignKey(
        "tickets.DispatchDraft", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem_back = models.BooleanField(_("the problem is back"), default=False)
    cause = models.TextField(_("cause"))
    remedy = models.TextField(_("apology, explanation and remedy"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("second dispatch")
        verbose_name_plural = _("second dispatches")

    def __str__(self) -> str:
        return f"{self.ticket_id} second dispatch"


class DepartmentWarning(models.Model):
    """R-CB-4: a written warning to the responsible department, counted in its assessment."""

    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="callback_warnings"
    )
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    second_dispatch = models.ForeignKey(
        SecondDispatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="warnings"
    )
    text = models.TextField(_("warning"))
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("department warning")
        verbose_name_plural = _("department warnings")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["department", "issued_at"], name="callbacks_warning_dept")]

    def __str__(self) -> str:
        return f"{self.department_id} {self.issued_at:%Y-%m-%d}"


class PostCallRating(models.Model):
    """R-CB-5: the rating a caller keys in after a phone contact (转满意度), from telephony."""

    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_id = models.CharField(_("call id"), max_length=64, blank=True)
    agent = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("rating"), choices=Score.choices)
    rated_at = models.DateTimeField(_("rated at"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("post-call rating")
        verbose_name_plural = _("post-call ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["call_id"],
                condition=~models.Q(call_id=""),
                name="callbacks_rating_call_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id or self.ticket_id} {self.score}"


class ComplaintRecord(models.Model):
    """The complaint registration form (投诉登记表) of a complaint order (R-CLS-3, R-CLS-4):
    who complained, when, what about, and the department and person complained about."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="complaint_record"
    )
    complainant = models.CharField(_("complainant"), max_length=100)
    complained_at = models.DateTimeField(_("complained at"))
    content = models.TextField(_("content"))
    business_line = models.ForeignKey(
        "tickets.BusinessLine", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nature = models.ForeignKey(
        "tickets.Nature", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department complained about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("person complained about"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=3, choices=Level.choices, blank=True)
    emotion_strong = models.BooleanField(_("strongly negative emotion"), null=True)
    dispute = models.BooleanField(_("business dispute"), null=True)
    on_site = models.BooleanField(_("on-site handling needed"), null=True)
    substantiated = models.BooleanField(_("substantiated"), null=True)
    resolution = models.TextField(_("resolution record"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint record")
        verbose_name_plural = _("complaint records")
        indexes = [models.Index(fields=["complained_at"], name="callbacks_complaint_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.complainant}"

    def level_answers(self) -> list[tuple[str, bool | None]]:
        """R-CLS-4: the questions behind the level, with their answers (None: not known)."""
        fields = [cast("models.Field[Any, Any]", self._meta.get_field(n)) for n in LEVEL_QUESTIONS]
        return [(str(field.verbose_name), getattr(self, field.name)) for field in fields]


class SecondaryComplaint(models.Model):
    """A type D order (二次投诉) linked to the order it complains about again."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="secondary_of"
    )
    original = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="secondary_complaints"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=SecondaryReason.choices)
    repeated = models.BooleanField(_("repeated complaint"), default=False)
    refuses_answer = models.BooleanField(_("does not accept a correct answer"), default=False)
    to_manager_hotline = models.BooleanField(_("handed to the manager hotline"), default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("secondary complaint")
        verbose_name_plural = _("secondary complaints")

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.original_id}"


class Suggestion(models.Model):
    """R-SUG-1: a suggestion order, its classification by the knowledge editor and whether it
    went to departments and management in a summary."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="suggestion"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.REGISTERED,
    )
    subject = models.ForeignKey(
        "tickets.SuggestionSubject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    classified_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    note = models.TextField(_("editor's note"), blank=True)
    report = models.ForeignKey(
        "callbacks.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [models.Index(fields=["status"], name="callbacks_suggestion_status")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status}"


class Report(models.Model):
    """A produced report (R-CB-6, R-REP-3): figures from the records, frozen once written; a
    correction is a new row with a higher version."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text=_("Exclusive."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    produced_at = models.DateTimeField(_("produced at"))
    produced_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "version"], name="callbacks_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}"
