"""Demo data: the demo's order history notifies people as it is built (through the actions);
afterwards, what has since moved on is marked read, so each bell shows what is still live."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from kefu.notifications.models import Notification
from kefu.tickets.choices import Status


def settle_demo_notifications() -> int:
    """Mark read the notifications about orders that have moved on; returns how many."""
    live_dispatch = Q(ticket__status__in=[Status.DISPATCHED, Status.IN_PROGRESS]) & Q(
        ticket__handler=F("recipient")
    )
    moved_on = (
        Q(ticket__status=Status.CLOSED)
        | Q(event="tickets.review_needed", ticket__has_pending_draft=False)
        | (Q(event__in=["tickets.dispatched", "tickets.follow_up"]) & ~live_dispatch)
    )
    stale = Notification.objects.filter(moved_on, read_at__isnull=True, ticket__isnull=False)
    return Notification.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).update(
        read_at=timezone.now()
    )
