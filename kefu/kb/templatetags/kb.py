"""The knowledge base's pieces on other apps' pages: the order page panel (R-KB-4, R-KB-5)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kefu.kb.queries import uses_on
from kefu.kb.workflow import ANSWERED_STATUSES, article_from_case

register = template.Library()


@register.inclusion_tag("kb/partials/ticket_articles.html", takes_context=True)
def kb_ticket_panel(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    """Articles used on the order; for a senior agent, "turn this answered order into a draft"."""
    request = context["request"]
    user = request.user
    uses = uses_on(ticket)
    can_draft = (
        user.has_perm("kb.from_case")
        and ticket.status in ANSWERED_STATUSES
        and bool(ticket.resolution.strip())
        and article_from_case(ticket) is None
    )
    return {
        "request": request,
        "ticket": ticket,
        "uses": uses,
        "can_draft": can_draft,
        "mine": ticket.registered_by_id == user.pk,
        "registered_ms": int(ticket.registered_at.timestamp() * 1000),
        "now_ms": int(timezone.now().timestamp() * 1000),
        "csrf_token": context.get("csrf_token"),
    }
