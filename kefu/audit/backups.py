"""Backup and restore of the database and the uploaded files (R-SEC-4).

An archive is a ``.tar.gz`` holding:

* ``manifest.json`` — format, Kefu version, time, database vendor, the latest migration of each
  app, row counts of every table (taken from the same snapshot as the dump), the files;
* ``database.sqlite3`` (SQLite, copied with the online backup API while Kefu runs) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump -Fc`` in the snapshot the counts were taken in);
* ``media/…`` — every uploaded file (attachments, recordings) from ``MEDIA_ROOT``.

Export files (``kefu.audit.exports``) are not included on purpose: they are short-lived copies of
customer data, and a restore must not bring an expired one back.

``restore`` replaces the database and ``MEDIA_ROOT`` with the archive's, then checks the row
counts against the manifest. It refuses an archive of the other database vendor.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA_PREFIX = "media"

Say = Callable[[str], None]


class BackupError(Exception):
    """Backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict[str, Any]


def _version() -> str:
    try:
        return metadata.version("kefu")
    except metadata.PackageNotFoundError:
        return "unknown"


def _tables() -> list[str]:
    """Every table of an installed model (managed, concrete, not a proxy), sorted."""
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(names)


def _count(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(set(tables)):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from models
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _existing_tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


# --- Backup -------------------------------------------------------------------------------------


def backup(output: Path, *, database: str = DEFAULT_DB_ALIAS, say: Say = print) -> Archive:
    """Write an archive into the folder ``output`` and return it."""
    connection = connections[database]
    output.mkdir(exist_ok=True)  # its parent must exist: a mistyped path is not made up
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")  # the center's clock, as shown
    target = output / f"kefu-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="kefu-backup-") as work:
        folder = Path(work)
        if connection.vendor == "sqlite":
            dump, counts, migrations = _sqlite_dump(connection, folder / SQLITE_FILE)
            tools: dict[str, str] = {"sqlite": sqlite3.sqlite_version}
        elif connection.vendor == "postgresql":
            dump, counts, migrations, tools = _pg_dump(connection, folder / PG_FILE)
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
        files = _media_files(media_root())
        manifest = {
            "format": FORMAT,
            "kefu_version": _version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "database_file": dump.name,
            "tools": tools,
            "migrations": migrations,
            "counts": counts,
            "media": {
                "files": len(files),
                "bytes": sum(p.stat().st_size for p in files),
            },
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        partial = target.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=dump.name)
            root = media_root()
            for path in files:
                tar.add(path, arcname=f"{MEDIA_PREFIX}/{path.relative_to(root).as_posix()}")
        os.chmod(partial, 0o600)  # it holds every customer's data
        partial.replace(target)
    say(
        f"Backup written: {target} ({target.stat().st_size:,} bytes; "
        f"{sum(counts.values()):,} rows in {len(counts)} tables; {len(files)} files)"
    )
    return Archive(target, manifest)


def _sqlite_dump(
    connection: BaseDatabaseWrapper, path: Path
) -> tuple[Path, dict[str, int], dict[str, str]]:
    """SQLite's online backup API: a consistent copy while others keep reading and writing."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction.")
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        present = {
            row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        cursor = copy.cursor()
        counts = _count(cursor, [t for t in _tables() if t in present], lambda n: f'"{n}"')
        migrations = _migrations(cursor)
    finally:
        copy.close()
    return path, counts, migrations


def _pg_env(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore from Django's settings."""
    conf = connection.settings_dict
    args: list[str] = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    options = conf.get("OPTIONS") or {}
    for option, variable in [
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ]:
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools of the server's major "
            "version (Debian/Ubuntu: postgresql-client), see docs/operations.md."
        )
    return found


