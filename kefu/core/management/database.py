"""Checks shared by the commands that work on the whole database (``backup``, ``restore``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


def check_database(*, holds_kefu: bool = True) -> None:
    """One line naming the database when it cannot be read, instead of a driver's traceback.
    ``holds_kefu``: it must exist and have Kefu's tables (a backup; a restore may fill an empty
    database)."""
    connection = connections[DEFAULT_DB_ALIAS]
    name = connection.settings_dict["NAME"]
    sqlite_file = connection.vendor == "sqlite" and not connection.is_in_memory_db()  # type: ignore[attr-defined]
    # Connecting to SQLite would create an empty file where the database was expected.
    if holds_kefu and sqlite_file and not Path(str(name)).is_file():
        raise CommandError(
            f"The SQLite database {name} does not exist. Check KEFU_DATABASE_URL or KEFU_DATA_DIR."
        )
    try:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(
            f"Cannot read the {connection.vendor} database {name}: {first_line}"
        ) from exc
    if holds_kefu and "django_migrations" not in tables:
        raise CommandError(
            f"The {connection.vendor} database {name} holds no Kefu data (no migrations applied)."
        )
