"""``kefu backup [--output DIR]``: the database and the uploaded files in one archive (R-SEC-4).

SQLite is copied with its online backup API, PostgreSQL with ``pg_dump -Fc``; Kefu may keep
running. See docs/operations.md ("Backup and restore") and ``kefu.audit.backups``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.audit.backups import BackupError, backup
from kefu.audit.choices import AuditAction
from kefu.audit.services import record


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(Path(settings.DATA_DIR) / "backups"),
            help="Folder for the archive (default: the data folder's backups/).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            archive = backup(
                Path(options["output"]), database=options["database"], say=self.stdout.write
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(
            None,
            AuditAction.BACKUP,
            summary=f"{archive.path.name} {archive.path.stat().st_size} bytes",
        )
