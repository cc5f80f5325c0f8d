"""Secondary complaints (type D, R-WO-2) and the manager hotline (R-ESC-3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kefu.callbacks import services
from kefu.callbacks.choices import SecondaryReason
from kefu.callbacks.models import SecondaryComplaint
from kefu.tickets import actions
from kefu.tickets.choices import EscalationReason
from kefu.tickets.models import Escalation

from .conftest import fresh


def _secondary(**kw):
    values = {"reason": SecondaryReason.HANDLING, "title": "对处理结果不满，再次投诉"}
    values.update(kw)
    return services.Secondary(**values)


def test_r_wo_2_d_order_is_linked_and_routed_to_the_superior(staff, dispatched_to_callback):
    original = dispatched_to_callback()
    link = services.register_secondary(staff["agent"], original, _secondary())
    d = link.ticket
    assert d.call_type.code == "D"
    assert link.original == original
    assert not link.repeated
    # The person complained about defaults to the original's handler; the order goes to
    # their superior (R-WO-2), not to them.
    assert d.complained_staff == original.handler
    draft = actions.submit_dispatch_draft(staff["agent"], d, expected_version=None)
    assert draft.handler == original.handler.department.head
    assert draft.handler != original.handler
    assert original.events.filter(data__kind="secondary_complaint").exists()


def test_r_wo_2_d_about_an_agent_goes_to_their_team_leader(staff, resolved_to_callback):
    original = resolved_to_callback()
    link = services.register_secondary(staff["agent2"], original, _secondary())
    assert link.ticket.complained_staff == staff["agent"]  # the original's owner
    draft = actions.submit_dispatch_draft(staff["agent2"], link.ticket, expected_version=None)
    assert draft.handler == staff["agent"].team.head


def test_r_sla_1_d_orders_get_their_time_limits(staff, dispatched_to_callback):
    from kefu.sla.models import Clock

    original = dispatched_to_callback()
    d = services.register_secondary(staff["agent"], original, _secondary()).ticket
    draft = actions.submit_dispatch_draft(staff["agent"], d, expected_version=None)
    actions.approve_draft(staff["senior"], draft, expected_version=None)
    kinds = set(Clock.objects.filter(ticket=d).values_list("kind", flat=True))
    assert {"call_back", "feedback"} <= kinds


def test_r_esc_3_repeated_complaint_goes_to_the_manager_hotline(staff, dispatched_to_callback):
    original = dispatched_to_callback()
    first = services.register_secondary(staff["agent"], original, _secondary())
    assert not fresh(first.ticket).at_manager_hotline
    second = services.register_secondary(staff["agent"], original, _secondary())
    assert second.repeated
    assert second.to_manager_hotline
    d = fresh(second.ticket)
    assert d.at_manager_hotline
    escalation = Escalation.objects.get(ticket=d)
    assert escalation.reason == EscalationReason.REPEATED
    assert original.number in escalation.note
    assert escalation.actor.employee_no == "system"  # an agent cannot escalate in person
    assert staff["agent"].name in escalation.note


def test_r_esc_3_refusal_of_a_correct_answer_goes_to_the_hotline(staff, dispatched_to_callback):
    original = dispatched_to_callback()
    link = services.register_secondary(staff["senior"], original, _secondary(refuses_answer=True))
    escalation = Escalation.objects.get(ticket=link.ticket)
    assert escalation.reason == EscalationReason.REFUSED
    assert escalation.actor == staff["senior"]  # holds tickets.escalate: acts in person


def test_r_esc_3_hotline_queue_shows_the_whole_history(staff, dispatched_to_callback, client):
    original = dispatched_to_callback()
    services.register_secondary(staff["agent"], original, _secondary())
    repeat = services.register_secondary(staff["agent"], original, _secondary()).ticket
    assert services.history_of(repeat)[0] == original
    client.force_login(staff["hotline"])
    body = client.get("/callbacks/hotline/").content.decode()
    assert f'data-number="{repeat.number}"' in body
    assert f"/tickets/{original.number}/" in body
    page = client.get(f"/tickets/{repeat.number}/").content.decode()
    assert 'data-testid="secondary-of"' in page
    assert original.number in page


def test_r_esc_3_hotline_queue_is_for_the_hotline(staff, client: Client):
    client.force_login(staff["agent"])
    assert client.get("/callbacks/hotline/").status_code == 403


def test_secondary_complaint_is_registered_by_intake_staff_only(staff, dispatched_to_callback):
    original = dispatched_to_callback()
    with pytest.raises(PermissionDenied):
        services.register_secondary(staff["handler"], original, _secondary())
    assert not SecondaryComplaint.objects.exists()


def test_secondary_complaint_from_the_order_page(staff, dispatched_to_callback, client: Client):
    original = dispatched_to_callback()
    client.force_login(staff["agent"])
    response = client.post(
        f"/callbacks/orders/{original.number}/secondary/",
        {"reason": "same_matter", "title": "同一问题再次投诉"},
    )
    link = SecondaryComplaint.objects.get(original=original)
    assert response.url == f"/tickets/{link.ticket.number}/"
