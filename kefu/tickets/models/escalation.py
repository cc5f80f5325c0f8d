"""The escalation record (R-ESC-1..3): who escalated an order to whom, why, the receiving
side's planned resolution time and the task of telling the customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.tickets.choices import EscalationKind, EscalationReason

USER = settings.AUTH_USER_MODEL


class Escalation(models.Model):
    """One escalation of an order: a step up the path (R-ESC-1, R-ESC-2) or a hand-over to the
    manager hotline (R-ESC-3). The receiving side states a planned resolution time; telling
    the customer is a task on this record, done when ``customer_informed_at`` is set."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="escalations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EscalationKind.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=EscalationReason.choices)
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    from_user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(
        USER,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    sla_kind = models.CharField(_("time limit passed"), max_length=30, blank=True)
    planned_resolution_at = models.DateTimeField(_("planned resolution"), null=True, blank=True)
    planned_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer_informed_at = models.DateTimeField(_("customer told at"), null=True, blank=True)
    customer_informed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["ticket", "-at"],
                name="tickets_escalation_ticket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def customer_task_open(self) -> bool:
        return self.customer_informed_at is None
