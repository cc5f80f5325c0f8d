"""``{% sla_panel ticket %}``: the order page's time limits, escalations and their moves."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.sla.services import clocks_of
from kefu.tickets.choices import ESCALATION_LEVELS, EscalationReason, Status

register = template.Library()


@register.inclusion_tag("sla/partials/clocks.html", takes_context=True)
def sla_panel(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    from kefu.tickets.actions.escalation import may_plan

    user = context["request"].user
    escalations = list(ticket.escalations.select_related("to_user").order_by("-at", "-id")[:5])
    is_open = ticket.status != Status.CLOSED
    may_note = is_open and user.has_perm("tickets.add_note", ticket)
    return {
        "request": context["request"],
        "ticket": ticket,
        "sla_clocks": clocks_of(ticket),
        "escalations": escalations,
        "escalation_label": ESCALATION_LEVELS[
            min(ticket.escalation_level, len(ESCALATION_LEVELS) - 1)
        ],
        "may_escalate": is_open and user.has_perm("tickets.escalate", ticket),
        "may_note": may_note,
        "plannable": [e for e in escalations if is_open and may_plan(user, ticket, e)],
        "reasons": [r for r in EscalationReason if r != EscalationReason.MANUAL],
        "csrf_token": context.get("csrf_token"),
    }
