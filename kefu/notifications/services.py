"""Notifying people, and each person's own notifications and channel choices.

``notify()`` is the one way any app tells staff about something. It runs inside the caller's
transaction: the in-app rows and the pending e-mail/SMS deliveries are written with the change
that caused them, so a rolled-back change notifies nobody. The worker sends the deliveries after
the commit (``transaction.on_commit``), never before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.core.middleware import account_language
from kefu.notifications import events
from kefu.notifications.choices import RETENTION, DeliveryChannel, DeliveryStatus
from kefu.notifications.models import Delivery, Notification, NotificationPreference

if TYPE_CHECKING:
    from kefu.org.models import User
    from kefu.tickets.models import Ticket

TITLE_MAX = 200
SMS_MAX = 140  # two SMS segments of Chinese text at most
PURGE_BATCH = 5000


@dataclass
class Message:
    """One thing to tell some people: what ``notify`` takes, and ``notify_many`` a list of."""

    recipients: Iterable[User | None]
    event: str
    title: str
    body: str = ""
    url: str = ""
    ticket: Ticket | None = None
    dedupe_key: str | None = None


# Builds a notice's (title, body); called once per recipients' language, with it active.
Words = Callable[[], tuple[str, str]]


def recipient_language(person: User) -> str:
    """The language a notice to ``person`` is written in: their account's, else the center's."""
    return account_language(person) or settings.LANGUAGE_CODE


def in_their_languages(
    recipients: Iterable[User | None],
    event: str,
    words: Words,
    *,
    url: str = "",
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
) -> list[Message]:
    """One message per language spoken among ``recipients`` (two at most), its title and body
    built by ``words`` with that language active — so that a label or a choice named in the
    text is translated too. No query: the language is read from the recipients given.

    Every part shares the ``dedupe_key``: the key is unique per recipient and each recipient is
    in one part only, so the split keeps a notice once per person and event.
    """
    groups: dict[str, list[User]] = defaultdict(list)
    for person in recipients:
        if person is not None:
            groups[recipient_language(person)].append(person)
    messages = []
    for language, people in groups.items():
        with translation.override(language):
            title, body = words()
        messages.append(Message(people, event, title, body, url, ticket, dedupe_key))
    return messages


def notify(
    recipients: Iterable[User | None],
    event: str,
    *,
    title: str,
    body: str = "",
    url: str = "",
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
) -> int:
    """Notify ``recipients`` of ``event``; returns how many in-app notifications were written.

    Per recipient and per the recipient's preferences (or the event's defaults): one in-app
    row, and a pending e-mail (if they have an address) and SMS (if they have a phone) that the
    worker sends after the surrounding transaction commits. Inactive users are skipped. With a
    ``dedupe_key``, a second call for the same recipient and key does nothing, whichever worker
    makes it: a unique constraint decides.
    """
    message = Message(recipients, event, title, body, url, ticket, dedupe_key)
    return notify_many([message])


def notify_many(messages: list[Message]) -> int:
    """``notify`` for many messages at once — the SLA sweep's hundreds of warnings — in a few
    statements: the preferences and the keys notified before read in one query each, the rows
    written with one insert per table. Returns how many in-app notifications were written.

    Should a key be written by another worker between the look-up and the insert, the unique
    constraint stops the batch and it is written again message by message, each row on its own
    (``_notify_rows``), so that only the row notified before is skipped.
    """
    planned = _plan(messages)
    if not planned:
        return 0
    try:
        with transaction.atomic():
            written = _write(planned)
    except IntegrityError:
        written = sum(_notify_rows(*item) for item in planned)
    return written


Planned = tuple[Message, list["User"], dict[int, set[str]]]


def _plan(messages: list[Message]) -> list[Planned]:
    """Each message with its distinct active recipients and the channels each wants."""
    specs = {m.event: events.get(m.event) for m in messages}
    people = {id(m): _distinct_active(m.recipients) for m in messages}
    wanted = _channels({p.pk for group in people.values() for p in group}, list(specs.values()))
    return [
        (m, people[id(m)], {p.pk: wanted[p.pk, m.event] for p in people[id(m)]})
        for m in messages
        if people[id(m)]
    ]


def _channels(user_ids: set[int], specs: list[events.Event]) -> dict[tuple[int, str], set[str]]:
    """(user, event) → the channels that person wants for it: their preference, else the
    event's defaults."""
    rows = NotificationPreference.objects.filter(
        user__in=user_ids, event__in=[s.code for s in specs]
    ).values("user_id", "event", *events.CHANNELS)
    chosen = {(r["user_id"], r["event"]): {c for c in events.CHANNELS if r[c]} for r in rows}
    out = {}
    for spec in specs:
        defaults = {c for c in events.CHANNELS if spec.default(c)}
        for pk in user_ids:
            out[pk, spec.code] = chosen.get((pk, spec.code), defaults)
    return out


