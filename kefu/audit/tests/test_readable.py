"""The data-security pages read in the reader's language: section names and every label are
found by makemessages, the audit trail names changed fields by their verbose names, export
files are named in center time and their dates are dates (R-SEC-2, R-SEC-3)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.utils import translation
from openpyxl import load_workbook

from kefu.audit import exports
from kefu.audit.choices import ExportFormat
from kefu.audit.forms import ExportRequestForm
from kefu.audit.queries import field_label
from kefu.audit.services import record
from kefu.customers.choices import CustomerTier
from kefu.customers.models import Customer, ImportJob
from kefu.kb.models import Article
from kefu.org.models import User

pytestmark = pytest.mark.django_db

AUDIT = Path(__file__).resolve().parent.parent
# The keywords Django's makemessages gives xgettext for Python files.
KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path):
    with override_settings(KEFU_EXPORT_DIR=str(tmp_path / "exports")):
        yield tmp_path / "exports"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_makemessages_finds_the_section_names_and_the_scope_labels(tmp_path: Path) -> None:
    out = tmp_path / "audit.pot"
    files = [str(AUDIT / "views.py"), str(AUDIT / "models.py"), str(AUDIT / "forms.py")]
    xgettext = shutil.which("xgettext") or "xgettext"
    subprocess.run(  # noqa: S603 - our own files, a fixed command
        [xgettext, "--language=Python", "--from-code=UTF-8", *KEYWORDS, "-o", str(out), *files],
        check=True,
    )
    catalogue = out.read_text(encoding="utf-8")
    for msgid in ("My exports", "Export approvals", "Audit trail", "Registered on or after"):
        assert f'msgid "{msgid}"' in catalogue
    assert 'msgctxt "customers registered between"\nmsgid "registered"' in catalogue


def test_the_scope_reads_in_the_readers_language(supervisor: User) -> None:
    export = exports.request_export(
        supervisor,
        purpose="名单",
        tier=CustomerTier.VIP,
        registered_from=date(2025, 1, 1),
        file_format=ExportFormat.CSV,
    )
    with translation.override("en"):
        assert export.scope_text() == "tier: VIP; registered: 2025-01-01 – …"


def test_the_registration_dates_are_labelled_unambiguously() -> None:
    with translation.override("en"):
        form = ExportRequestForm()
        assert form.fields["registered_from"].label == "Registered on or after"
        assert form.fields["registered_to"].label == "Registered on or before"


def test_r_sec_3_changed_fields_are_named_by_their_verbose_names() -> None:
    article = ContentType.objects.get_for_model(Article)
    job = ContentType.objects.get_for_model(ImportJob)
    with translation.override("en"):
        assert [
            field_label(article, n) for n in ("published_at", "status", "updated_by_id", "version")
        ] == ["Added at", "Status", "Updated by", "Version"]
        assert [field_label(job, n) for n in ("created", "rows", "skipped")] == [
            "Created",
            "Rows",
            "Skipped",
        ]
        assert field_label(None, "anything") == "anything"


def test_r_sec_3_the_trail_shows_labels_not_field_names(
    client: Client, manager: User, agent: User, customers: list[Customer]
) -> None:
    record(
        agent,
        "update",
        customers[0],
        before={"region": "杭州", "created_by_id": None},
        after={"region": "宁波", "created_by_id": agent.pk},
    )
    client.force_login(manager)
    page = client.get("/audit/trail/").content.decode()  # in the center's language
    assert "created_by_id" not in page
    assert "<td>区域</td>" in page


def test_r_sec_2_export_files_are_named_in_center_time(
    supervisor: User,
    manager: User,
    customers: list[Customer],
    private_dir: Path,
    monkeypatch: Any,
) -> None:
    export = exports.request_export(supervisor, purpose="名单", file_format=ExportFormat.XLSX)
    exports.approve(manager, export)
    utc = datetime(2026, 11, 30, 17, 18, 21, tzinfo=UTC)  # 2026-12-01 01:18:21 in Shanghai
    monkeypatch.setattr(exports.timezone, "now", lambda: utc)
    export = exports.generate(supervisor, export)
    assert export.file_name == f"export-{export.pk}-20261201011821.xlsx"


def test_r_sec_2_dates_in_the_workbook_are_dates(
    supervisor: User, manager: User, customers: list[Customer], private_dir: Path
) -> None:
    export = exports.request_export(
        supervisor, purpose="名单", tier=CustomerTier.VIP, file_format=ExportFormat.XLSX
    )
    exports.approve(manager, export)
    export = exports.generate(supervisor, export)
    sheet = load_workbook(private_dir / export.file_name).active
    headers = [c.value for c in sheet[1]]
    column = headers.index(str(exports.columns()[6].header)) + 1  # the registration date
    cell = sheet.cell(row=2, column=column)
    assert cell.is_date
    assert cell.number_format == exports.DATE_FORMAT
    assert cell.value == datetime(2025, 3, 1)  # openpyxl reads every date back as a datetime
    letter = cell.column_letter
    assert sheet.column_dimensions[letter].width >= 10  # wide enough: no "#####"
