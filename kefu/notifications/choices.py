"""Delivery states and the constants of the notifications app."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# Read notifications are deleted after this long; unread ones stay until read.
RETENTION = timedelta(days=90)
# A delivery still pending this long after it was written lost its queue message (a worker
# died between the commit and the enqueue); the sweep sends it.
PENDING_GRACE = timedelta(minutes=2)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NOT_CONFIGURED = "not_configured", _("Not configured")


STATUS_COLOURS = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SENDING: "info",
    DeliveryStatus.SENT: "success",
    DeliveryStatus.FAILED: "danger",
    DeliveryStatus.NOT_CONFIGURED: "warning",
}