def _write(planned: list[Planned]) -> int:
    keys = {m.dedupe_key for m, *_ in planned if m.dedupe_key}
    # who was told under which key before (one query per table; none without keys)
    notified: set[tuple[int, str | None]] = set()
    delivered: set[tuple[int, str, str | None]] = set()
    if keys:
        notified.update(
            Notification.objects.filter(dedupe_key__in=keys).values_list(
                "recipient_id", "dedupe_key"
            )
        )
        delivered.update(
            Delivery.objects.filter(dedupe_key__in=keys).values_list(
                "recipient_id", "channel", "dedupe_key"
            )
        )
    notes: list[Notification] = []
    deliveries: list[Delivery] = []
    for message, people, wanted in planned:
        key = message.dedupe_key or None
        for person, note, person_deliveries in _rows(message, people, wanted):
            if note is not None:
                if key and (person.pk, key) in notified:
                    continue  # notified before under this key: nothing more for this person
                notified.add((person.pk, key))
                notes.append(note)
            for delivery in person_deliveries:
                if key and (person.pk, delivery.channel, key) in delivered:
                    continue
                delivered.add((person.pk, delivery.channel, key))
                delivery.notification = note
                deliveries.append(delivery)
    Notification.objects.bulk_create(notes)
    # bulk_create takes each delivery's notification id from the notification saved just above
    rows = Delivery.objects.bulk_create(deliveries)
    _enqueue_after_commit([d.pk for d in rows])
    return len(notes)


def _notify_rows(message: Message, people: list[User], wanted: dict[int, set[str]]) -> int:
    """One message, row by row, each insert in a savepoint that a duplicate key rolls back."""
    key = message.dedupe_key or None
    written = 0
    deliveries: list[int] = []
    for _person, note, person_deliveries in _rows(message, people, wanted):
        if note is not None:
            if not _insert(note, key):
                continue  # notified before under this key: nothing more for this person
            written += 1
        for delivery in person_deliveries:
            delivery.notification = note
            if _insert(delivery, key):
                deliveries.append(delivery.pk)
    _enqueue_after_commit(deliveries)
    return written


def _rows(
    message: Message, people: list[User], wanted: dict[int, set[str]]
) -> Iterator[tuple[User, Notification | None, list[Delivery]]]:
    """Per person, the in-app row (if wanted) and the e-mail/SMS rows the message makes."""
    now = timezone.now()
    title = message.title.strip()[:TITLE_MAX]
    key = message.dedupe_key or None
    for person in people:
        channels = wanted[person.pk]
        note = _notification(person, message, title, now) if events.IN_APP in channels else None
        rows = _deliveries(
            person, channels, message.event, title, message.body, message.url, now, key
        )
        yield person, note, rows


def _notification(person: User, message: Message, title: str, now: datetime) -> Notification:
    return Notification(
        recipient=person,
        event=message.event,
        title=title,
        body=message.body,
        url=message.url,
        ticket=message.ticket,
        created_at=now,
        dedupe_key=message.dedupe_key or "",
    )


def _enqueue_after_commit(deliveries: list[int]) -> None:
    if deliveries:
        # robust: the change is committed by then; if the queue is down, log it and let the
        # stale-delivery sweep send them, rather than fail the caller's request.
        transaction.on_commit(lambda: _enqueue(deliveries), robust=True)


def _distinct_active(recipients: Iterable[User | None]) -> list[User]:
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person is None or not person.is_active or person.pk in seen:
            continue
        seen.add(person.pk)
        people.append(person)
    return people


def _insert(row: Notification | Delivery, dedupe_key: str | None) -> bool:
    """Save the row; with a key, inside a savepoint, so a duplicate leaves the caller's
    transaction usable (PostgreSQL aborts a transaction on a failed statement)."""
    if dedupe_key is None:
        row.save(force_insert=True)
        return True
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # Only the key's unique constraint means "done before"; any other failure is real.
        same = {"recipient_id": row.recipient_id, "dedupe_key": dedupe_key}
        if isinstance(row, Delivery):
            same["channel"] = row.channel
        if not type(row).objects.filter(**same).exists():
            raise
        return False
    return True


def _deliveries(
    person: User,
    wanted: set[str],
    event: str,
    title: str,
    body: str,
    url: str,
    now: datetime,
    dedupe_key: str | None,
) -> list[Delivery]:
    rows = []
    link = absolute_url(url)
    if events.EMAIL in wanted and person.email:
        text = "\n\n".join(part for part in (body, link) if part)
        rows.append(
            Delivery(
                recipient=person,
                channel=DeliveryChannel.EMAIL,
                event=event,
                address=person.email,
                subject=title,
                body=text,
                created_at=now,
                dedupe_key=dedupe_key or "",
            )
        )
    if events.SMS in wanted and person.phone:
        text = title if not body else f"{title}: {body}"
        rows.append(
            Delivery(
                recipient=person,
                channel=DeliveryChannel.SMS,
                event=event,
                address=person.phone,
                subject=title,
                body=text[:SMS_MAX],
                created_at=now,
                dedupe_key=dedupe_key or "",
            )
        )
    return rows


