"""A work order's life through the API (R-WO-1..10), with the same personas and rules as the UI."""

from __future__ import annotations

from django.utils import timezone

from kefu.tickets.choices import EventKind, Move, Status
from kefu.tickets.models import Ticket
from kefu.tickets.tests.api_fixtures import Api, complaint


def test_it_runs_an_a1_iii_complaint_from_registration_to_confirmation(org):
    """R-WO-1, R-WO-3, R-WO-6, R-WO-8: agent drafts, senior approves, handler accepts and feeds
    back, agent confirms; the timeline shows each step, newest first."""
    agent, senior, handler = Api(org["agent"]), Api(org["senior"]), Api(org["handler"])

    created = agent.post("/tickets", complaint())
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["owner"]["employee_no"] == org["agent"].employee_no  # R-WO-10
    assert Move.SUBMIT_DRAFT in created.json()["allowed_moves"]
    assert Move.DISPATCH not in created.json()["allowed_moves"]  # R-WO-3: agents draft

    drafted = agent.move(number, "drafts", instructions="请今天上门")
    assert drafted.status_code == 200, drafted.content
    order = drafted.json()
    assert order["status"] == Status.AWAITING_REVIEW
    draft = order["pending_draft"]
    assert draft["department"]["name"] == "城市客服部"  # R-WO-2 default for A1
    assert draft["handler"]["employee_no"] == org["handler"].employee_no
    assert Move.APPROVE_DRAFT not in order["allowed_moves"]  # the author does not review

    queue = senior.get("/drafts", {"status": "pending"}).json()
    assert [d["id"] for d in queue["items"]] == [draft["id"]]
    assert Move.APPROVE_DRAFT in senior.ticket(number)["allowed_moves"]
    approved = senior.post(
        f"/drafts/{draft['id']}/approve", {"version": order["version"], "note": "同意"}
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == Status.DISPATCHED
    assert approved.json()["handler"]["employee_no"] == org["handler"].employee_no

    assert handler.move(number, "accept").json()["status"] == Status.IN_PROGRESS
    fed_back = handler.move(
        number,
        "feedback",
        contacted_at=timezone.now().isoformat(),
        solution="已上门更换光猫",
        effect="客户确认恢复上网",
        remaining="",
    )
    assert fed_back.status_code == 200, fed_back.content
    assert fed_back.json()["status"] == Status.FED_BACK

    confirmed = agent.move(number, "confirm", note="结果属实")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == Status.PENDING_CALLBACK

    timeline = agent.get(f"/tickets/{number}/timeline").json()
    assert [e["kind"] for e in timeline] == [
        EventKind.CONFIRMED,
        EventKind.FEEDBACK,
        EventKind.ACCEPTED,
        EventKind.DRAFT_APPROVED,
        EventKind.DRAFT_SUBMITTED,
        EventKind.REGISTERED,
    ]
    by_kind = {e["kind"]: e for e in timeline}
    assert by_kind[EventKind.DRAFT_APPROVED]["actor"]["name"] == org["senior"].name
    assert by_kind[EventKind.FEEDBACK]["data"]["effect"] == "客户确认恢复上网"
    assert by_kind[EventKind.ACCEPTED]["from_status"] == Status.DISPATCHED
    assert by_kind[EventKind.ACCEPTED]["to_status"] == Status.IN_PROGRESS
    assert by_kind[EventKind.CONFIRMED]["label"] == "中心已确认"  # the center's language


def test_an_illegal_move_is_a_409_with_code_illegal_transition(org):
    """R-WO-1: only legal transitions; the order is unchanged."""
    agent = Api(org["agent"])
    number = agent.post("/tickets", complaint()).json()["number"]
    response = agent.move(number, "confirm")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["detail"]
    assert Ticket.objects.get(number=number).status == Status.REGISTERED


def test_a_stale_version_is_a_409_with_code_stale_naming_who_changed_it(org):
    """Two people on one order: the second is told who changed it, nothing is overwritten."""
    agent, senior = Api(org["agent"]), Api(org["senior"])
    number = agent.post("/tickets", complaint()).json()["number"]
    seen = senior.ticket(number)["version"]
    edited = agent.patch(f"/tickets/{number}", {"version": seen, "title": "宽带断网"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["version"] == seen + 1

    response = senior.patch(f"/tickets/{number}", {"version": seen, "title": "别的"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert org["agent"].name in response.json()["detail"]
    assert Ticket.objects.get(number=number).title == "宽带断网"


def test_a_handler_of_another_department_gets_404_and_no_row_in_lists(org):
    """R-ORG-3: handlers see only orders dispatched to their department."""
    senior, market = Api(org["senior"]), Api(org["market_handler"])
    number = Api(org["agent"]).post("/tickets", complaint()).json()["number"]
    assert senior.move(number, "dispatch").status_code == 200  # to 城市客服部
    assert Api(org["handler"]).get(f"/tickets/{number}").status_code == 200

    assert market.get(f"/tickets/{number}").status_code == 404
    assert market.get(f"/tickets/{number}/timeline").status_code == 404
    assert market.post(f"/tickets/{number}/accept", {"version": 1}).status_code == 404
    listed = market.get("/tickets").json()
    assert number not in [row["number"] for row in listed["items"]]


def test_the_agent_on_the_phone_sees_the_number_and_qa_sees_it_masked(org):
    """R-SEC-1, one rule (kefu.customers.masking, decision 0006): roles that talk to customers
    see the full number, the others see it masked."""
    from kefu.org.models import User

    number = Api(org["agent"]).post("/tickets", complaint()).json()["number"]
    order = Api(org["agent"]).ticket(number)
    assert order["contact_phone"] == "+8613812345678"
    assert order["customer"]["phone"] == "+8613812345678"
    supervisor = User.objects.get(employee_no="1060")
    assert Api(supervisor).ticket(number)["contact_phone"] == "+8613812345678"
    inspector = User.objects.get(employee_no="1050")  # QA: sees the whole center, masked
    assert Api(inspector).ticket(number)["contact_phone"] == "138****5678"
    assert Api(inspector).ticket(number)["customer"]["phone"] == "138****5678"


def test_an_agent_cannot_mark_urgent_and_a_senior_can(org):
    """R-CLS-5: 403 for a permission the roles do not grant on this order."""
    number = Api(org["agent"]).post("/tickets", complaint()).json()["number"]
    refused = Api(org["agent"]).move(number, "urgent", reason="客户情绪激动")
    assert refused.status_code == 403
    marked = Api(org["senior"]).move(number, "urgent", reason="客户情绪激动")
    assert marked.status_code == 200
    assert marked.json()["classification"]["urgent"] is True


def test_field_errors_of_an_action_come_back_under_the_body_field_names(org):
    agent = Api(org["agent"])
    number = agent.post("/tickets", complaint(call_type="E", level="")).json()["number"]
    empty = agent.move(number, "resolve", answer="  ")
    assert empty.status_code == 422
    assert set(empty.json()["errors"]) == {"answer"}
    note = agent.move(number, "notes", body="已告知客户处理进度", visibility="customer")
    assert note.status_code == 200
    contact = agent.move(number, "contacts", summary="电话告知客户预计明日上门")
    assert contact.status_code == 200
    kinds = [e["kind"] for e in agent.get(f"/tickets/{number}/timeline").json()]
    assert kinds[:2] == [EventKind.CUSTOMER_CONTACTED, EventKind.NOTE]
    resolved = agent.move(number, "resolve", answer="已解释资费构成")
    assert resolved.json()["status"] == Status.PENDING_CALLBACK


def test_follow_up_and_withdrawal_go_through_review(org):
    """R-WO-5 through the API; a withdrawal's empty reason is reported as `reason`."""
    agent, senior = Api(org["agent"]), Api(org["senior"])
    number = agent.post("/tickets", complaint()).json()["number"]
    senior.move(number, "dispatch")
    empty = agent.move(number, "withdrawal", reason="")
    assert empty.status_code == 422
    assert set(empty.json()["errors"]) == {"reason"}
    withdrawn = agent.move(number, "withdrawal", reason="客户已自行解决")
    draft = withdrawn.json()["pending_draft"]
    assert draft["kind"] == "withdrawal"
    response = senior.post(
        f"/drafts/{draft['id']}/approve", {"version": withdrawn.json()["version"]}
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.CLOSED
    assert response.json()["close_reason"] == "withdrawn"


def test_a_repeat_contact_is_logged_on_the_open_order_by_any_agent(org):
    """R-IN-4: also an agent who cannot open the order adds the call to it; no new order."""
    number = Api(org["agent"]).post("/tickets", complaint()).json()["number"]
    other = Api(org["agent2"])
    assert other.get(f"/tickets/{number}").status_code == 404
    pop = other.get("/screen-pop", {"phone": "13812345678"}).json()
    assert [row["number"] for row in pop["open_orders"]] == [number]
    response = other.post(
        f"/tickets/{number}/repeat-contact",
        {"version": pop["open_orders"][0]["version"], "summary": "客户再次来电催促"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["number"] == number
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.events.filter(kind=EventKind.REPEAT_CONTACT).count() == 1


def test_reviewing_a_draft_sends_it_back_with_a_reason(org):
    agent, senior = Api(org["agent"]), Api(org["senior"])
    number = agent.post("/tickets", complaint()).json()["number"]
    order = agent.move(number, "drafts").json()
    draft_id = order["pending_draft"]["id"]
    response = senior.post(
        f"/drafts/{draft_id}/send-back", {"version": order["version"], "reason": "地址不全"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == Status.REGISTERED
    again = senior.post(f"/drafts/{draft_id}/send-back", {"version": response.json()["version"]})
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_allowed_moves_follow_the_route_the_role_and_the_state(org):
    """What the detail offers is what the actions would accept (R-WO-1, R-WO-2, R-WO-3)."""
    agent, senior, handler = Api(org["agent"]), Api(org["senior"]), Api(org["handler"])
    inquiry = agent.post("/tickets", complaint(call_type="E", level="")).json()
    assert Move.RESOLVE_FIRST_CONTACT in inquiry["allowed_moves"]
    assert Move.CLOSE_HARASSMENT not in inquiry["allowed_moves"]
    nuisance = agent.post("/tickets", complaint(call_type="F", level="", contact_phone=""))
    assert set(nuisance.json()["allowed_moves"]) >= {Move.CLOSE_HARASSMENT}
    assert Move.RESOLVE_FIRST_CONTACT not in nuisance.json()["allowed_moves"]

    number = agent.post("/tickets", complaint()).json()["number"]
    assert Move.RESOLVE_FIRST_CONTACT not in agent.ticket(number)["allowed_moves"]  # A1-III
    assert Move.DISPATCH in senior.ticket(number)["allowed_moves"]
    senior.move(number, "dispatch")
    assert handler.ticket(number)["allowed_moves"] == [
        Move.ACCEPT,
        Move.TRANSFER,
        Move.RETURN_TO_CENTER,
    ]
    assert Move.ACCEPT not in agent.ticket(number)["allowed_moves"]
    assert Move.WITHDRAW in agent.ticket(number)["allowed_moves"]


def test_patch_changes_only_the_fields_sent_and_records_what_changed(org):
    agent = Api(org["agent"])
    order = agent.post("/tickets", complaint(nature="service")).json()
    number = order["number"]
    empty = agent.patch(f"/tickets/{number}", {"version": order["version"]})
    assert empty.status_code == 200
    assert empty.json()["version"] == order["version"]  # nothing sent, nothing written

    changed = agent.patch(
        f"/tickets/{number}",
        {"version": order["version"], "level": "IV", "nature": "tariff", "priority": "high"},
    )
    assert changed.status_code == 200, changed.content
    classification = changed.json()["classification"]
    assert (classification["level"], classification["priority"]) == ("IV", "high")
    assert classification["nature"]["code"] == "tariff"
    assert changed.json()["title"] == order["title"]
    edited = agent.get(f"/tickets/{number}/timeline").json()[0]
    assert edited["kind"] == EventKind.EDITED
    assert set(edited["data"]["changed"]) == {"level", "nature", "priority"}

    cleared = agent.patch(
        f"/tickets/{number}", {"version": changed.json()["version"], "nature": None}
    )
    assert cleared.json()["classification"]["nature"] is None
    bad = agent.patch(
        f"/tickets/{number}", {"version": cleared.json()["version"], "level": "", "nature": "x"}
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"nature"}


def test_patch_refuses_a_field_it_does_not_change_instead_of_ignoring_it(org):
    """A client that sends the call type or 加急 to PATCH must learn it was not applied."""
    agent = Api(org["agent"])
    order = agent.post("/tickets", complaint()).json()
    number = order["number"]
    refused = agent.patch(
        f"/tickets/{number}", {"version": order["version"], "call_type": "E", "urgent": True}
    )
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"call_type", "urgent"}
    unchanged = agent.ticket(number)
    assert unchanged["version"] == order["version"]
    assert unchanged["classification"]["urgent"] == order["classification"]["urgent"]


def test_a_handler_passes_an_order_on_and_another_returns_one_through_the_api(org):
    agent, senior = Api(org["agent"]), Api(org["senior"])
    handler, colleague = Api(org["handler"]), Api(org["handler_head"])
    number = agent.post("/tickets", complaint()).json()["number"]
    senior.move(number, "dispatch")
    stranger = handler.move(number, "pass-on", handler="2101", reason="市场部更熟悉")
    assert stranger.status_code == 422
    assert "handler" in stranger.json()["errors"]
    passed = handler.move(number, "pass-on", handler="2002", reason="片区调整，由郑浩负责")
    assert passed.status_code == 200, passed.content
    assert passed.json()["handler"]["employee_no"] == "2002"
    returned = colleague.move(number, "return-to-center", reason="不属于本部门")
    assert returned.status_code == 200, returned.content
    assert returned.json()["status"] == "registered"
