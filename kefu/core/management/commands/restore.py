"""``kefu restore ARCHIVE [--yes]``: put back a backup made by ``kefu backup`` (R-SEC-4).

Replaces the whole database and MEDIA_ROOT; asks first unless ``--yes``. Stop the web servers
and workers before restoring (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from kefu.audit.backups import BackupError, describe, read_archive, restore
from kefu.audit.choices import AuditAction
from kefu.audit.services import record
from kefu.core.management.database import check_database


class Command(BaseCommand):
    help = (
        "Restore the database (KEFU_DATABASE_URL) and the uploaded files (KEFU_MEDIA_ROOT) from "
        "an archive of `kefu backup`, replacing both. Stop the web servers and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz written by `kefu backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = read_archive(Path(options["archive"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        check_database(holds_kefu=False)
        connection = connections[DEFAULT_DB_ALIAS]
        self.stdout.write(describe(archive))
        if not options["yes"]:
            answer = input(
                f"This REPLACES the {connection.vendor} database "
                f"{connection.settings_dict['NAME']} and every uploaded file. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(archive, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(None, AuditAction.RESTORE, summary=describe(archive)[:500])
        self.stdout.write(self.style.SUCCESS("Restore complete."))
