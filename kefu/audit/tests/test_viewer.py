"""R-SEC-3 viewer: managers and administrators read the trail with filters and keyset pages;
phone and ID numbers are masked for those without the personal-data permission (R-SEC-1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kefu.audit.models import AuditRecord
from kefu.audit.services import record
from kefu.customers.models import Customer
from kefu.org.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("manager", 200),
        ("administrator", 200),
        ("agent", 403),
        ("senior_agent", 403),
        ("team_leader", 403),
        ("handler", 403),
        ("supervisor", 403),
    ],
)
def test_r_sec_3_only_managers_and_administrators_see_the_trail(
    request: pytest.FixtureRequest, client: Client, persona: str, status: int
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/audit/trail/").status_code == status
    assert client.get("/api/v1/audit/").status_code == status


def test_anonymous_is_sent_to_login(client: Client, db: None) -> None:
    assert client.get("/audit/trail/").status_code == 302
    assert client.get("/api/v1/audit/").status_code == 401


def test_r_sec_3_filters(client: Client, manager: User, agent: User, teammate: User) -> None:
    record(agent, "customer.reveal", teammate, summary="甲")
    record(teammate, "customer.reveal", agent, summary="乙")
    record(agent, "login", agent)
    client.force_login(manager)

    def api(**params: str) -> list[str]:
        response = client.get("/api/v1/audit/", {**params, "action": "customer.reveal"})
        return [item["summary"] for item in response.json()["items"]]

    assert api(actor="1001") == ["甲"]
    assert api(actor="李娜") == ["乙"]
    assert api(model="org.user", object_id=str(agent.pk)) == ["乙"]
    today = timezone.localdate()
    assert api(date_from=str(today), date_to=str(today)) == ["乙", "甲"]
    assert api(date_to=str(today - timedelta(days=1))) == []
    page = client.get("/audit/trail/", {"actor": "1001", "action": "customer.reveal"})
    assert page.content.decode().count('data-testid="audit-row"') == 1


def test_r_sec_3_keyset_pages_walk_the_whole_trail(
    client: Client, manager: User, agent: User
) -> None:
    for n in range(7):
        record(agent, "paging.test", summary=f"#{n}")
    client.force_login(manager)
    seen: list[str] = []
    cursor: int | None = None
    while True:
        params: dict[str, str | int] = {"action": "paging.test", "limit": 3}
        if cursor:
            params["before"] = cursor
        body = client.get("/api/v1/audit/", params).json()
        seen += [item["summary"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"#{n}" for n in reversed(range(7))]
    first = client.get("/audit/trail/", {"action": "customer.reveal"})
    assert first.status_code == 200


def test_r_sec_1_numbers_are_masked_for_viewers_without_personal_data(
    client: Client, manager: User, administrator: User, customers: list[Customer]
) -> None:
    contact = customers[1].contacts.get()
    contact.value = "+8613911112222"
    contact.save()
    record(manager, "note", summary="客户身份证 110101199001011234")
    client.force_login(administrator)
    masked = client.get("/api/v1/audit/", {"model": "customers.contactpoint"}).json()
    change = next(i for i in masked["items"] if i["action"] == "update")
    assert change["after"] == {"value": "139****2222"}
    assert change["before"] == {"value": "139****0002"}
    page = client.get("/audit/trail/").content.decode()
    assert "13911112222" not in page
    assert "110101199001011234" not in page
    assert "110***********1234" in page

    client.force_login(manager)  # holds customers.view_personal_data
    full = client.get("/api/v1/audit/", {"model": "customers.contactpoint"}).json()
    change = next(i for i in full["items"] if i["action"] == "update")
    assert change["after"] == {"value": "+8613911112222"}


def test_the_admin_always_masks_numbers(
    client: Client, administrator: User, customers: list[Customer]
) -> None:
    row = AuditRecord.objects.filter(action="create", object_repr="VIP乙").get()
    client.force_login(administrator)
    page = client.get(f"/admin/audit/auditrecord/{row.pk}/change/").content.decode()
    assert "110101199001011234" not in page
    assert "110***********1234" in page


def test_navigation_shows_data_security_to_those_who_use_it(
    client: Client, manager: User, supervisor: User, agent: User
) -> None:
    client.force_login(manager)
    landing = client.get("/audit/")
    assert landing.status_code == 200
    assert 'data-testid="audit-table"' in landing.content.decode()
    client.force_login(supervisor)
    assert 'data-testid="export-request-form"' in client.get("/audit/").content.decode()
    client.force_login(agent)
    assert client.get("/audit/").status_code == 403
