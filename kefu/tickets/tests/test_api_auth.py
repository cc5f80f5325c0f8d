"""Who may call the API: tokens and sessions, with exactly the roles of the staff member."""

from __future__ import annotations

import json

from django.test import Client

from kefu.org.models import ApiToken
from kefu.org.roles import permissions_for
from kefu.org.tokens import issue_token, revoke
from kefu.tickets.models import Ticket
from kefu.tickets.tests.api_fixtures import BASE, Api, complaint


def test_a_token_acts_as_its_staff_member_with_their_roles(org):
    api = Api(org["agent"])
    me = api.get("/me").json()
    assert me["employee_no"] == org["agent"].employee_no
    assert set(me["permissions"]) == permissions_for({"agent"})
    assert api.post("/tickets", complaint()).status_code == 201
    assert Ticket.objects.get().registered_by == org["agent"]


def test_a_revoked_token_gets_401(org):
    token, key = issue_token(org["agent"], "CTI")
    api = Api(org["agent"], key=key)
    assert api.get("/tickets").status_code == 200
    revoke(ApiToken.objects.filter(pk=token.pk))
    assert api.get("/tickets").status_code == 401
    assert api.post("/tickets", complaint()).status_code == 401
    assert Ticket.objects.count() == 0


def test_a_wrong_key_and_no_credentials_get_401_also_on_writes(org):
    assert Api(org["agent"], key="not-a-key").get("/tickets").status_code == 401
    anonymous = Client()
    assert anonymous.get(f"{BASE}/tickets").status_code == 401
    response = anonymous.post(f"{BASE}/tickets", "{}", content_type="application/json")
    assert response.status_code == 401


def test_the_token_of_a_deactivated_account_stops_working(org):
    api = Api(org["agent"])
    org["agent"].is_active = False
    org["agent"].save(update_fields=["is_active"])
    assert api.get("/me").status_code == 401


def test_a_request_with_a_token_is_judged_by_the_token_not_the_session(org):
    token, key = issue_token(org["agent"], "CTI")
    revoke(ApiToken.objects.filter(pk=token.pk))
    client = Client()
    client.force_login(org["senior"])
    response = client.get(f"{BASE}/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_an_agents_token_cannot_review(org):
    """R-WO-3: the review queue and approving are for senior agents, through the API too."""
    agent = Api(org["agent"])
    number = agent.post("/tickets", complaint()).json()["number"]
    order = agent.move(number, "drafts").json()
    assert agent.get("/drafts").status_code == 403
    assert agent.get("/tickets", {"queue": "review"}).status_code == 403
    other_agent = Api(org["agent2"])
    response = other_agent.post(
        f"/drafts/{order['pending_draft']['id']}/approve", {"version": order["version"]}
    )
    assert response.status_code == 404  # not their order: they cannot even see the draft
    response = agent.post(
        f"/drafts/{order['pending_draft']['id']}/approve", {"version": order["version"]}
    )
    assert response.status_code == 403
    assert Ticket.objects.get().status == "awaiting_review"


def test_the_session_works_with_csrf_on_writes(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org["agent"])
    assert client.get(f"{BASE}/tickets").status_code == 200
    body = json.dumps(complaint())
    refused = client.post(f"{BASE}/tickets", body, content_type="application/json")
    assert refused.status_code == 403
    client.get("/")  # sets the CSRF cookie, as the web page does
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        f"{BASE}/tickets", body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_a_token_speaks_its_accounts_language_and_says_so(org):
    """The answer and its Content-Language follow the account's saved language; a browser's
    language cookie sent along does not count for a token."""
    agent = org["agent"]
    agent.language = "en"
    agent.save(update_fields=["language"])
    english = Api(agent).post("/tickets", complaint(contact_phone="12"))
    assert english.status_code == 422
    assert english["Content-Language"] == "en"
    assert "valid phone number" in json.dumps(english.json())

    agent.language = ""
    agent.save(update_fields=["language"])
    api = Api(agent)
    api.client.cookies["django_language"] = "en"
    center = api.post("/tickets", complaint(contact_phone="12"))
    assert center["Content-Language"] == "zh-hans"
    assert "valid phone number" not in json.dumps(center.json())
