"""Registering orders through the API: normalised phones, field errors, Idempotency-Key (R-IN-1)."""

from __future__ import annotations

from kefu.core.models import IdempotencyRecord
from kefu.tickets.choices import EventKind, Status
from kefu.tickets.models import Ticket
from kefu.tickets.tests.api_fixtures import Api, complaint


def test_it_registers_an_order_with_the_phone_in_e164(org):
    """R-IN-1: any spelling of the number is stored as one; the customer is found or created."""
    response = Api(org["agent"]).post("/tickets", complaint(contact_phone="138-1234-5678"))
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()["number"])
    assert ticket.contact_phone == "+8613812345678"
    assert ticket.customer is not None
    assert ticket.status == Status.REGISTERED
    assert ticket.registered_by == org["agent"]
    assert ticket.events.get().kind == EventKind.REGISTERED
    body = response.json()
    assert body["type_label"] == "A1-III"
    assert body["classification"]["call_type"] == {
        "code": "A1",
        "name": ticket.call_type.name,
        "is_complaint": True,
    }
    assert body["version"] == ticket.version


def test_a_complaint_without_level_is_a_422_naming_the_level_field_in_chinese(org):
    """R-CLS-4; messages follow the center's language (zh-hans), not Accept-Language."""
    response = Api(org["agent"]).post(
        "/tickets", complaint(level=""), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"level"}
    assert "投诉需要选择级别" in response.json()["errors"]["level"][0]
    assert "投诉需要选择级别" in response.json()["detail"]
    assert Ticket.objects.count() == 0


def test_a_bad_phone_number_is_a_field_error(org):
    response = Api(org["agent"]).post("/tickets", complaint(contact_phone="12"))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"contact_phone"}
    assert Ticket.objects.count() == 0


def test_one_answer_names_every_field_to_fix(org):
    response = Api(org["agent"]).post("/tickets", complaint(contact_phone="12", level="", title=""))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"contact_phone", "level", "title"}
    assert errors["contact_phone"] == ["这不是有效的电话号码。"]


def test_unknown_codes_are_field_errors_all_at_once(org):
    response = Api(org["agent"]).post(
        "/tickets",
        complaint(call_type="Z9", nature="no-such-nature", complained_staff="0000"),
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"call_type", "nature", "complained_staff"}
    assert "Z9" in response.json()["errors"]["call_type"][0]


def test_bad_channel_level_and_priority_values_are_field_errors(org):
    response = Api(org["agent"]).post(
        "/tickets", complaint(channel="pigeon", level="V", priority="asap")
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"channel", "level", "priority"}


def test_a_missing_required_field_is_ninjas_422_with_errors_by_field(org):
    body = complaint()
    del body["call_type"]
    response = Api(org["agent"]).post("/tickets", body)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert set(response.json()["errors"]) == {"call_type"}


def test_a_role_without_registration_gets_403(org):
    response = Api(org["statistician"]).post("/tickets", complaint())
    assert response.status_code == 403
    assert Ticket.objects.count() == 0


def test_the_same_idempotency_key_twice_creates_one_order_and_replays_the_response(org):
    agent = Api(org["agent"])
    headers = {"Idempotency-Key": "cti-call-20261124-0001"}
    first = agent.post("/tickets", complaint(), headers=headers)
    second = agent.post("/tickets", complaint(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Ticket.objects.count() == 1
    assert IdempotencyRecord.objects.get().user == org["agent"]


def test_the_same_idempotency_key_with_another_body_is_a_422(org):
    agent = Api(org["agent"])
    headers = {"Idempotency-Key": "k-1"}
    assert agent.post("/tickets", complaint(), headers=headers).status_code == 201
    response = agent.post("/tickets", complaint(title="另一件事"), headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user_and_a_failed_create_does_not_use_up_the_key(org):
    headers = {"Idempotency-Key": "shared-key"}
    failed = Api(org["agent"]).post("/tickets", complaint(level=""), headers=headers)
    assert failed.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    assert Api(org["agent"]).post("/tickets", complaint(), headers=headers).status_code == 201
    assert Api(org["agent2"]).post("/tickets", complaint(), headers=headers).status_code == 201
    assert Ticket.objects.count() == 2


def test_without_a_key_every_request_creates_an_order(org):
    agent = Api(org["agent"])
    agent.post("/tickets", complaint())
    agent.post("/tickets", complaint())
    assert Ticket.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_taxonomy_lists_the_codes_a_form_needs(org):
    body = Api(org["agent"]).get("/taxonomy").json()
    call_types = {c["code"]: c["is_complaint"] for c in body["call_types"]}
    assert call_types["A1"] is True
    assert call_types["E"] is False
    assert [level["code"] for level in body["levels"]] == ["I", "II", "III", "IV"]
    assert "phone" in [c["code"] for c in body["channels"]]
    assert body["natures"]
    assert body["priorities"]
