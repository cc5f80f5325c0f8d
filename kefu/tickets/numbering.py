"""Order numbers (R-WO-11): call type + center-local date + sequence, e.g. ``A1-20261124-0007``.

The counter row for (type, day) is bumped with a single UPDATE … RETURNING inside the caller's
transaction, so concurrent creators on any number of app servers queue on that row and each
reads back its own value; a rolled-back order takes its number back with it, and a committed
one is never handed out again.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.tickets.models import TicketSequence


def format_number(type_code: str, day: str, value: int) -> str:
    return f"{type_code}-{day}-{value:04d}"


def next_number(type_code: str, when: datetime | None = None) -> str:
    """Must run inside the transaction that creates the order."""
    day = timezone.localtime(when or timezone.now()).strftime("%Y%m%d")
    key = f"{type_code}-{day}"
    value = _bump(key)
    if value is None:
        try:
            with transaction.atomic():
                TicketSequence.objects.create(key=key, value=1)
            value = 1
        except IntegrityError:
            # Another creator made the row between our UPDATE and INSERT: count on it.
            value = _bump(key)
    if value is None:  # pragma: no cover - the row exists by now
        raise RuntimeError(f"no sequence row {key}")
    return format_number(type_code, day, value)


def _bump(key: str) -> int | None:
    """Add one and read the result in one statement (PostgreSQL, and SQLite since 3.35)."""
    quote = connection.ops.quote_name
    table, value, key_column = quote(TicketSequence._meta.db_table), quote("value"), quote("key")
    sql = f"UPDATE {table} SET {value} = {value} + 1 WHERE {key_column} = %s RETURNING {value}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return int(row[0]) if row else None
