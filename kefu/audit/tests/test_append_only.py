"""R-SEC-3: the audit trail cannot be edited or deleted — not through the model, the admin, the
API, nor a raw SQL statement."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from kefu.audit.models import AppendOnlyError, AuditRecord
from kefu.audit.services import record
from kefu.org.models import User


@pytest.fixture
def row(agent: User) -> AuditRecord:
    record(agent, "customer.reveal", agent, summary="original")
    return AuditRecord.objects.latest("id")


@pytest.mark.django_db
def test_r_sec_3_model_refuses_update_and_delete(row: AuditRecord) -> None:
    row.summary = "forged"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.save(update_fields=["summary"])
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=row.pk).update(summary="forged")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.bulk_update([row], ["summary"])
    row.refresh_from_db()
    assert row.summary == "original"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditrecord SET summary = 'forged'",
        "DELETE FROM audit_auditrecord",
    ],
)
def test_r_sec_3_raw_update_is_refused_by_the_database(row: AuditRecord, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    row.refresh_from_db()
    assert row.summary == "original"


@pytest.mark.django_db
def test_r_sec_3_truncate_is_refused_on_postgresql(row: AuditRecord) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; DELETE is covered above")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditrecord")


@pytest.mark.django_db
def test_r_sec_3_admin_is_read_only(client: Client, administrator: User, row: AuditRecord) -> None:
    client.force_login(administrator)
    base = f"/admin/audit/auditrecord/{row.pk}"
    assert client.get("/admin/audit/auditrecord/").status_code == 200
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert b'name="summary"' not in page.content  # shown, not editable
    assert client.post(f"{base}/change/", {"summary": "forged"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditrecord/add/").status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    client.post("/admin/audit/auditrecord/", bulk)
    row.refresh_from_db()
    assert row.summary == "original"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_r_sec_3_api_has_no_write_endpoint(
    client: Client, manager: User, row: AuditRecord, method: str
) -> None:
    client.force_login(manager)
    for path in ["/api/v1/audit/", f"/api/v1/audit/{row.pk}"]:
        response = getattr(client, method)(
            path, data={"summary": "forged"}, content_type="application/json"
        )
        assert response.status_code in {404, 405}, (method, path, response.status_code)
    row.refresh_from_db()
    assert row.summary == "original"
    assert AuditRecord.objects.filter(summary="forged").count() == 0


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_every_table_and_keeps_the_guard(agent_in_flushable_db: User) -> None:
    """``kefu flush`` (the test runner's cleanup) lifts the triggers only while it runs."""
    from django.core.management import call_command

    record(agent_in_flushable_db, "customer.reveal", agent_in_flushable_db)
    assert AuditRecord.objects.filter(action="customer.reveal").exists()
    call_command("flush", interactive=False, verbosity=0)
    # Gone with everything else (post_migrate then re-creates the roles, which is recorded).
    assert not AuditRecord.objects.filter(action="customer.reveal").exists()
    record(None, "backup")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditrecord")


@pytest.fixture
def agent_in_flushable_db(transactional_db: None) -> User:
    return User.objects.create_user("7001", "x-Pass-2026", name="测试")


@pytest.mark.django_db
def test_writing_a_record_back_unchanged_is_not_a_change(row: AuditRecord) -> None:
    """What Django's deserializer does (loaddata, serialized rollback): allowed, harmless."""
    from django.core import serializers

    data = serializers.serialize("json", [row])
    for obj in serializers.deserialize("json", data):
        obj.save()
    row.refresh_from_db()
    assert row.summary == "original"
    forged = data.replace("original", "forged")
    (changed,) = serializers.deserialize("json", forged)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        changed.save()
