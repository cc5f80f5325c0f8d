"""Read notifications are deleted after 90 days; unread ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.notifications.models import Notification
from kefu.notifications.services import notify, purge_read
from kefu.notifications.tasks import purge_read_notifications

pytestmark = pytest.mark.django_db


def test_read_notifications_older_than_90_days_are_deleted(agent):
    now = timezone.now()
    for _ in range(3):
        notify([agent], "sla.warning", title="预警")
    old_read, recent_read, old_unread = Notification.objects.order_by("pk")
    Notification.objects.filter(pk=old_read.pk).update(read_at=now - timedelta(days=91))
    Notification.objects.filter(pk=recent_read.pk).update(read_at=now - timedelta(days=89))
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=400))

    assert purge_read() == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        recent_read.pk,
        old_unread.pk,
    }


def test_the_nightly_task_purges(agent):
    notify([agent], "sla.warning", title="预警")
    Notification.objects.update(read_at=timezone.now() - timedelta(days=100))

    purge_read_notifications()  # Huey runs tasks immediately in the test settings

    assert not Notification.objects.exists()


def test_purge_drops_old_deliveries_and_unlinks_newer_ones(reachable):
    from kefu.notifications.models import Delivery

    now = timezone.now()
    notify([reachable], "sla.alarm", title="告警一")
    notify([reachable], "sla.alarm", title="告警二")
    first = Notification.objects.order_by("pk").first()
    Notification.objects.update(read_at=now - timedelta(days=91))
    Delivery.objects.filter(notification=first).update(created_at=now - timedelta(days=92))

    assert purge_read() == 2

    assert not Notification.objects.exists()
    kept = Delivery.objects.get()  # the e-mail of the second stays on the record, unlinked
    assert kept.subject == "告警二"
    assert kept.notification is None
