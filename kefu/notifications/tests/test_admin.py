"""Administrators see the delivery records and can send failed / not-configured ones again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kefu.notifications.choices import DeliveryStatus
from kefu.notifications.models import Delivery
from kefu.notifications.services import notify

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:notifications_delivery_changelist"


def test_administrator_sees_deliveries_with_their_status(
    login, administrator, reachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单：A20260101")

    response = login(administrator).get(reverse(CHANGELIST), {"status": "not_configured"})

    assert response.status_code == 200
    assert "+8613800000001" in response.content.decode()


def test_an_agent_cannot_open_the_delivery_records(login, agent):
    assert login(agent).get(reverse(CHANGELIST), follow=True).status_code == 403


def test_send_again_after_configuring_the_gateway(
    login, administrator, reachable, sms_outbox, settings, django_capture_on_commit_callbacks
):
    settings.KEFU_SMS_BACKEND = "kefu.notifications.sms.NotConfiguredBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单")
    sms_row = Delivery.objects.get(channel="sms")
    email_row = Delivery.objects.get(channel="email")
    assert sms_row.status == DeliveryStatus.NOT_CONFIGURED

    settings.KEFU_SMS_BACKEND = "kefu.notifications.sms.MemoryBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = login(administrator).post(
            reverse(CHANGELIST),
            {"action": "send_again", "_selected_action": [sms_row.pk, email_row.pk]},
        )

    assert response.status_code == 302
    sms_row.refresh_from_db()
    assert sms_row.status == DeliveryStatus.SENT
    assert sms_outbox == [("+8613800000001", "催单")]
    email_row.refresh_from_db()
    assert email_row.status == DeliveryStatus.SENT  # sent before, not sent twice
