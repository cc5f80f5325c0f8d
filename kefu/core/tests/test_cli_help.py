"""The ``kefu`` commands say what their options do and what they default to (the same as
docs/operations.md), and refuse a bad database or output folder in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, load_command_class

ROOT = Path(__file__).resolve().parents[3]


def help_of(name: str) -> str:
    command = load_command_class("kefu.core", name)
    out = StringIO()
    command.create_parser("kefu", name).print_help(out)
    return " ".join(out.getvalue().split())  # argparse wraps lines


def test_serve_explains_every_option_with_its_default_and_variable() -> None:
    text = help_of("serve")
    assert "--host HOST address to listen on (default: $HOST, else 127.0.0.1" in text
    assert "--port PORT port to listen on (default: $PORT, else 8000)" in text
    assert "(default: $KEFU_WEB_WORKERS, else 2)" in text
    assert "(default: $KEFU_WEB_THREADS, else 4)" in text


def test_serve_help_agrees_with_the_operations_guide() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text()
    for phrase in ["`$HOST` or `127.0.0.1`", "`$PORT` or `8000`", "`$KEFU_WEB_THREADS` or 4"]:
        assert phrase in guide


@pytest.mark.parametrize("name", ["backup", "restore"])
def test_backup_and_restore_have_no_unexplained_options(name: str) -> None:
    text = help_of(name)
    assert "--database" not in text
    assert "KEFU_DATABASE_URL" in text


def test_backup_refuses_an_output_folder_whose_parent_is_missing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "backups"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", output=str(target))
    assert not (tmp_path / "missing").exists()


def test_backup_refuses_an_output_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("backup", output=str(target))


def _kefu(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "kefu", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("folder", ["absent-folder/", ""])
def test_backup_of_a_database_that_does_not_exist_is_one_line(tmp_path: Path, folder: str) -> None:
    database = tmp_path / f"{folder}nowhere.sqlite3"
    result = _kefu(
        "backup",
        "--output",
        str(tmp_path / "backups"),
        KEFU_DATA_DIR=str(tmp_path / "data"),
        KEFU_DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: The SQLite database {database} does not exist. "
        "Check KEFU_DATABASE_URL or KEFU_DATA_DIR."
    ]
    assert not database.exists()  # no empty database left behind


def test_backup_of_a_database_without_kefu_tables_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    database.write_bytes(b"")
    result = _kefu(
        "backup",
        "--output",
        str(tmp_path / "backups"),
        KEFU_DATA_DIR=str(tmp_path / "data"),
        KEFU_DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: The sqlite database {database} holds no Kefu data (no migrations applied)."
    ]
    assert not (tmp_path / "backups").exists()
