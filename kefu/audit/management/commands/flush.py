"""``flush`` with the audit table's append-only triggers lifted for the duration.

Django's ``flush`` empties every table (the test runner calls it after each transactional test).
The triggers of ``kefu.audit.dbguard`` refuse DELETE (SQLite) and TRUNCATE (PostgreSQL) on the
audit table, so this command drops them, flushes and puts them back, all in one transaction:
if the flush fails, the triggers stay. It is the only code path that removes audit records, and
it removes everything else with them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from kefu.audit import dbguard


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        with transaction.atomic(using=database):
            dbguard.remove(connection)
            super().handle(**options)
            dbguard.install(connection)
