"""The demo leaves unread only the notifications about orders that are still live."""

from __future__ import annotations

import pytest

from kefu.notifications.demo import settle_demo_notifications
from kefu.notifications.models import Notification
from kefu.org.models import User
from kefu.tickets import actions

pytestmark = pytest.mark.django_db


def test_settling_marks_read_what_moved_on_and_keeps_what_is_live(order, senior_agent, handler):
    other_senior = User.objects.get(employee_no="1021")
    live = actions.dispatch_now(senior_agent, order(), expected_version=1)
    gone = actions.dispatch_now(senior_agent, order(title="第二单"), expected_version=1)
    actions.submit_withdrawal(senior_agent, gone, "客户已自行解决", expected_version=gone.version)
    gone.refresh_from_db()
    draft = gone.drafts.get(status="pending")
    actions.approve_draft(other_senior, draft, expected_version=gone.version)
    assert Notification.objects.filter(recipient=handler, read_at__isnull=True).count() == 3

    assert settle_demo_notifications() == 2

    unread = Notification.objects.filter(recipient=handler, read_at__isnull=True)
    assert list(unread.values_list("ticket", flat=True)) == [live.pk]
