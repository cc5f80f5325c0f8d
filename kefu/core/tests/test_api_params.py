"""Across the API: a query value an endpoint cannot use is a 422 naming it (never an answer as if
it had not been sent); permission is checked before the body's content; the OpenAPI document
can be fetched with a token and describes the error answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.audit import exports
from kefu.org.models import User
from kefu.org.tokens import issue_token

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def staff(employee_no: str) -> User:
    return User.objects.get(employee_no=employee_no)


def bearer(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, 'tests')[1]}"})


def refused(response: Any, field: str) -> list[str]:
    """The messages of a 422 that names exactly ``field``."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"]
    return body["errors"][field]


# --- Query values -------------------------------------------------------------------------------


def test_an_unknown_report_kind_is_refused_not_answered_with_nothing(org: Any) -> None:
    client = bearer(staff("1043"))  # statistician: reports.view
    messages = refused(client.get(f"{BASE}/callbacks/reports", {"kind": "bogus"}), "kind")
    assert "bogus" in messages[0]
    assert (
        client.get(f"{BASE}/callbacks/reports", {"kind": "weekly_satisfaction"}).status_code == 200
    )


def test_callback_rates_refuse_a_period_that_ends_before_it_starts(org: Any) -> None:
    client = bearer(staff("1043"))
    backwards = {"start": "2026-12-02", "end": "2026-11-01"}
    messages = refused(client.get(f"{BASE}/callbacks/rates", backwards), "end")
    assert messages == ["结束时间早于开始时间。"]  # the caller's language: the center's default
    forwards = {"start": "2026-11-01", "end": "2026-12-02"}
    assert client.get(f"{BASE}/callbacks/rates", forwards).status_code == 200


@pytest.mark.parametrize("limit", [0, 201, 1000])
def test_the_audit_trail_refuses_a_page_size_out_of_bounds(org: Any, limit: int) -> None:
    refused(bearer(staff("9001")).get(f"{BASE}/audit/", {"limit": limit}), "limit")


def test_the_audit_trail_still_pages_within_bounds(org: Any) -> None:
    response = bearer(staff("9001")).get(f"{BASE}/audit/", {"limit": 200})
    assert response.status_code == 200


def test_the_audit_trail_refuses_an_unknown_model_and_a_backwards_range(org: Any) -> None:
    client = bearer(staff("9001"))
    refused(client.get(f"{BASE}/audit/", {"model": "tickets.nothing"}), "model")
    assert client.get(f"{BASE}/audit/", {"model": "tickets.ticket"}).status_code == 200
    backwards = {"date_from": "2026-12-02", "date_to": "2026-11-01"}
    refused(client.get(f"{BASE}/audit/", backwards), "date_to")


@pytest.mark.parametrize(
    ("name", "value"), [("tier", "gold"), ("customer_type", "x"), ("kind", "y")]
)
def test_the_customer_list_refuses_an_unknown_code(org: Any, name: str, value: str) -> None:
    refused(bearer(staff("1001")).get(f"{BASE}/customers/", {name: value}), name)


def test_the_customer_list_accepts_known_codes(org: Any) -> None:
    known = {"tier": "vip", "customer_type": "end_user", "kind": "person"}
    assert bearer(staff("1001")).get(f"{BASE}/customers/", known).status_code == 200


@pytest.mark.parametrize("limit", [0, 1001])
def test_dormant_customers_refuse_a_limit_out_of_bounds(org: Any, limit: int) -> None:
    refused(bearer(staff("1001")).get(f"{BASE}/customers/dormant", {"limit": limit}), "limit")


@pytest.mark.parametrize(("name", "value"), [("limit", 0), ("limit", 51), ("offset", -1)])
def test_knowledge_search_refuses_a_page_out_of_bounds(org: Any, name: str, value: int) -> None:
    response = bearer(staff("1001")).get(f"{BASE}/kb/search", {"q": "宽带", name: value})
    refused(response, name)


# --- Permission before content -----------------------------------------------------------------


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_who_may_not_decide_exports_gets_403_whatever_the_reason(org: Any, decision: str) -> None:
    export = exports.request_export(staff("1060"), purpose="VIP 回访活动名单", tier="vip")
    response = bearer(staff("9001")).post(  # the administrator may not decide exports
        f"{BASE}/exports/{export.pk}/{decision}",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "errors" not in response.json()


def test_a_manager_rejecting_without_a_reason_gets_the_field_error(org: Any) -> None:
    export = exports.request_export(staff("1060"), purpose="VIP 回访活动名单", tier="vip")
    response = bearer(staff("1070")).post(
        f"{BASE}/exports/{export.pk}/reject",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    refused(response, "reason")


def test_a_manager_may_not_decide_their_own_request_whatever_the_reason(org: Any) -> None:
    manager = staff("1070")
    export = exports.request_export(manager, purpose="VIP 回访活动名单", tier="vip")
    response = bearer(manager).post(
        f"{BASE}/exports/{export.pk}/reject",
        json.dumps({"reason": ""}),
        content_type="application/json",
    )
    assert response.status_code == 403


# --- The OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document_can_be_fetched_with_a_token(org: Any) -> None:
    response = bearer(staff("1001")).get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    assert f"{BASE}/tickets" in response.json()["paths"]


def test_the_openapi_document_refuses_a_wrong_token(db: None) -> None:
    client = Client(headers={"Authorization": "Bearer not-a-key"})
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_the_docs_page_stays_for_a_session(org: Any) -> None:
    assert bearer(staff("1001")).get(f"{BASE}/docs").status_code == 302
    assert Client().get(f"{BASE}/openapi.json").status_code == 302


@pytest.fixture
def document(agent: User, login: Callable[[User], Client]) -> dict[str, Any]:
    return login(agent).get(f"{BASE}/openapi.json").json()


def responses(document: dict[str, Any], method: str, path: str) -> set[str]:
    return set(document["paths"][BASE + path][method]["responses"])


def test_the_document_describes_the_error_answers(document: dict[str, Any]) -> None:
    move = document["paths"][f"{BASE}/tickets/{{number}}/accept"]["post"]["responses"]
    assert set(move) == {"200", "401", "403", "404", "409", "422"}
    assert move["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ConflictOut"
    }
    assert move["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FieldErrorsOut"
    }
    schemas = document["components"]["schemas"]
    assert set(schemas["FieldErrorsOut"]["required"]) == {"detail", "errors"}
    assert schemas["ConflictOut"]["properties"]["code"]["enum"] == ["stale", "illegal_transition"]


def test_the_document_claims_only_the_errors_an_operation_can_give(
    document: dict[str, Any],
) -> None:
    assert responses(document, "get", "/me") == {"200", "401"}  # any account; nothing to check
    assert responses(document, "get", "/tickets/{number}") == {"200", "401", "403", "404"}
    assert responses(document, "get", "/tickets") == {"200", "401", "403", "422"}
    assert "409" not in responses(document, "post", "/kb/articles/{article_id}/uses")
    assert "409" in responses(document, "post", "/exports/{pk}/reject")
    # The duplicate answer of customer creation keeps its own body.
    created = document["paths"][f"{BASE}/customers/"]["post"]["responses"]["409"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/DuplicateOut")
    register = document["paths"][f"{BASE}/tickets"]["post"]["responses"]["422"]
    assert len(register["content"]["application/json"]["schema"]["anyOf"]) == 2
