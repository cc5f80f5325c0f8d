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
from kefu.core.management.database import check_database


def output_folder(raw: str) -> Path:
    """The folder the archive goes into. It is created if missing, but only inside a folder that
    exists: a mistyped path must not leave new folders at the file system's root."""
    folder = Path(raw).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"--output {raw}: not a folder.")
    if not folder.parent.is_dir():
        raise CommandError(
            f"--output {raw}: the folder {folder.parent} does not exist. Create it first."
        )
    return folder


class Command(BaseCommand):
    help = (
        "Back up the database (KEFU_DATABASE_URL) and the uploaded files (KEFU_MEDIA_ROOT) into "
        "one .tar.gz archive named kefu-backup-<date>-<time>.tar.gz."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(Path(settings.DATA_DIR) / "backups"),
            help=(
                "Folder for the archive (default: backups/ in the data folder, KEFU_DATA_DIR). "
                "Created if missing; the folder that holds it must exist."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = output_folder(options["output"])
        check_database()
        try:
            archive = backup(folder, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        record(
            None,
            AuditAction.BACKUP,
            summary=f"{archive.path.name} {archive.path.stat().st_size} bytes",
        )
