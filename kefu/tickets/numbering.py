"""Order numbers (R-WO-11): call type + center-local date + sequence, e.g. ``A1-20261124-0007``.

The counter row for (type, day) is bumped with a single UPDATE inside the caller's transaction,
so concurrent creators on any number of app servers queue on that row and each reads back its
own value; a rolled-back order takes its number back with it, and a committed one is never
handed out again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kefu.tickets.models import TicketSequence


def format_number(type_code: str, day: str, value: int) -> str:
    return f"{type_code}-{day}-{value:04d}"


def next_number(type_code: str, when: datetime | None = None) -> str:
    """Must run inside the transaction that creates the order."""
    day = timezone.localtime(when or timezone.now()).strftime("%Y%m%d")
    key = f"{type_code}-{day}"
    if not TicketSequence.objects.filter(key=key).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                TicketSequence.objects.create(key=key, value=1)
        except IntegrityError:
            # Another creator made the row between our UPDATE and INSERT: count on it.
            TicketSequence.objects.filter(key=key).update(value=F("value") + 1)
    value = TicketSequence.objects.filter(key=key).values_list("value", flat=True).get()
    return format_number(type_code, day, value)
