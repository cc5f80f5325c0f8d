"""R-SEC-3: ``record()``, the one way into the audit trail (the contract other apps call)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from kefu.audit.models import AuditRecord
from kefu.audit.services import record
from kefu.org.models import User

pytestmark = pytest.mark.django_db


def latest() -> AuditRecord:
    return AuditRecord.objects.latest("id")


def test_r_sec_3_record_copies_actor_target_and_changes(agent: User, teammate: User) -> None:
    record(
        agent,
        "customer.reveal",
        teammate,
        summary="full number shown",
        before={"phone": "138****0001", "same": 1, "day": date(2026, 1, 2)},
        after={"phone": "13800000001", "same": 1, "day": date(2026, 1, 3)},
    )
    row = latest()
    assert (row.actor_id, row.actor_employee_no, row.actor_name) == (agent.pk, "1001", "王丽")
    assert row.action == "customer.reveal"
    assert row.content_type == ContentType.objects.get_for_model(User)
    assert (row.object_id, row.object_repr) == (str(teammate.pk), str(teammate))
    assert row.changed_fields == ["day", "phone"]
    assert row.after == {"phone": "13800000001", "same": 1, "day": "2026-01-03"}
    assert row.summary == "full number shown"


def test_r_sec_3_actor_none_is_the_system(db: None) -> None:
    record(None, "backup", summary="nightly")
    row = latest()
    assert row.actor_id is None
    assert row.actor_employee_no == ""
    assert row.content_type is None
    assert row.changed_fields == []


def test_r_sec_3_request_gives_ip_user_agent_and_request_id(agent: User) -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Kefu-Test/1.0", HTTP_X_REQUEST_ID="abc-123"
    )
    record(agent, "login", agent, request=request)
    row = latest()
    assert (row.ip, row.user_agent, row.request_id) == ("10.1.2.3", "Kefu-Test/1.0", "abc-123")


def test_r_sec_3_a_bad_request_id_is_replaced(agent: User) -> None:
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="<script>")
    record(agent, "login", agent, request=request)
    assert latest().request_id not in {"", "<script>"}


def test_an_action_is_required(agent: User) -> None:
    with pytest.raises(ValueError, match="action"):
        record(agent, "")


def test_r_sec_3_web_requests_are_recorded_with_their_request_id(client, agent: User) -> None:
    """The middleware hands the request to signal handlers: who and from where."""
    client.force_login(agent)
    response = client.post(
        "/language/", {"language": "en"}, HTTP_X_REQUEST_ID="req-42", REMOTE_ADDR="10.9.8.7"
    )
    assert response.headers["X-Request-ID"] == "req-42"
    row = AuditRecord.objects.filter(request_id="req-42").first()
    assert row is not None, "changing one's language saves the user: an audited change"
    assert (row.actor_id, row.ip, row.changed_fields) == (agent.pk, "10.9.8.7", ["language"])
