"""R-CLS-1..3, R-WO-2: the taxonomy and routing are data that administrators edit."""

from __future__ import annotations

from django.urls import reverse

from kefu.tickets import actions
from kefu.tickets.models import CallType, RoutingRule


def test_administrator_edits_a_call_type_name_in_the_admin(org, client):
    client.force_login(org["admin"])
    call_type = CallType.objects.get(code="E")
    url = reverse("admin:tickets_calltype_change", args=[call_type.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:tickets_routingrule_changelist")).status_code == 200
    assert client.get(reverse("admin:tickets_nature_changelist")).status_code == 200


def test_agent_cannot_open_the_taxonomy_admin(org, client):
    client.force_login(org["agent"])
    response = client.get(reverse("admin:tickets_calltype_changelist"))
    assert response.status_code in {302, 403}


def test_a_changed_routing_rule_changes_where_orders_go(org, register):
    """Routing is data: send A1 to 集团市场部 instead of 城市客服部."""
    rule = RoutingRule.objects.get(call_type__code="A1", level="")
    rule.department = org["market_handler"].department
    rule.save()
    ticket = register("A1", "III")
    draft = actions.submit_dispatch_draft(org["agent"], ticket, expected_version=ticket.version)
    assert draft.department == org["market_handler"].department
    assert draft.handler == org["market_handler"]
