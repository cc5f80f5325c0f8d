"""R-CLS-4: complaint levels, the level helper, the registration record and the resolution
record of levels I–II; levels III–IV are dispatched (R-WO-2)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kefu.callbacks.levels import center_resolves, propose_level
from kefu.callbacks.models import ComplaintRecord
from kefu.callbacks.services import update_complaint_record
from kefu.core.errors import IllegalTransition
from kefu.tickets import actions
from kefu.tickets.models import BusinessLine, Nature
from kefu.tickets.tests.api_fixtures import Api, complaint

from .conftest import fresh


@pytest.mark.parametrize(
    ("emotion", "dispute", "on_site", "level"),
    [
        (False, False, False, "I"),
        (True, False, False, "II"),
        (False, True, True, "III"),
        (True, False, True, "IV"),
        (True, True, True, "IV"),
        (False, False, True, "III"),
        (False, True, False, "III"),
    ],
)
def test_r_cls_4_helper_proposes_level_from_the_answers(emotion, dispute, on_site, level):
    assert propose_level(emotion_strong=emotion, dispute=dispute, on_site=on_site) == level


def test_r_cls_4_levels_one_and_two_are_the_centers():
    assert center_resolves("I")
    assert center_resolves("II")
    assert not center_resolves("III")
    assert not center_resolves("IV")


def test_r_cls_4_level_helper_partial(staff, client: Client):
    client.force_login(staff["agent"])
    page = client.get("/callbacks/level-helper/", {"emotion_strong": "on", "on_site": "on"})
    assert page.status_code == 200
    assert 'data-level="IV"' in page.content.decode()
    calm = client.get("/callbacks/level-helper/")
    assert 'data-level="I"' in calm.content.decode()


def test_r_cls_4_level_helper_needs_registration_permission(staff, client: Client):
    client.force_login(staff["handler"])
    assert client.get("/callbacks/level-helper/").status_code == 403


def test_r_cls_4_intake_form_shows_the_helper(staff, client: Client):
    client.force_login(staff["agent"])
    body = client.get("/tickets/new/").content.decode()
    assert 'data-testid="level-helper"' in body
    assert 'data-testid="thank-you-script"' in body


def test_r_cls_4_complaint_gets_its_registration_record(staff, register):
    line = BusinessLine.objects.get(code="data")
    nature = Nature.objects.get(code="repair")
    ticket = register(
        level="III",
        business_line=line,
        nature=nature,
        extra={"emotion_strong": False, "dispute": True, "on_site": True},
    )
    record = ComplaintRecord.objects.get(ticket=ticket)
    assert record.complainant == "陈先生"
    assert record.complained_at == ticket.received_at
    assert record.content == ticket.description
    assert (record.business_line, record.nature, record.level) == (line, nature, "III")
    assert (record.emotion_strong, record.dispute, record.on_site) == (False, True, True)


PHONE_COMPLAINT = {
    "contact_phone": "138-1234-5678",
    "contact_name": "陈先生",
    "call_type": "A1",
    "level": "IV",
    "priority": "normal",
    "title": "营业员态度恶劣，客户要求上门道歉",
}


def test_r_cls_4_the_helpers_answers_reach_the_complaint_record(staff, client: Client):
    """The agent ticks the helper's questions beside the intake form: the answers are registered
    with the order and are what its complaint record says, not the level's implied ones."""
    client.force_login(staff["agent"])
    page = client.get("/tickets/new/").content.decode()
    assert page.count('form="intake-form"') >= 3  # the helper's boxes belong to the form
    response = client.post("/tickets/new/", {**PHONE_COMPLAINT, "emotion_strong": "on"})
    assert response.status_code == 302
    record = ComplaintRecord.objects.get()
    # IV implies (strong emotion, —, on site); the agent said: strong emotion, no on-site need.
    assert (record.emotion_strong, record.dispute, record.on_site) == (True, False, False)
    page = client.get(response.url).content.decode()  # the order page, in zh-hans by default
    assert re.findall(r'data-testid="level-answer">([^<]*)<', page) == ["是", "否", "否"]
    assert "情绪激烈" in page


