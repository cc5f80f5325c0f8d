"""R-SEC-3: changes to audited models, sign-ins and role changes land in the trail by
themselves, with the values before and after."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditRecord
from kefu.audit.registry import AUDITED_MODELS
from kefu.audit.signals import audited_models, remember_locked
from kefu.customers.models import Customer
from kefu.customers.services import current_data, update_customer
from kefu.org.demo import DEMO_PASSWORD
from kefu.org.models import Role, User
from kefu.tickets import actions
from kefu.tickets.models import CallType, Ticket

pytestmark = pytest.mark.django_db


def mark() -> int:
    """The id of the newest record: what a test does is recorded after it."""
    last = AuditRecord.objects.order_by("-id").first()
    return last.pk if last else 0


def records_for(obj: object, action: str, since: int = 0) -> list[AuditRecord]:
    content_type = ContentType.objects.get_for_model(type(obj))
    return list(
        AuditRecord.objects.filter(
            id__gt=since,
            content_type=content_type,
            object_id=str(obj.pk),  # type: ignore[attr-defined]
            action=action,
        ).order_by("id")
    )


def test_r_sec_3_registry_covers_orders_customers_roles_and_settings() -> None:
    labels = {m._meta.label for m in audited_models()}
    for label in [
        "tickets.Ticket",
        "tickets.Dispatch",
        "tickets.DispatchDraft",
        "tickets.CallType",
        "tickets.RoutingRule",
        "customers.Customer",
        "customers.ContactPoint",
        "org.User",
        "org.Role",
        "org.Department",
        "org.ApiToken",
        "kb.Article",
        "sla.Policy",
        "sla.Calendar",
        "callbacks.CallbackSettings",
    ]:
        assert label in labels
    # Records of their own (timeline, clocks, search logs) are not audited as changes.
    assert not labels & {"tickets.TimelineEvent", "sla.Clock", "kb.SearchLog", "audit.AuditRecord"}
    assert all(
        label.split(".")[0]
        in {"tickets", "customers", "org", "kb", "sla", "notifications", "callbacks"}
        for label in AUDITED_MODELS
    )


def test_r_sec_3_customer_create_change_delete(customers: list[Customer], agent: User) -> None:
    customer = customers[0]
    created = records_for(customer, AuditAction.CREATE)
    assert len(created) == 1
    assert created[0].after["name"] == "VIP甲"
    assert created[0].actor_id is None

    data = current_data(customer)
    data.region = "宁波"
    update_customer(agent, customer, data)
    (change,) = records_for(customer, AuditAction.UPDATE)
    assert change.before == {"region": "杭州"}
    assert change.after == {"region": "宁波"}
    assert change.changed_fields == ["region"]

    contact = customer.contacts.get()
    contact_id = contact.pk
    contact.delete()
    contact.pk = contact_id
    (deleted,) = records_for(contact, AuditAction.DELETE)
    assert deleted.before["value"] == "+8613900000001"


def test_r_sec_3_saving_without_a_change_writes_nothing(customers: list[Customer]) -> None:
    customer = customers[0]
    before = AuditRecord.objects.count()
    customer.save()
    assert AuditRecord.objects.count() == before


def test_r_sec_3_password_hashes_are_never_copied(agent: User) -> None:
    since = mark()
    agent.set_password("New-Secret-2026")
    agent.name = "王丽丽"
    agent.save()
    (change,) = records_for(agent, AuditAction.UPDATE, since)
    assert change.changed_fields == ["name"]
    text = str(change.before) + str(change.after)
    assert "password" not in text
    assert "md5" not in text


def test_r_sec_3_role_changes_are_recorded(agent: User) -> None:
    senior = Role.objects.get(code="senior_agent")
    old = sorted(agent.roles.values_list("pk", flat=True))
    since = mark()
    agent.roles.add(senior)
    updates = records_for(agent, AuditAction.UPDATE, since)
    change = [r for r in updates if "roles" in r.changed_fields]
    assert len(change) == 1
    assert change[0].before == {"roles": old}
    assert change[0].after == {"roles": sorted([*old, senior.pk])}


def test_r_sec_3_order_changes_are_recorded_with_the_actor(
    client: Client, senior_agent: User, taxonomy: None
) -> None:
    """Through the API as a logged-in user: the trail names who changed what, before/after."""
    client.force_login(senior_agent)
    created = client.post(
        "/api/v1/tickets",
        {
            "call_type": "E",
            "channel": "phone",
            "title": "咨询宽带资费",
            "contact_phone": "13900000009",
            "contact_name": "张先生",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    ticket = Ticket.objects.get(number=created.json()["number"])
    (create,) = records_for(ticket, AuditAction.CREATE)
    assert create.actor_id == senior_agent.pk
    assert create.after["title"] == "咨询宽带资费"

    changed = client.patch(
        f"/api/v1/tickets/{ticket.number}",
        {"version": ticket.version, "title": "咨询宽带资费（光纤）"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    updates = records_for(ticket, AuditAction.UPDATE)
    titled = [u for u in updates if "title" in u.changed_fields]
    assert len(titled) == 1
    assert titled[0].actor_id == senior_agent.pk
    assert titled[0].before["title"] == "咨询宽带资费"
    assert titled[0].after["title"] == "咨询宽带资费（光纤）"


def test_r_sec_3_logins_failed_logins_and_logouts(client: Client, agent: User) -> None:
    assert client.post("/login/", {"username": "1001", "password": "wrong"}).status_code == 200
    failed = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED).latest("id")
    assert failed.summary == "1001"
    assert failed.actor_id is None
    assert failed.object_id == str(agent.pk)
    assert failed.ip == "127.0.0.1"

    client.post("/login/", {"username": "1001", "password": DEMO_PASSWORD})
    login = AuditRecord.objects.filter(action=AuditAction.LOGIN).latest("id")
    assert login.actor_id == agent.pk

    client.post("/logout/")
    logout = AuditRecord.objects.filter(action=AuditAction.LOGOUT).latest("id")
    assert logout.actor_id == agent.pk
    # The login's last_login update is not noise in the trail.
    assert not [
        r for r in records_for(agent, AuditAction.UPDATE) if "last_login" in r.changed_fields
    ]


def test_r_sec_3_an_order_read_under_lock_is_not_read_again_for_its_before(
    senior_agent: User, taxonomy: None
) -> None:
    """A move reads the order once (``SELECT … FOR UPDATE``); its audit record's "before" is what
    that read found. A second save in the same transaction compares with the first one."""
    reg = actions.Registration(
        call_type=CallType.objects.get(code="E"), channel="phone", title="咨询宽带资费",
        contact_phone="+8613900000009",
    )  # fmt: skip
    ticket = actions.register(senior_agent, reg)
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        remember_locked(locked)
        locked.title = "咨询宽带资费（光纤）"
        with CaptureQueriesContext(connection) as ctx:
            locked.save(update_fields=["title"])
        assert not [q for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
        locked.title = "咨询光纤资费"
        locked.save(update_fields=["title"])
    first, second = records_for(ticket, AuditAction.UPDATE)
    assert (first.before["title"], first.after["title"]) == ("咨询宽带资费", "咨询宽带资费（光纤）")
    assert (second.before["title"], second.after["title"]) == (
        "咨询宽带资费（光纤）",
        "咨询光纤资费",
    )
