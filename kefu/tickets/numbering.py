"""Order numbers (R-WO-11): call type + center-local date + sequence, e.g. ``A1-20261124-0007``.

One counter row per (type, day), stepped and read back by a single upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``), so any number of creators on any number of
app servers each get their own value and a value is never handed out twice.

Where the step runs decides how creators queue:

- PostgreSQL (with the ``numbers`` database alias, the default): on a connection of its own in
  autocommit, so the counter row is locked only for that one statement. Creators of the same
  type no longer wait for each other's whole order transaction and its commit to disk, which
  made them run one at a time. A number whose order then fails is not given back: the sequence
  of a day may have gaps, never repeats.
- SQLite, or without the alias: inside the order's own transaction. SQLite has one writer at a
  time anyway, and the order and its number then commit or roll back together (no gaps).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from kefu.tickets.models import TicketSequence

NUMBERS_DB = "numbers"


def format_number(type_code: str, day: str, value: int) -> str:
    return f"{type_code}-{day}-{value:04d}"


def next_number(type_code: str, when: datetime | None = None) -> str:
    """The next number of ``type_code`` for the center-local day of ``when`` (default now)."""
    day = timezone.localtime(when or timezone.now()).strftime("%Y%m%d")
    return format_number(type_code, day, _step(f"{type_code}-{day}"))


def numbers_alias() -> str:
    """The database alias the counters are stepped on (see the module's docstring)."""
    return NUMBERS_DB if NUMBERS_DB in settings.DATABASES else DEFAULT_DB_ALIAS


def _step(key: str) -> int:
    """Add one to the counter (creating it at 1) and read the result, in one statement."""
    connection = connections[numbers_alias()]
    quote = connection.ops.quote_name
    table, value, key_column = quote(TicketSequence._meta.db_table), quote("value"), quote("key")
    sql = (
        f"INSERT INTO {table} ({key_column}, {value}) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET {value} = {table}.{value} + 1 "
        f"RETURNING {value}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    return int(row[0])
