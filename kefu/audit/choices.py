"""Audit actions and export-request states, with labels (R-SEC-2, R-SEC-3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The actions Kefu writes. ``record()`` accepts other strings too (another app may add its
    own, e.g. ``"kb.publish"``); the viewer shows those as they are."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    REVEAL = "customer.reveal", _("Revealed personal data")
    CUSTOMER_MERGE = "customer.merge", _("Customers merged")
    CUSTOMER_IMPORT = "customer.import", _("Customers imported")
    EXPORT_REQUESTED = "export_requested", _("Export requested")
    EXPORT_APPROVED = "export_approved", _("Export approved")
    EXPORT_REJECTED = "export_rejected", _("Export rejected")
    EXPORT = "export", _("Export generated")
    EXPORT_DOWNLOADED = "export_downloaded", _("Export downloaded")
    EXPORT_REFUSED = "export_refused", _("Export refused")
    BACKUP = "backup", _("Backup made")
    RESTORE = "restore", _("Backup restored")


def action_label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action


class ExportStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    USED = "used", _("Used")


EXPORT_STATUS_COLOURS = {
    ExportStatus.REQUESTED: "warning",
    ExportStatus.APPROVED: "success",
    ExportStatus.REJECTED: "danger",
    ExportStatus.EXPIRED: "secondary",
    ExportStatus.USED: "primary",
}


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"
