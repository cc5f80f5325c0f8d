"""The notifications API under ``/api/v1/notifications``: the caller's own notifications and
channel choices, for any staff member (``core.use_workspace``). Nobody reaches anyone else's:
another person's id answers 404."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kefu.notifications import events, services
from kefu.notifications.models import Delivery, Notification
from kefu.org.models import User

router = Router(tags=["notifications"])


def _me(request: HttpRequest) -> User:
    """The caller (anonymous requests got 401 from the API's auth); an account without a role
    is refused, as everywhere in the staff workspace."""
    if not request.user.has_perm("core.use_workspace"):
        raise PermissionDenied
    return cast(User, request.user)


class DeliveryOut(Schema):
    channel: str
    status: str = Field(description="pending, sending, sent, failed or not_configured")
    detail: str
    attempted_at: datetime | None


class NotificationOut(Schema):
    id: int
    event: str
    event_label: str
    title: str
    body: str
    url: str
    ticket: str | None = Field(description="The work order's number, if it is about one")
    created_at: datetime
    read_at: datetime | None
    deliveries: list[DeliveryOut]


class NotificationPage(Schema):
    items: list[NotificationOut]
    unread_count: int
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null at end")


class ListQuery(Schema):
    unread: bool = Field(False, description="Only unread notifications")
    cursor: int | None = None
    limit: int = Field(50, ge=1, le=100)


class MarkedOut(Schema):
    marked: int
    unread_count: int


class CountOut(Schema):
    unread_count: int


class PreferenceOut(Schema):
    event: str
    label: str
    in_app: bool
    email: bool
    sms: bool
    customised: bool = Field(description="False while the event's defaults apply")


class PreferenceIn(Schema):
    event: str
    in_app: bool | None = None
    email: bool | None = None
    sms: bool | None = None


def _out(note: Notification, deliveries: list[Delivery]) -> NotificationOut:
    return NotificationOut(
        id=note.pk,
        event=note.event,
        event_label=note.event_label,
        title=note.title,
        body=note.body,
        url=note.url,
        ticket=note.ticket.number if note.ticket else None,
        created_at=note.created_at,
        read_at=note.read_at,
        deliveries=[
            DeliveryOut(
                channel=d.channel, status=d.status, detail=d.detail, attempted_at=d.attempted_at
            )
            for d in deliveries
        ],
    )


@router.get("/notifications", response=NotificationPage, summary="My notifications, newest first")
def list_notifications(request: HttpRequest, params: Query[ListQuery]) -> NotificationPage:
    qs = services.inbox(_me(request), unread_only=params.unread).prefetch_related("deliveries")
    if params.cursor is not None:
        qs = qs.filter(pk__lt=params.cursor)
    rows = list(qs.order_by("-id")[: params.limit + 1])
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return NotificationPage(
        items=[_out(n, list(n.deliveries.all())) for n in rows],
        unread_count=services.unread_count(_me(request)),
        next_cursor=rows[-1].pk if more else None,
    )


@router.get("/notifications/unread-count", response=CountOut, summary="How many are unread")
def unread_count(request: HttpRequest) -> CountOut:
    return CountOut(unread_count=services.unread_count(_me(request)))


@router.post("/notifications/read-all", response=MarkedOut, summary="Mark all of mine read")
def read_all(request: HttpRequest) -> MarkedOut:
    marked = services.mark_all_read(_me(request))
    return MarkedOut(marked=marked, unread_count=services.unread_count(_me(request)))


@router.post(
    "/notifications/{notification_id}/read", response=NotificationOut, summary="Mark one read"
)
def read_one(request: HttpRequest, notification_id: int) -> NotificationOut:
    note = services.mark_read(_me(request), notification_id)
    return _out(note, list(note.deliveries.all()))


@router.get(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="My channels per event (my choices, or the defaults)",
)
def get_preferences(request: HttpRequest) -> list[PreferenceOut]:
    return [PreferenceOut(**vars(p)) for p in services.preferences(_me(request))]


@router.put(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="Set my channels for the events listed",
)
def put_preferences(request: HttpRequest, payload: list[PreferenceIn]) -> list[PreferenceOut]:
    """Each listed event gets the channels given; a channel left out (or null) keeps its value,
    and events not listed are unchanged. An unknown event code is refused with 422."""
    choices: dict[str, dict[str, bool]] = {}
    for item in payload:
        given = {c: getattr(item, c) for c in events.CHANNELS if getattr(item, c) is not None}
        choices.setdefault(item.event, {}).update(given)
    return [PreferenceOut(**vars(p)) for p in services.set_preferences(_me(request), choices)]