def absolute_url(url: str) -> str:
    """A link for e-mail: ``KEFU_BASE_URL`` + path when the base is configured."""
    if not url or "://" in url:
        return url
    base = getattr(settings, "KEFU_BASE_URL", "")
    return f"{base.rstrip('/')}{url}" if base else url


def _enqueue(delivery_ids: list[int]) -> None:
    from kefu.notifications.tasks import send_deliveries

    send_deliveries(delivery_ids)


# --- A person's own notifications -----------------------------------------------------------


def access_notification(user: User, notification_id: int) -> Notification:
    """The user's own notification, or 404 — also for someone else's, so ids cannot be probed."""
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist:
        raise Http404 from None


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("ticket")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (again is harmless: the first time stays)."""
    note = access_notification(user, notification_id)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
        note.refresh_from_db(fields=["read_at"])
    return note


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_answered(ticket: Ticket, event_codes: Iterable[str]) -> int:
    """The act a notice asked for is done: its unread notices about ``ticket`` of these events
    are read, for every person told (the act answers them all). Returns how many."""
    codes = list(event_codes)
    if not codes:
        return 0
    return Notification.objects.filter(ticket=ticket, event__in=codes, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def purge_read(now: datetime | None = None) -> int:
    """Delete notifications read more than ``RETENTION`` ago, and deliveries as old."""
    cutoff = (now or timezone.now()) - RETENTION
    Delivery.objects.filter(created_at__lt=cutoff).delete()
    deleted = 0
    while True:  # in batches, so that no single transaction holds the table for long
        ids = list(
            Notification.objects.filter(read_at__lt=cutoff).values_list("pk", flat=True)[
                :PURGE_BATCH
            ]
        )
        if not ids:
            return deleted
        with transaction.atomic():
            Delivery.objects.filter(notification__in=ids).update(notification=None)
            deleted += Notification.objects.filter(pk__in=ids).delete()[0]


# --- Preferences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    event: str
    label: str
    in_app: bool
    email: bool
    sms: bool
    customised: bool


def preferences(user: User) -> list[Preference]:
    """Every registered event with the user's channels (their choice, or the defaults)."""
    rows = {row.event: row for row in NotificationPreference.objects.filter(user=user)}
    result = []
    for spec in events.all_events():
        row = rows.get(spec.code)
        source = row if row is not None else spec
        result.append(
            Preference(
                event=spec.code,
                label=str(spec.label),
                in_app=bool(source.in_app),
                email=bool(source.email),
                sms=bool(source.sms),
                customised=row is not None,
            )
        )
    return result


@transaction.atomic
def set_preferences(user: User, choices: dict[str, dict[str, bool]]) -> list[Preference]:
    """Store the user's channels per event: ``{"sla.alarm": {"in_app": True, "email": False}}``.

    A channel left out keeps its current value. Unknown events or channels are refused with a
    field error naming them.
    """
    errors: dict[str, list[str]] = {}
    for code, channels in choices.items():
        try:
            events.get(code)
        except ValueError:
            errors.setdefault(code, []).append(_("Unknown notification event."))
            continue
        unknown = set(channels) - set(events.CHANNELS)
        if unknown:
            errors.setdefault(code, []).append(
                _("Unknown channel: %(names)s.") % {"names": ", ".join(sorted(unknown))}
            )
    if errors:
        raise ValidationError(errors)
    current = {p.event: p for p in preferences(user)}
    for code, channels in choices.items():
        merged = {c: bool(channels.get(c, getattr(current[code], c))) for c in events.CHANNELS}
        spec = events.get(code)
        if merged == {c: spec.default(c) for c in events.CHANNELS}:
            # Back to the defaults: no row, so a later change of the defaults reaches this user.
            NotificationPreference.objects.filter(user=user, event=code).delete()
        else:
            NotificationPreference.objects.update_or_create(user=user, event=code, defaults=merged)
    return preferences(user)


def resend(deliveries: Iterable[Delivery]) -> int:
    """Queue failed and not-configured deliveries again (after fixing SMTP or the SMS gateway);
    returns how many. Sent ones are never sent twice."""
    ids = [d.pk for d in deliveries]
    with transaction.atomic():
        retry = list(
            Delivery.objects.select_for_update()
            .filter(pk__in=ids, status__in=[DeliveryStatus.FAILED, DeliveryStatus.NOT_CONFIGURED])
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=retry).update(status=DeliveryStatus.PENDING, detail="")
        if retry:
            transaction.on_commit(lambda: _enqueue(retry), robust=True)
    return len(retry)
