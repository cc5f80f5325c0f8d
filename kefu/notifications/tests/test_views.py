"""The bell, the list with mark read / mark all read, and the preferences page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kefu.notifications import services
from kefu.notifications.choices import DeliveryStatus
from kefu.notifications.models import Delivery, Notification
from kefu.notifications.services import notify

pytestmark = pytest.mark.django_db


def bell_count(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get(reverse("notifications:bell")).content.decode()
    found = re.search(r'data-testid="bell-count">([^<]+)<', html)
    return found.group(1) if found else ""


def test_every_staff_page_carries_the_bell_with_the_count(login, agent):
    notify([agent], "sla.warning", title="预警")
    html = login(agent).get(reverse("home")).content.decode()
    assert 'data-testid="notification-bell"' in html
    assert reverse("notifications:bell") in html  # HTMX refreshes it from there
    assert '<span data-testid="bell-count">1</span>' in html


def test_the_bell_counts_my_unread_notifications_only(login, agent, teammate):
    notify([agent], "sla.warning", title="预警一")
    notify([agent, teammate], "sla.alarm", title="告警二")
    client = login(agent)

    assert bell_count(client) == "2"
    services.mark_all_read(agent)
    assert bell_count(client) == ""  # no badge when nothing is unread


def test_the_bell_caps_at_99(login, agent):
    notify([agent], "sla.warning", title="预警")
    Notification.objects.bulk_create(
        [Notification(recipient=agent, event="sla.warning", title=f"{i}", created_at=n.created_at)
         for i, n in enumerate([Notification.objects.get()] * 100)]
    )  # fmt: skip
    assert bell_count(login(agent)) == "99+"


def test_list_shows_mine_and_marks_one_read_through_htmx(login, agent, teammate):
    notify([agent], "sla.warning", title="我的预警")
    notify([teammate], "sla.warning", title="别人的预警")
    mine = Notification.objects.get(recipient=agent)
    client = login(agent)

    html = client.get(reverse("notifications:list")).content.decode()
    assert "我的预警" in html
    assert "别人的预警" not in html

    response = client.post(
        reverse("notifications:read", args=[mine.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert 'data-read="yes"' in response.content.decode()
    # The list's "unread" tab says the new count too (out of band), not only the bell.
    assert re.search(r'id="unread-tab-count"[^>]*hx-swap-oob="true">0<', response.content.decode())
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert bell_count(client) == ""


def test_unread_filter_and_mark_all_read(login, agent):
    notify([agent], "sla.warning", title="第一条")
    notify([agent], "sla.warning", title="第二条")
    services.mark_read(agent, Notification.objects.filter(title="第一条").get().pk)
    client = login(agent)

    html = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "第二条" in html
    assert "第一条" not in html

    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=agent, read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(login, agent):
    notify([agent], "sla.warning", title="预警", url="/tickets/?queue=mine")
    note = Notification.objects.get()

    response = login(agent).post(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/tickets/?queue=mine"
    note.refresh_from_db()
    assert note.read_at is not None


def test_opening_never_redirects_off_site(login, agent):
    notify([agent], "sla.warning", title="预警", url="https://evil.example.com/")
    note = Notification.objects.get()

    response = login(agent).post(reverse("notifications:open", args=[note.pk]))

    assert response["Location"] == reverse("notifications:list")


@pytest.mark.parametrize("name", ["notifications:read", "notifications:open"])
def test_a_user_cannot_mark_or_open_someone_elses_notification(login, agent, teammate, name):
    notify([teammate], "sla.warning", title="别人的")
    theirs = Notification.objects.get()

    response = login(agent).post(reverse(name, args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_leaves_other_peoples_notifications_alone(login, agent, teammate):
    notify([agent, teammate], "sla.warning", title="预警")
    login(agent).post(reverse("notifications:read_all"))
    assert Notification.objects.get(recipient=teammate).read_at is None


def test_marking_needs_post(login, agent):
    notify([agent], "sla.warning", title="预警")
    note = Notification.objects.get()
    assert login(agent).get(reverse("notifications:read", args=[note.pk])).status_code == 405


def test_anonymous_visitors_are_sent_to_login(client):
    for name in ["notifications:list", "notifications:bell", "notifications:preferences"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_preferences_page_saves_the_ticked_channels(login, agent):
    client = login(agent)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="sla.alarm__email"' in page
    assert 'data-testid="sms-not-configured"' in page

    # Only "time limit breached" by e-mail and SMS is ticked; everything else is now off.
    response = client.post(
        reverse("notifications:preferences"), {"sla.alarm__email": "on", "sla.alarm__sms": "on"}
    )

    assert response.status_code == 302
    chosen = {p.event: (p.in_app, p.email, p.sms) for p in services.preferences(agent)}
    assert chosen["sla.alarm"] == (False, True, True)
    assert chosen["sla.warning"] == (False, False, False)
    assert notify([agent], "sla.warning", title="预警") == 0


def test_preferences_page_lists_my_deliveries_with_their_status(
    login, reachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify([reachable], "sla.urge", title="催单：A20260101")

    html = login(reachable).get(reverse("notifications:preferences")).content.decode()
    table = html[html.index('data-testid="deliveries"') :]
    assert "催单：A20260101" in table
    assert "Not configured" in table or "未配置" in table


def test_an_account_without_a_role_gets_no_bell_and_no_pages(login, outsider):
    client = login(outsider)
    assert 'data-testid="notification-bell"' not in client.get(reverse("home")).content.decode()
    for name in ["notifications:list", "notifications:bell", "notifications:preferences"]:
        assert client.get(reverse(name)).status_code == 403


def test_an_sms_channel_nobody_configured_is_not_shown_to_staff_on_each_notice(
    login, agent, administrator
):
    """ "SMS: not configured" on every notice is the administrators' business, not an agent's."""
    services.set_preferences(agent, {"sla.warning": {"sms": True}})
    services.set_preferences(administrator, {"sla.warning": {"sms": True}})
    notify([agent, administrator], "sla.warning", title="预警")
    # What the worker finds when no SMS gateway is set up.
    Delivery.objects.filter(channel="sms").update(status=DeliveryStatus.NOT_CONFIGURED)
    assert (
        'data-testid="delivery"'
        not in login(agent).get(reverse("notifications:list")).content.decode()
    )
    admin_html = login(administrator).get(reverse("notifications:list")).content.decode()
    assert 'data-testid="delivery"' in admin_html
