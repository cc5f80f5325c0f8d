"""The append-only audit trail (R-SEC-3) and approved customer-data exports (R-SEC-2)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.audit.choices import (
    EXPORT_STATUS_COLOURS,
    ExportFormat,
    ExportStatus,
    action_label,
)
from kefu.customers.choices import CustomerTier, CustomerType


class AppendOnlyError(PermissionDenied):
    """Raised by any attempt of the application to change or delete an audit record."""

    def __init__(self) -> None:
        super().__init__(_("Audit records cannot be changed or deleted."))


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    """Bulk ``update()``/``delete()`` are refused like the single-row ones."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class AuditRecord(models.Model):
    """One audited event: who did what to which object, when, from where, with the values
    before and after (R-SEC-3).

    Append-only twice over: ``save()`` refuses to update and ``delete()`` refuses to delete,
    and database triggers (migration 0002) refuse UPDATE and DELETE for any client. The actor's
    employee number and name are copied so the record still reads right after a rename; the
    actor and content type are plain columns without a database constraint, so deleting a user
    or a content type never has to touch this table.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the index "audit_actor" (actor, -id) leads with it
        related_name="+",
    )
    actor_employee_no = models.CharField(_("employee number"), max_length=20, blank=True)
    actor_name = models.CharField(_("actor name"), max_length=50, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # The index "audit_object" (content type, object id, -id) leads with it; a second index
        # on the content type alone misleads SQLite's planner into scanning one type's rows.
        db_index=False,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), null=True, blank=True, encoder=DjangoJSONEncoder)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="audit_object"),
            models.Index(fields=["actor", "-id"], name="audit_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_employee_no} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class ExportRequest(models.Model):
    """A request to extract customer data in bulk (R-SEC-2): purpose and scope (a filter over
    customers), a manager's decision, and — once used — who generated how many rows when.

    The file lives in private storage (``kefu.audit.exports.export_dir``), is served only to the
    requester, and only until ``expires_at``.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="export_requests",
    )
    purpose = models.TextField(_("purpose"))
    # Scope: an empty value means "any".
    # Choices come from the customers app and are checked by the form, not declared here, so
    # that a new tier there needs no migration here.
    tier = models.CharField(_("tier"), max_length=20, blank=True)
    customer_type = models.CharField(_("customer type"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True)
    registered_from = models.DateField(_("registered from"), null=True, blank=True)
    registered_to = models.DateField(_("registered until"), null=True, blank=True)
    file_format = models.CharField(
        _("file format"), max_length=10, choices=ExportFormat.choices, default=ExportFormat.XLSX
    )

    status = models.CharField(
        _("status"), max_length=20, choices=ExportStatus.choices, default=ExportStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "requested_at"], name="audit_export_queue")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.requester} {self.get_status_display()}"

    @property
    def status_colour(self) -> str:
        return EXPORT_STATUS_COLOURS.get(ExportStatus(self.status), "secondary")

    def scope(self) -> dict[str, Any]:
        """The filter as plain values, the way the audit record and the manifest show it."""
        return {
            "tier": self.tier,
            "customer_type": self.customer_type,
            "region": self.region,
            "registered_from": self.registered_from.isoformat() if self.registered_from else "",
            "registered_to": self.registered_to.isoformat() if self.registered_to else "",
        }

    def scope_text(self) -> str:
        # Labels are translated outside f-strings: xgettext does not read calls inside them.
        parts: list[tuple[Any, str]] = []
        if self.tier:
            parts.append((_("tier"), _label(CustomerTier, self.tier)))
        if self.customer_type:
            parts.append((_("customer type"), _label(CustomerType, self.customer_type)))
        if self.region:
            parts.append((_("region"), self.region))
        if self.registered_from or self.registered_to:
            start = self.registered_from.isoformat() if self.registered_from else "…"
            end = self.registered_to.isoformat() if self.registered_to else "…"
            label = pgettext_lazy("customers registered between", "registered")
            parts.append((label, f"{start} – {end}"))
        if not parts:
            return str(_("all customers"))
        return "; ".join(f"{label}: {value}" for label, value in parts)


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value
