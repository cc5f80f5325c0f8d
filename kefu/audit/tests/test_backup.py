"""R-SEC-4: ``kefu backup`` and ``kefu restore``. Backup → wipe → restore gives back the same
orders, customers and files, on SQLite (online backup API) and PostgreSQL (pg_dump/pg_restore).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from kefu.audit.models import AuditRecord
from kefu.customers.models import ContactPoint, Customer
from kefu.customers.services import CustomerData, create_customer
from kefu.org.models import User
from kefu.tickets import actions
from kefu.tickets.actions.intake import Registration
from kefu.tickets.models import Attachment, CallType, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

RECORDING = b"ID3\x03fake-mp3-bytes-\x00\x01\x02" * 100


@pytest.fixture
def media(tmp_path: Path):
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        yield tmp_path / "media"


def world(agent: User) -> None:
    """Orders with a customer each and an uploaded recording, built through the actions."""
    call_type = CallType.objects.get(code="E")
    for n in range(3):
        customer = create_customer(
            agent, CustomerData(name=f"客户{n}", phones=[f"1390000010{n}"], region="杭州")
        )
        ticket = actions.register(
            agent,
            Registration(
                call_type=call_type,
                channel="phone",
                title=f"咨询 {n}",
                customer=customer,
                contact_phone=f"+861390000010{n}",
            ),
        )
        actions.attach_file(
            agent, ticket, SimpleUploadedFile(f"录音{n}.mp3", RECORDING + bytes([n]))
        )


def snapshot() -> dict[str, Any]:
    root = Path(settings.MEDIA_ROOT)
    return {
        "orders": list(Ticket.objects.order_by("number").values_list("number", "title", "version")),
        "customers": list(Customer.objects.order_by("pk").values_list("pk", "name", "region")),
        "contacts": list(ContactPoint.objects.order_by("pk").values_list("customer_id", "value")),
        "files": {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        },
        "attachments": list(Attachment.objects.order_by("pk").values_list("file", "size")),
        "audit": AuditRecord.objects.count(),
    }


def wipe() -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()


def test_r_sec_4_backup_wipe_restore_round_trip(
    org: Any, taxonomy: None, agent: User, media: Path, tmp_path: Path
) -> None:
    world(agent)
    before = snapshot()
    assert len(before["orders"]) == 3
    assert len(before["files"]) == 3

    call_command("backup", output=str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("kefu-backup-*.tar.gz")
    assert oct(archive.stat().st_mode)[-3:] == "600"
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = tar.getnames()
    assert manifest["database_vendor"] == connection.vendor
    assert manifest["counts"]["tickets_ticket"] == 3
    assert manifest["counts"]["customers_customer"] == 3
    assert manifest["media"]["files"] == 3
    assert sum(1 for n in names if n.startswith("media/")) == 3
    backup_logged = AuditRecord.objects.filter(action="backup").exists()
    assert backup_logged

    wipe()
    call_command("restore", str(archive), yes=True, verbosity=0)

    after = snapshot()
    assert after["orders"] == before["orders"]
    assert after["customers"] == before["customers"]
    assert after["contacts"] == before["contacts"]
    assert after["files"] == before["files"]
    assert after["attachments"] == before["attachments"]
    # The trail comes back as it was at the backup, plus the record of the restore itself.
    assert after["audit"] == before["audit"] + 1
    assert AuditRecord.objects.latest("id").action == "restore"


def test_r_sec_4_restore_asks_first(org: Any, media: Path, tmp_path: Path, monkeypatch) -> None:
    call_command("backup", output=str(tmp_path), verbosity=0)
    (archive,) = tmp_path.glob("kefu-backup-*.tar.gz")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive), verbosity=0)


def test_r_sec_4_restore_refuses_what_is_not_a_backup(db: None, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a Kefu backup"):
        call_command("restore", str(junk), yes=True)


def test_r_sec_4_postgresql_restore_into_a_fresh_database(
    org: Any, taxonomy: None, agent: User, media: Path, tmp_path: Path
) -> None:
    """Disaster recovery: the archive restored by the ``kefu`` command, in its own process, into
    a new empty database and an empty media folder."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only; the SQLite round trip is above")
    import psycopg

    world(agent)
    before = snapshot()
    call_command("backup", output=str(tmp_path / "backups"), verbosity=0)
    (archive,) = (tmp_path / "backups").glob("kefu-backup-*.tar.gz")

    conf = connection.settings_dict
    target = str(conf["NAME"]).removeprefix("test_") + "_rt"
    server = {
        "host": conf["HOST"] or "127.0.0.1",
        "port": conf["PORT"] or 5432,
        "user": conf["USER"] or "postgres",
        "password": conf["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{target}"
        env = {
            **os.environ,
            "KEFU_DATABASE_URL": url,
            "KEFU_MEDIA_ROOT": str(tmp_path / "media-restored"),
            "KEFU_DATA_DIR": str(tmp_path / "data-restored"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        if server["password"]:
            env["PGPASSWORD"] = str(server["password"])
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu", "restore", str(archive), "--yes"],
            env=env,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert "Row counts match the manifest." in done.stdout
        with psycopg.connect(dbname=target, **server) as restored:
            orders = restored.execute(
                "SELECT number, title, version FROM tickets_ticket ORDER BY number"
            ).fetchall()
            customers = restored.execute(
                "SELECT id, name, region FROM customers_customer ORDER BY id"
            ).fetchall()
            raw_update = None
            try:
                restored.execute("UPDATE audit_auditrecord SET summary = 'forged'")
            except psycopg.Error as exc:
                raw_update = str(exc)
        assert [tuple(r) for r in orders] == before["orders"]
        assert [tuple(r) for r in customers] == before["customers"]
        assert raw_update is not None
        assert "append-only" in raw_update
        root = tmp_path / "media-restored"
        files = {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }
        assert files == before["files"]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


def test_the_archive_is_named_by_the_centers_clock(
    org: Any, media: Path, tmp_path: Path, monkeypatch
) -> None:
    """17:13 UTC is 01:13 the next day in Shanghai: the name says what the center's clocks say."""
    from datetime import UTC, datetime

    from django.utils import timezone

    moment = datetime(2026, 11, 30, 17, 13, 35, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("backup", output=str(tmp_path), verbosity=0)
    assert [p.name for p in tmp_path.glob("kefu-backup-*")] == [
        "kefu-backup-20261201-011335.tar.gz"
    ]
