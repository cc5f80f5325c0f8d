"""Sending the pending e-mail and SMS deliveries (run by the worker, after the commit).

Each delivery is claimed with one conditional UPDATE (pending → sending), so when the queued
task and the stale-pending sweep both reach it, exactly one of them sends it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from kefu.notifications import sms
from kefu.notifications.choices import PENDING_GRACE, DeliveryChannel, DeliveryStatus
from kefu.notifications.models import Delivery

logger = logging.getLogger(__name__)


def deliver(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        deliver_one(delivery_id)


def deliver_one(delivery_id: int) -> str | None:
    """Send one pending delivery; returns its final status, or None if another worker has it."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, attempted_at=timezone.now()
    )
    if not claimed:
        return None
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        if delivery.channel == DeliveryChannel.EMAIL:
            _send_email(delivery)
            delivery.detail = ""
        else:
            delivery.detail = sms.get_backend().send(delivery.address, delivery.body)
        delivery.status = DeliveryStatus.SENT
    except sms.SmsNotConfigured as exc:
        delivery.status, delivery.detail = DeliveryStatus.NOT_CONFIGURED, str(exc)
    except Exception as exc:  # a gateway or SMTP failure of any kind is recorded, not retried
        logger.exception("Delivery %s (%s) failed", delivery.pk, delivery.channel)
        delivery.status, delivery.detail = DeliveryStatus.FAILED, f"{type(exc).__name__}: {exc}"
    delivery.save(update_fields=["status", "detail"])
    return delivery.status


def _send_email(delivery: Delivery) -> None:
    subject = " ".join(delivery.subject.split())  # no line breaks in a header
    EmailMessage(subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.address]).send()


def send_stale_pending(now: datetime | None = None) -> int:
    """Send deliveries whose queue message was lost (pending longer than ``PENDING_GRACE``)."""
    cutoff = (now or timezone.now()) - PENDING_GRACE
    ids = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    deliver(ids)
    return len(ids)
