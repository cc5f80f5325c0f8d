"""R-SEC-2: a bulk export of customer data needs a request approved by a manager; only the
requester generates and downloads it, for a limited time; every step is audited with who, when,
which filter and how many rows."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from kefu.audit import exports
from kefu.audit.choices import AuditAction, ExportFormat, ExportStatus
from kefu.audit.models import AuditRecord, ExportRequest
from kefu.core.errors import IllegalTransition
from kefu.customers.choices import CustomerTier
from kefu.customers.models import Customer
from kefu.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_dir(tmp_path: Path):
    with override_settings(KEFU_EXPORT_DIR=str(tmp_path / "exports")):
        yield tmp_path / "exports"


def vip_hangzhou(user: User, fmt: str = ExportFormat.CSV) -> ExportRequest:
    return exports.request_export(
        user,
        purpose="VIP 回访活动名单",
        tier=CustomerTier.VIP,
        region="杭州",
        file_format=fmt,
    )


def audit(action: str, export: ExportRequest) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(
            action=action, content_type__model="exportrequest", object_id=str(export.pk)
        )
    )


def test_r_sec_2_only_entitled_roles_may_request(agent: User, supervisor: User) -> None:
    with pytest.raises(PermissionDenied):
        vip_hangzhou(agent)
    export = vip_hangzhou(supervisor)
    assert export.status == ExportStatus.REQUESTED
    (requested,) = audit(AuditAction.EXPORT_REQUESTED, export)
    assert requested.actor_id == supervisor.pk
    assert requested.after["scope"]["tier"] == "vip"


def test_r_sec_2_request_needs_a_purpose_and_a_sane_scope(supervisor: User) -> None:
    with pytest.raises(ValidationError) as error:
        exports.request_export(
            supervisor,
            purpose=" ",
            tier="platinum",
            registered_from=date(2026, 2, 1),
            registered_to=date(2026, 1, 1),
        )
    assert set(error.value.message_dict) == {"purpose", "tier", "registered_to"}


def test_r_sec_2_export_without_approval_is_refused_and_logged(
    supervisor: User, customers: list[Customer], private_dir: Path
) -> None:
    export = vip_hangzhou(supervisor)
    with translation.override("en"), pytest.raises(PermissionDenied, match="approval"):
        exports.generate(supervisor, export)
    assert audit(AuditAction.EXPORT_REFUSED, export)
    assert not list(private_dir.glob("*"))
    export.refresh_from_db()
    assert export.status == ExportStatus.REQUESTED


def test_r_sec_2_approved_export_has_the_right_rows_and_is_audited(
    supervisor: User, manager: User, customers: list[Customer], private_dir: Path
) -> None:
    export = vip_hangzhou(supervisor)
    exports.approve(manager, export, "季度回访")
    export = exports.generate(supervisor, export)
    assert export.status == ExportStatus.USED
    assert export.row_count == 3  # VIP甲, VIP乙, VIP丙: VIPs in 杭州
    (generated,) = audit(AuditAction.EXPORT, export)
    assert generated.actor_id == supervisor.pk
    assert generated.after["rows"] == 3
    assert generated.after["scope"] == {
        "tier": "vip",
        "customer_type": "",
        "region": "杭州",
        "registered_from": "",
        "registered_to": "",
    }
    (approved,) = audit(AuditAction.EXPORT_APPROVED, export)
    assert approved.actor_id == manager.pk

    text = (private_dir / export.file_name).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4  # header + 3
    names = {row[1] for row in rows[1:]}
    assert names == {"VIP甲", "VIP乙", "VIP丙"}
    assert "13900000002" in text  # full numbers: that is what the approval is for
    assert "110101199001011234" in text


def test_r_sec_2_registered_date_range_and_xlsx(
    supervisor: User, manager: User, customers: list[Customer], private_dir: Path
) -> None:
    export = exports.request_export(
        supervisor,
        purpose="2025 年注册的 VIP",
        tier=CustomerTier.VIP,
        registered_from=date(2025, 1, 1),
        registered_to=date(2025, 12, 31),
        file_format=ExportFormat.XLSX,
    )
    exports.approve(manager, export)
    export = exports.generate(supervisor, export)
    assert export.row_count == 2
    sheet = load_workbook(private_dir / export.file_name, read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 3
    assert {values[1][1], values[2][1]} == {"VIP甲", "VIP乙"}


def test_r_sec_2_the_requester_cannot_approve_their_own_request(
    manager: User, second_manager: User, supervisor: User
) -> None:
    own = vip_hangzhou(manager)
    with pytest.raises(PermissionDenied):
        exports.approve(manager, own)
    with pytest.raises(PermissionDenied):
        exports.approve(supervisor, vip_hangzhou(supervisor))  # not a manager
    exports.approve(second_manager, own)
    own.refresh_from_db()
    assert own.approver_id == second_manager.pk


def test_r_sec_2_a_decision_is_final(supervisor: User, manager: User) -> None:
    export = vip_hangzhou(supervisor)
    with pytest.raises(ValidationError):
        exports.reject(manager, export, "")
    exports.reject(manager, export, "范围过大")
    with pytest.raises(IllegalTransition):
        exports.approve(manager, export)
    with pytest.raises(PermissionDenied):
        exports.generate(supervisor, export)


def test_r_sec_2_only_the_requester_generates_and_downloads(
    client: Client, supervisor: User, manager: User, customers: list[Customer]
) -> None:
    export = vip_hangzhou(supervisor)
    exports.approve(manager, export)
    with pytest.raises(PermissionDenied):
        exports.generate(manager, export)
    exports.generate(supervisor, export)
    client.force_login(manager)
    assert client.get(f"/audit/exports/{export.pk}/download/").status_code == 403
    assert client.get(f"/api/v1/exports/{export.pk}/file").status_code == 403
    client.force_login(supervisor)
    response = client.get(f"/audit/exports/{export.pk}/download/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "VIP甲" in body
    assert len(audit(AuditAction.EXPORT_DOWNLOADED, export)) == 1


def test_r_sec_2_the_file_expires(
    supervisor: User, manager: User, customers: list[Customer], private_dir: Path
) -> None:
    export = vip_hangzhou(supervisor)
    exports.approve(manager, export)
    export = exports.generate(supervisor, export)
    ExportRequest.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    export.refresh_from_db()
    with translation.override("en"), pytest.raises(PermissionDenied, match="expired"):
        exports.open_export(supervisor, export)
    assert exports.purge_expired() == (0, 1)
    assert not (private_dir / export.file_name).exists()


def test_r_sec_2_an_unused_approval_lapses(supervisor: User, manager: User) -> None:
    export = vip_hangzhou(supervisor)
    exports.approve(manager, export)
    with override_settings(KEFU_EXPORT_TTL_HOURS=1):
        assert exports.purge_expired() == (0, 0)
        ExportRequest.objects.filter(pk=export.pk).update(
            decided_at=timezone.now() - timedelta(hours=2)
        )
        with pytest.raises(PermissionDenied):
            exports.generate(supervisor, export)
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED


def test_r_sec_2_pages_request_approve_generate(
    client: Client, supervisor: User, manager: User, customers: list[Customer]
) -> None:
    client.force_login(supervisor)
    assert client.get("/audit/exports/").status_code == 200
    assert client.get("/audit/exports/approvals/").status_code == 403
    bad = client.post("/audit/exports/", {"purpose": "", "file_format": "csv"})
    assert bad.status_code == 200
    assert "is-invalid" in bad.content.decode()
    client.post(
        "/audit/exports/",
        {"purpose": "回访", "tier": "vip", "region": "杭州", "file_format": "csv"},
    )
    export = ExportRequest.objects.get(requester=supervisor)
    refused = client.post(f"/audit/exports/{export.pk}/generate/")
    assert refused.status_code == 403

    client.force_login(manager)
    queue = client.get("/audit/exports/approvals/")
    assert f'data-testid="pending-{export.pk}"' in queue.content.decode()
    client.post(f"/audit/exports/{export.pk}/approve/", {"reason": "同意"})
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED

    client.force_login(supervisor)
    client.post(f"/audit/exports/{export.pk}/generate/")
    export.refresh_from_db()
    assert (export.status, export.row_count) == (ExportStatus.USED, 3)


def test_r_sec_2_api_flow(
    client: Client, supervisor: User, manager: User, customers: list[Customer]
) -> None:
    client.force_login(supervisor)
    bad = client.post("/api/v1/exports", {"purpose": ""}, content_type="application/json")
    assert bad.status_code == 422
    assert "purpose" in bad.json()["errors"]
    created = client.post(
        "/api/v1/exports",
        {"purpose": "媒体名单", "customer_type": "media", "file_format": "csv"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.post(f"/api/v1/exports/{pk}/generate").status_code == 403
    assert client.get("/api/v1/exports/pending").status_code == 403

    client.force_login(manager)
    assert [x["id"] for x in client.get("/api/v1/exports/pending").json()] == [pk]
    approved = client.post(
        f"/api/v1/exports/{pk}/approve", {"reason": ""}, content_type="application/json"
    )
    assert approved.json()["status"] == "approved"
    again = client.post(
        f"/api/v1/exports/{pk}/reject", {"reason": "x"}, content_type="application/json"
    )
    assert again.status_code == 409

    client.force_login(supervisor)
    generated = client.post(f"/api/v1/exports/{pk}/generate").json()
    assert generated["row_count"] == 1
    assert generated["download_url"] == f"/api/v1/exports/{pk}/file"
    mine = client.get("/api/v1/exports").json()
    assert [x["id"] for x in mine] == [pk]
    file = client.get(generated["download_url"])
    assert file.status_code == 200
    assert "媒体戊" in b"".join(file.streaming_content).decode("utf-8-sig")


def test_r_sec_2_files_are_not_under_public_folders(private_dir: Path) -> None:
    from django.conf import settings

    with override_settings(KEFU_EXPORT_DIR=None):
        folder = exports.export_dir().resolve()
    for public in [settings.MEDIA_ROOT, settings.STATIC_ROOT]:
        assert not folder.is_relative_to(Path(public).resolve())
