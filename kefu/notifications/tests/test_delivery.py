"""E-mail and SMS deliveries: the SMS plug-in, failures recorded, each delivery sent once."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from kefu.notifications import sms
from kefu.notifications.choices import DeliveryChannel, DeliveryStatus
from kefu.notifications.delivery import deliver_one, send_stale_pending
from kefu.notifications.models import Delivery
from kefu.notifications.services import notify

pytestmark = pytest.mark.django_db


class FailingGateway(sms.SmsBackend):
    def send(self, phone: str, text: str) -> str:
        raise sms.SmsError("gateway answered 503")


class NotABackend:
    pass


class BrokenSmtp(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_default_sms_backend_never_marks_a_message_sent(
    reachable, django_capture_on_commit_callbacks, caplog
):
    assert not sms.is_configured()
    with caplog.at_level(logging.WARNING, logger="kefu.notifications.sms"), \
            django_capture_on_commit_callbacks(execute=True):  # fmt: skip
        notify([reachable], "sla.urge", title="催单：A20260101")

    delivery = Delivery.objects.get(channel=DeliveryChannel.SMS)
    assert delivery.status == DeliveryStatus.NOT_CONFIGURED
    assert "KEFU_SMS_BACKEND" in delivery.detail  # says what to set, in the user's language
    assert delivery.attempted_at is not None
    assert "SMS not configured" in caplog.text
    assert "+8613800000001" in caplog.text
    assert not Delivery.objects.filter(status=DeliveryStatus.SENT, channel="sms").exists()


def test_default_sms_backend_raises_not_configured():
    with pytest.raises(sms.SmsNotConfigured):
        sms.NotConfiguredBackend().send("+8613800000001", "x")


def test_a_gateway_failure_is_recorded_as_failed(
    reachable, settings, django_capture_on_commit_callbacks
):
    settings.KEFU_SMS_BACKEND = f"{__name__}.FailingGateway"
    assert sms.is_configured()
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单")

    delivery = Delivery.objects.get(channel=DeliveryChannel.SMS)
    assert delivery.status == DeliveryStatus.FAILED
    assert "503" in delivery.detail


def test_a_backend_that_is_not_an_sms_backend_is_refused(settings):
    settings.KEFU_SMS_BACKEND = f"{__name__}.NotABackend"
    with pytest.raises(TypeError, match="not a subclass of SmsBackend"):
        sms.get_backend()


def test_an_smtp_failure_is_recorded_as_failed(
    reachable, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSmtp"
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.alarm", title="告警")

    delivery = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert delivery.status == DeliveryStatus.FAILED
    assert "SMTPServerDisconnected" in delivery.detail


def test_a_delivery_is_sent_once_even_if_two_workers_reach_it(reachable):
    notify([reachable], "sla.alarm", title="告警")  # on_commit never runs: still pending
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING

    assert deliver_one(delivery.pk) == DeliveryStatus.SENT
    assert deliver_one(delivery.pk) is None
    assert len(mail.outbox) == 1


def test_the_sweep_sends_deliveries_whose_queue_message_was_lost(reachable):
    notify([reachable], "sla.alarm", title="告警")
    assert send_stale_pending() == 0  # within the grace period the queued task has it

    later = timezone.now() + timedelta(minutes=3)
    assert send_stale_pending(now=later) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_email_link_uses_the_configured_base_url(
    reachable, settings, django_capture_on_commit_callbacks
):
    settings.KEFU_BASE_URL = "https://kefu.example.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.alarm", title="告警", url="/tickets/A1/")

    assert "https://kefu.example.cn/tickets/A1/" in mail.outbox[0].body


def test_a_queue_outage_after_commit_does_not_fail_the_change(
    reachable, monkeypatch, django_capture_on_commit_callbacks
):
    """The change is committed when the queue is reached; the sweep sends the delivery later."""
    from huey.contrib.djhuey import HUEY

    def queue_down(task):  # type: ignore[no-untyped-def]
        raise ConnectionError("redis is down")

    monkeypatch.setattr(HUEY, "enqueue", queue_down)  # the queue, not Kefu's code, fails
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.alarm", title="告警")

    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert send_stale_pending(now=timezone.now() + timedelta(minutes=3)) == 1
    assert len(mail.outbox) == 1
