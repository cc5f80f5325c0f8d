"""Notifications: the in-app bell's rows, each user's channel choices, e-mail/SMS deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.notifications import events
from kefu.notifications.choices import STATUS_COLOURS, DeliveryChannel, DeliveryStatus


class Notification(models.Model):
    """One in-app notification for one person; read when ``read_at`` is set.

    ``dedupe_key`` makes a repeated ``notify()`` for the same person and key a no-op: the unique
    constraint, not a prior lookup, decides, so it holds across concurrent workers.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,  # the list index below starts with the recipient
    )
    event = models.CharField(_("event"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            # The list pages on id, newest first, per person.
            models.Index(fields=["recipient", "-id"], name="notif_list"),
            # The bell's count and the unread list: only unread rows, so it stays small.
            models.Index(
                fields=["recipient", "-id"],
                condition=Q(read_at__isnull=True),
                name="notif_unread",
            ),
            # The nightly retention sweep. Partial, so that the planner never mistakes it for a
            # way to find unread rows (PostgreSQL did, for the count: 33 ms instead of 1).
            models.Index(
                fields=["read_at"], condition=Q(read_at__isnull=False), name="notif_read_at"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def event_label(self) -> str:
        try:
            return str(events.get(self.event).label)
        except ValueError:  # registered by an app that is no longer installed
            return self.event


class NotificationPreference(models.Model):
    """A person's channels for one event; without a row the event's defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    event = models.CharField(_("event"), max_length=64)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("e-mail"), default=False)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}"


class Delivery(models.Model):
    """One e-mail or text message for one person, and what became of it.

    Written as *pending* in the transaction that notified, sent by the worker after the commit.
    ``not_configured`` means no SMS gateway is set up: the message was not sent, and says so.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
        verbose_name=_("recipient"),
    )
    # DO_NOTHING, not SET_NULL: SET_NULL makes Django load every notification it deletes to
    # update its deliveries one batch at a time (18 s for 120k rows on SQLite); the retention
    # purge deletes old deliveries first and unlinks the rest itself (services.purge_read).
    notification = models.ForeignKey(
        Notification,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    event = models.CharField(_("event"), max_length=64)
    address = models.CharField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    attempted_at = models.DateTimeField(_("attempted"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="delivery_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_queue")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}: {self.get_status_display()}"

    @property
    def colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")  # type: ignore[call-overload]