def _major(text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(match.group(1)) if match else 0


def _check_client(connection: BaseDatabaseWrapper, tool: str) -> dict[str, str]:
    client = subprocess.run(  # noqa: S603 - our own tool path and fixed arguments
        [tool, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = str(cursor.fetchone()[0])
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", client)
    if match is None or int(match.group(1)) < _major(server):
        raise BackupError(
            f"{client} is older than the server (PostgreSQL {server}); pg_dump must be at least "
            "the server's major version. Install the matching postgresql-client."
        )
    return {"client": client, "server": server}


def _pg_dump(
    connection: BaseDatabaseWrapper, path: Path
) -> tuple[Path, dict[str, int], dict[str, str], dict[str, str]]:
    """``pg_dump -Fc`` inside the snapshot the row counts are read from, so the manifest
    describes exactly the dump even while Kefu keeps writing."""
    tool = _tool("pg_dump")
    versions = _check_client(connection, tool)
    args, env = _pg_env(connection)
    name = str(connection.settings_dict["NAME"])
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction.")
    present = _existing_tables(connection)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts = _count(cursor, [t for t in _tables() if t in present], connection.ops.quote_name)
        migrations = _migrations(cursor)
        result = subprocess.run(  # noqa: S603 - arguments from settings, no shell
            [tool, *args, "--format=custom", f"--snapshot={snapshot}", "--file", str(path), name],
            env=env,
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return path, counts, migrations, versions


# --- Restore ------------------------------------------------------------------------------------


def read_archive(path: Path) -> Archive:
    if not path.is_file():
        raise BackupError(f"No such archive: {path}")
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read().decode("utf-8"))
    except (tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{path} is not a Kefu backup archive ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    return Archive(path, manifest)


def describe(archive: Archive) -> str:
    m = archive.manifest
    rows = sum(m.get("counts", {}).values())
    return (
        f"{archive.path.name}: made {m.get('created_at')} by Kefu {m.get('kefu_version')}, "
        f"{m.get('database_vendor')}, {rows:,} rows, {m.get('media', {}).get('files', 0)} files"
    )


def restore(archive: Archive, *, database: str = DEFAULT_DB_ALIAS, say: Say = print) -> None:
    """Replace the database and the uploaded files with the archive's, then verify counts."""
    connection = connections[database]
    vendor = archive.manifest.get("database_vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {vendor} database; this Kefu uses {connection.vendor}. "
            "Restore it into a Kefu configured for the same database."
        )
    if connection.in_atomic_block:
        raise BackupError("Run the restore outside a transaction.")
    with tempfile.TemporaryDirectory(prefix="kefu-restore-") as work:
        folder = Path(work)
        with tarfile.open(archive.path, "r:gz") as tar:
            tar.extractall(folder, filter="data")
        dump = folder / str(archive.manifest["database_file"])
        if connection.vendor == "sqlite":
            _sqlite_restore(connection, dump)
        else:
            _pg_restore(connection, dump)
        say("Database restored.")
        files = _replace_media(folder / MEDIA_PREFIX)
        say(f"Files restored: {files}.")
    ContentType.objects.clear_cache()  # ids of the restored database, not the old one
    mismatches = verify(archive, connection)
    if mismatches:
        raise BackupError("Row counts differ from the manifest: " + "; ".join(mismatches))
    say("Row counts match the manifest.")


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Copy the archived database over the live one with the backup API: page by page under a
    lock, so other connections see the old database or the new, never a mix."""
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()  # the next query reconnects and reads the restored schema


def _pg_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    tool = _tool("pg_restore")
    args, env = _pg_env(connection)
    name = str(connection.settings_dict["NAME"])
    connection.close()  # our own session must not hold locks on the tables being replaced
    result = subprocess.run(  # noqa: S603 - arguments from settings, no shell
        [
            tool,
            *args,
            "--dbname",
            name,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was changed): {result.stderr.strip()}")


def _replace_media(source: Path) -> int:
    """Make MEDIA_ROOT hold exactly the archived files. The new tree is prepared beside the old
    one and swapped in by renames, so a failure leaves the old files in place."""
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=root.parent))
    count = 0
    if source.is_dir():
        shutil.copytree(source, staging, dirs_exist_ok=True)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
    old = root.parent / f".media-old-{datetime.now():%Y%m%d%H%M%S%f}"
    try:
        if root.exists():
            root.rename(old)
        staging.rename(root)
    except OSError:  # MEDIA_ROOT is a mount point: replace its contents instead
        for child in list(root.iterdir()) if root.is_dir() else []:
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        shutil.copytree(staging, root, dirs_exist_ok=True)
        shutil.rmtree(staging)
    if old.exists():
        shutil.rmtree(old)
    return count


def verify(archive: Archive, connection: BaseDatabaseWrapper) -> list[str]:
    """Compare the restored database's row counts and files with the manifest."""
    expected: dict[str, int] = archive.manifest.get("counts", {})
    present = _existing_tables(connection)
    problems: list[str] = []
    with connection.cursor() as cursor:
        actual = _count(cursor, [t for t in expected if t in present], connection.ops.quote_name)
    for table, count in sorted(expected.items()):
        if table not in present:
            problems.append(f"{table} missing")
        elif actual[table] != count:
            problems.append(f"{table}: {actual[table]} rows, expected {count}")
    files = len(_media_files(media_root()))
    expected_files = int(archive.manifest.get("media", {}).get("files", 0))
    if files != expected_files:
        problems.append(f"{files} files, expected {expected_files}")
    return problems