def test_r_cls_4_without_the_helper_the_level_implies_the_answers(staff, client: Client):
    client.force_login(staff["agent"])
    client.post("/tickets/new/", PHONE_COMPLAINT)
    record = ComplaintRecord.objects.get()
    assert (record.emotion_strong, record.dispute, record.on_site) == (True, None, True)


def test_r_cls_4_the_helpers_answers_stay_ticked_when_the_form_comes_back(staff, client: Client):
    client.force_login(staff["agent"])
    response = client.post("/tickets/new/", {**PHONE_COMPLAINT, "title": "", "dispute": "on"})
    assert response.status_code == 200  # the summary is missing
    body = response.content.decode()
    assert 'name="dispute" form="intake-form" checked' in body
    assert 'name="on_site" form="intake-form" id=' in body
    assert not ComplaintRecord.objects.exists()


def test_r_cls_4_the_api_takes_the_helpers_answers(staff):
    """Through the API each answer is given or not (null); the ones not given stay unknown."""
    api = Api(staff["agent"])
    response = api.post("/tickets", complaint(level="III", dispute=False, on_site=True))
    assert response.status_code == 201, response.content
    record = ComplaintRecord.objects.get()
    assert (record.emotion_strong, record.dispute, record.on_site) == (None, False, True)
    response = api.post("/tickets", complaint(level="III", dispute="perhaps"))
    assert response.status_code == 422
    assert "dispute" in response.json()["errors"]


def test_r_cls_4_inquiry_gets_no_complaint_record(register):
    ticket = register(type="E", level="")
    assert not ComplaintRecord.objects.filter(ticket=ticket).exists()


def test_r_cls_4_secondary_complaint_records_the_person_and_department(staff, register):
    ticket = register(type="D", level="I", complained_staff=staff["agent2"])
    record = ComplaintRecord.objects.get(ticket=ticket)
    assert record.person == staff["agent2"]
    assert record.department == staff["agent2"].department


def test_r_cls_4_level_one_and_two_resolved_by_center_with_resolution_record(staff, register):
    for level in ("I", "II"):
        ticket = register(level=level)
        actions.resolve_first_contact(staff["agent"], ticket, "已解释并致歉", expected_version=None)
        record = ComplaintRecord.objects.get(ticket=ticket)
        assert record.resolution == "已解释并致歉"
        assert record.resolved_by == staff["agent"]
        assert fresh(ticket).status == "pending_callback"


def test_r_cls_4_levels_three_and_four_must_be_dispatched(staff, register):
    for level in ("III", "IV"):
        ticket = register(level=level)
        with pytest.raises(IllegalTransition):
            actions.resolve_first_contact(staff["agent"], ticket, "x", expected_version=None)
        draft = actions.submit_dispatch_draft(staff["agent"], ticket, expected_version=None)
        assert draft.department.code == "city-service"


def test_r_cls_4_record_is_completed_and_marked_substantiated(staff, register):
    ticket = register(level="III")
    record = ComplaintRecord.objects.get(ticket=ticket)
    updated = update_complaint_record(
        staff["senior"], record, {"substantiated": True, "department": staff["handler"].department}
    )
    assert updated.substantiated is True
    event = fresh(ticket).events.filter(data__kind="complaint_record").get()
    assert event.data["record_substantiated"] == "True"


def test_r_cls_4_record_cannot_be_changed_by_a_handler(staff, register):
    from django.core.exceptions import PermissionDenied

    ticket = register(level="III")
    record = ComplaintRecord.objects.get(ticket=ticket)
    with pytest.raises(PermissionDenied):
        update_complaint_record(staff["handler"], record, {"substantiated": False})
