"""R-WO-2, R-CLS-4, R-ORG-1: what is dispatched, and where to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.core.errors import IllegalTransition
from kefu.org.models import Department, User
from kefu.tickets import actions
from kefu.tickets.choices import Status


def _page(client, user, ticket):
    client.force_login(user)
    return client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()


@pytest.mark.parametrize(("type_", "level"), [("F", ""), ("E", ""), ("A1", "I"), ("A1", "II")])
def test_r_wo_2_what_the_center_resolves_offers_no_dispatch_draft(
    org, register, client, type_, level
):
    ticket = register(type_, level)
    html = _page(client, org["agent"], ticket)
    assert 'data-testid="move-submit_draft"' not in html
    assert 'data-testid="move-dispatch"' not in html


@pytest.mark.parametrize(("type_", "level"), [("F", ""), ("A1", "I"), ("A1", "II")])
def test_r_wo_2_harassment_and_a1_levels_i_ii_are_never_dispatched(org, register, type_, level):
    ticket = register(type_, level)
    city = Department.objects.get(name="城市客服部")
    with pytest.raises(IllegalTransition):
        actions.submit_dispatch_draft(
            org["agent"], ticket, department=city, expected_version=ticket.version
        )
    with pytest.raises(IllegalTransition):
        actions.dispatch_now(
            org["senior"], ticket, department=city, expected_version=ticket.version
        )
    ticket.refresh_from_db()
    assert ticket.status == Status.REGISTERED


def test_r_wo_2_an_inquiry_by_routing_rule_is_refused_with_a_clear_message(org, register):
    ticket = register("E", "")
    with pytest.raises(IllegalTransition) as error:
        actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    assert "中心" in str(error.value) or "center" in str(error.value)
    with pytest.raises(IllegalTransition):
        actions.dispatch_now(org["senior"], ticket, expected_version=ticket.version)


def test_r_wo_2_a_senior_may_send_an_inquiry_out_by_naming_the_department(org, register, client):
    ticket = register("E", "")
    html = _page(client, org["senior"], ticket)
    assert 'data-testid="dispatch-override"' in html
    assert 'data-testid="move-submit_draft"' not in html

    tech = Department.objects.get(name="技术部")
    client.post(
        reverse("tickets:move", args=[ticket.number, "dispatch"]),
        {"version": ticket.version, "department": tech.pk, "text": "请技术部答复固定IP申请"},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.department == tech


def test_the_page_still_offers_dispatch_for_a1_iii(org, register, client):
    ticket = register("A1", "III")
    assert 'data-testid="move-submit_draft"' in _page(client, org["agent"], ticket)


def test_r_org_1_the_centers_teams_are_not_offered_as_dispatch_targets(org, register, client):
    ticket = register("A1", "III")
    html = _page(client, org["agent"], ticket)
    form = html.split('data-testid="move-submit_draft"', 1)[1].split("</form>", 1)[0]
    assert ">城市客服部</option>" in form
    for unit in ("话务一班", "话务二班", "投诉处理席", "回访组", "400客服中心", "华信通信集团"):
        assert f">{unit}</option>" not in form


def test_r_org_1_dispatching_to_a_team_is_refused(org, register):
    ticket = register("A1", "III")
    team = Department.objects.get(name="话务一班")
    with pytest.raises(ValidationError) as error:
        actions.dispatch_now(
            org["senior"], ticket, department=team, expected_version=ticket.version
        )
    assert "department" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.submit_dispatch_draft(
            org["agent"], ticket, department=team, expected_version=ticket.version
        )


def test_r_wo_2_d_still_goes_to_the_team_head_of_the_person_complained_about(org, register):
    person = User.objects.get(employee_no="1003")  # 张伟, 话务二班
    ticket = register("D", "I", complained_staff=person)
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    assert draft.department.name == "话务二班"
    actions.approve_draft(org["senior"], draft, expected_version=draft.ticket.version)
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED
    assert ticket.handler == User.objects.get(employee_no="1011")  # the team's leader
