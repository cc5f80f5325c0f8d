"""notify(): in-app rows per preference, exactly-once keys, e-mail and SMS only after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from kefu.notifications import services
from kefu.notifications.choices import DeliveryChannel, DeliveryStatus
from kefu.notifications.models import Delivery, Notification
from kefu.notifications.services import notify
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def test_it_writes_one_in_app_row_per_distinct_active_recipient(agent, teammate, senior_agent):
    senior_agent.is_active = False
    senior_agent.save(update_fields=["is_active"])

    written = notify(
        [agent, teammate, agent, senior_agent], "sla.warning", title="预警：工单即将超时"
    )

    assert written == 2
    assert set(Notification.objects.values_list("recipient__employee_no", flat=True)) == {
        "1001",
        "1002",
    }


def test_unknown_event_code_is_refused(agent):
    with pytest.raises(ValueError, match="unknown notification event"):
        notify([agent], "sla.typo", title="x")


def test_in_app_preference_off_writes_no_row(agent):
    services.set_preferences(agent, {"sla.warning": {"in_app": False}})

    assert notify([agent], "sla.warning", title="预警") == 0
    assert not Notification.objects.exists()


def test_email_is_sent_only_after_commit(reachable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([reachable], "sla.alarm", title="告警：工单已超时", body="请尽快处理", url="/t/1/")
        assert mail.outbox == []  # inside the transaction nothing has gone out

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wangli@example.cn"]
    assert message.subject == "告警：工单已超时"
    assert "请尽快处理" in message.body
    assert "/t/1/" in message.body
    delivery = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    # the e-mail belongs to the in-app notification written with it
    assert delivery.notification == Notification.objects.get(recipient=reachable)


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_sends_no_email_and_leaves_no_rows(reachable):
    class Boom(Exception):
        pass

    @transaction.atomic
    def change_that_fails() -> None:
        notify([reachable], "sla.alarm", title="告警")
        raise Boom

    with pytest.raises(Boom):
        change_that_fails()

    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_committed_change_sends_email_once(reachable):
    with transaction.atomic():
        notify([reachable], "sla.alarm", title="告警")
        assert mail.outbox == []

    assert [m.to for m in mail.outbox] == [["wangli@example.cn"]]


def test_email_preference_respected(reachable, django_capture_on_commit_callbacks):
    services.set_preferences(reachable, {"sla.alarm": {"email": False}})
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([reachable], "sla.alarm", title="告警") == 1

    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_email_chosen_for_an_event_that_defaults_to_in_app_only(
    reachable, django_capture_on_commit_callbacks
):
    services.set_preferences(reachable, {"sla.warning": {"in_app": False, "email": True}})
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([reachable], "sla.warning", title="预警") == 0

    assert len(mail.outbox) == 1
    assert Delivery.objects.get().notification is None


def test_no_email_for_a_user_without_an_address(agent, django_capture_on_commit_callbacks):
    assert agent.email == ""
    with django_capture_on_commit_callbacks(execute=True):
        notify([agent], "sla.alarm", title="告警")

    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_sms_goes_through_the_configured_backend(
    reachable, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单：A20260101", body="请立即处理")

    assert sms_outbox == [("+8613800000001", "催单：A20260101: 请立即处理")]
    delivery = Delivery.objects.get(channel=DeliveryChannel.SMS)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.detail == "memory-1"


def test_sms_preference_off_sends_no_text(
    reachable, sms_outbox, django_capture_on_commit_callbacks
):
    services.set_preferences(reachable, {"sla.urge": {"sms": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单")

    assert sms_outbox == []
    assert list(Delivery.objects.values_list("channel", flat=True)) == [DeliveryChannel.EMAIL]


def test_dedupe_key_notifies_each_recipient_exactly_once(
    reachable, teammate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify([reachable], "sla.alarm", title="告警", dedupe_key="clock:7:alarm")
        again = notify([reachable], "sla.alarm", title="告警", dedupe_key="clock:7:alarm")
        other = notify([reachable, teammate], "sla.alarm", title="告警", dedupe_key="clock:7:alarm")

    assert (first, again, other) == (1, 0, 1)
    assert Notification.objects.filter(recipient=reachable).count() == 1
    assert Notification.objects.filter(recipient=teammate).count() == 1
    assert len(mail.outbox) == 1


def test_dedupe_holds_for_email_when_in_app_is_off(reachable, django_capture_on_commit_callbacks):
    services.set_preferences(reachable, {"sla.alarm": {"in_app": False}})
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.alarm", title="告警", dedupe_key="k")
        notify([reachable], "sla.alarm", title="告警", dedupe_key="k")

    assert len(mail.outbox) == 1


def test_a_duplicate_key_leaves_the_callers_transaction_usable(agent):
    with transaction.atomic():
        notify([agent], "sla.warning", title="预警", dedupe_key="k")
        notify([agent], "sla.warning", title="预警", dedupe_key="k")
        # PostgreSQL would refuse this if the failed insert had aborted the transaction.
        assert User.objects.filter(pk=agent.pk).exists()


def test_inactive_and_empty_recipients_notify_nobody():
    assert notify([], "sla.warning", title="预警") == 0
