"""R-SEC-1: every page and API endpoint that returns a customer, for every demo role.

Working views (the order page, the screen pops, the work-order API) show the full number exactly
to the roles with ``customers.view_personal_data``; the customer archive (lists, the customer
page, duplicates, dormant, birthdays, tasks, the customer API) shows every number masked to
everyone; revealing is for permission holders only and is logged (decision 0006).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.audit.models import AuditRecord
from kefu.customers import campaigns, masking, services
from kefu.customers.models import Customer
from kefu.org.roles import ROLES, ROLES_BY_CODE
from kefu.tickets import actions
from kefu.tickets.choices import Channel
from kefu.tickets.models import CallType
from kefu.tickets.tests.api_fixtures import Api

CALLER = "13812345678"  # the customer with an order
SLEEPER = "13912345678"  # a dormant customer, born today, with a duplicate record
ID_NUMBER = "310101198001011234"
FULL = (CALLER, SLEEPER, ID_NUMBER)
ROLE_CODES = [role.code for role in ROLES]
PERSONAL = {code for code in ROLE_CODES if masking.PERSONAL_DATA in ROLES_BY_CODE[code].permissions}


def test_decision_0006_who_sees_full_numbers():
    """The roles that talk to customers see numbers; QA, statistics, editors, clerks and the
    administrator do not."""
    assert {
        "agent",
        "senior_agent",
        "callback_surveyor",
        "team_leader",
        "supervisor",
        "manager",
        "manager_hotline",
        "department_handler",
    } == PERSONAL


@pytest.fixture
def world(staff, taxonomy):
    supervisor = staff["supervisor"]
    caller = services.create_customer(
        supervisor,
        services.CustomerData(name="陈先生", phones=[CALLER], id_number=ID_NUMBER, tier="vip"),
    )
    born = timezone.localdate() - timedelta(days=365 * 40)
    sleeper = services.create_customer(
        supervisor,
        services.CustomerData(
            name="沉睡客户", phones=[SLEEPER], birthday=born, id_number=ID_NUMBER
        ),
    )
    services.create_customer(
        supervisor,
        services.CustomerData(name="沉睡客户(重复)", phones=[SLEEPER]),
        allow_duplicate=True,
    )
    Customer.objects.filter(name__startswith="沉睡").update(
        last_activity_at=timezone.now() - timedelta(days=400)
    )
    order = actions.register(
        staff["senior_agent"],
        actions.Registration(
            call_type=CallType.objects.get(code="A1"),
            channel=Channel.PHONE,
            title="宽带断网",
            level="III",
            contact_phone="+86" + CALLER,
            customer=caller,
        ),
    )
    campaigns.start_campaign(staff["team_leader"], "唤醒", [sleeper], [staff["agent"]])
    campaigns.create_birthday_tasks()
    return {"caller": caller, "sleeper": sleeper, "order": order}


def _pages(world):
    caller, order = world["caller"], world["order"]
    return {
        "working": [reverse("tickets:detail", args=[order.number])],
        # The intake side panel shows no number at all: the agent typed it.
        "silent": [reverse("tickets:screen_pop") + f"?contact_phone={CALLER}"],
        "archive": [
            reverse("customers:list"),
            reverse("customers:list") + "?q=陈",  # (a number searched for is echoed back)
            reverse("customers:detail", args=[caller.pk]),
            reverse("customers:detail", args=[world["sleeper"].pk]),
            reverse("customers:edit", args=[caller.pk]),
            reverse("customers:duplicates"),
            reverse("customers:dormant"),
            reverse("customers:birthdays"),
            reverse("customers:tasks"),
        ],
    }


def _endpoints(world):
    caller, order = world["caller"], world["order"]
    return {
        "working": [
            f"/tickets/{order.number}",
            f"/screen-pop?phone={CALLER}",
            f"/customers/screen-pop?phone={CALLER}",
            "/tickets?queue=all",
        ],
        "archive": [
            "/customers/",
            f"/customers/?q={CALLER}",
            f"/customers/{caller.pk}",
            f"/customers/{world['sleeper'].pk}",
            "/customers/duplicates",
            "/customers/dormant",
            "/customers/birthdays",
            "/customers/tasks",
        ],
    }


def _leaks(body: str) -> set[str]:
    return {number for number in FULL if number in body}


@pytest.mark.parametrize("code", ROLE_CODES)
def test_r_sec_1_pages_mask_numbers_per_role(code, staff, world):
    client = Client()
    client.force_login(staff[code])
    shown = 0
    for kind, urls in _pages(world).items():
        for url in urls:
            response = client.get(url)
            body = response.content.decode()
            if response.status_code != 200:
                assert response.status_code in (302, 403, 404), url
                assert not _leaks(body), url
                continue
            shown += 1
            if kind == "working" and code in PERSONAL:
                assert CALLER in body, (code, url)
                assert ID_NUMBER not in body
            else:
                assert not _leaks(body), (code, url)
                if kind == "working":
                    assert "138****5678" in body, (code, url)
    if staff[code].has_perm("customers.view"):
        assert shown >= 7, code  # lists, both customer pages, duplicates, dormant, birthdays


@pytest.mark.parametrize("code", ROLE_CODES)
def test_r_sec_1_api_masks_numbers_per_role(code, staff, world):
    api = Api(staff[code])
    for kind, paths in _endpoints(world).items():
        for path in paths:
            response = api.get(path)
            body = response.content.decode()
            if response.status_code != 200:
                assert response.status_code in (403, 404), path
                assert not _leaks(body), path
                continue
            if kind == "working" and code in PERSONAL:
                assert "+86" + CALLER in body, (code, path)
            else:
                assert not _leaks(body), (code, path)


@pytest.mark.parametrize("code", ROLE_CODES)
def test_r_sec_1_revealing_is_for_permission_holders_and_logged(code, staff, world):
    caller = world["caller"]
    user = staff[code]
    allowed = code in PERSONAL and user.has_perm("customers.view")
    before = AuditRecord.objects.filter(action="customer.reveal").count()

    client = Client()
    client.force_login(user)
    page = client.post(reverse("customers:reveal", args=[caller.pk]))
    api = Api(user).post(f"/customers/{caller.pk}/reveal")
    if allowed:
        assert page.status_code == 200
        assert CALLER in page.content.decode()
        assert api.status_code == 200
        assert api.json() == {"phones": [CALLER], "id_number": ID_NUMBER}
        records = AuditRecord.objects.filter(action="customer.reveal").order_by("pk")
        assert records.count() == before + 2
        assert {(r.actor_id, r.object_id) for r in records} == {(user.pk, str(caller.pk))}
    else:
        assert page.status_code == 403
        assert not _leaks(page.content.decode())
        assert api.status_code == 403
        assert not _leaks(api.content.decode())
        assert AuditRecord.objects.filter(action="customer.reveal").count() == before


def test_r_sec_1_a_task_number_is_revealed_to_its_caller_only(staff, world):
    task = world["sleeper"].tasks.get(kind="wake_up")
    client = Client()
    client.force_login(staff["agent"])
    response = client.post(reverse("customers:task_reveal", args=[task.pk]))
    assert response.status_code == 200
    assert SLEEPER in response.content.decode()
    client.force_login(staff["agent2"])
    assert client.post(reverse("customers:task_reveal", args=[task.pk])).status_code == 403


def test_masking_helpers():
    assert masking.mask_text(ID_NUMBER) == "310***********1234"
    assert masking.masked_phone("+8613812345678") == "138****5678"
    assert masking.masked_phone("+862152345678") == "021****5678"
    assert masking.masked_phone("") == ""
