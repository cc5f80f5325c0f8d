"""The knowledge base's pieces on other apps' pages: the order page panel (R-KB-4, R-KB-5) and
the standard-phrase pickers beside text boxes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kefu.kb.choices import PhraseKind
from kefu.kb.phrases import phrases_for_move, phrases_of
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


@register.inclusion_tag("kb/partials/phrase_picker.html")
def phrase_picker(move: str, target: str, call_type_id: int | None) -> dict[str, Any]:
    """The standard phrases for one move's text box (``target`` is the textarea's id)."""
    return {"phrases": phrases_for_move(move, call_type_id), "target": target, "by_type": False}


@register.inclusion_tag("kb/partials/phrase_picker.html")
def intake_phrase_picker(target: str) -> dict[str, Any]:
    """The intake form's answer box: answers and dispatch instructions of every call type;
    the script shows those of the call type chosen in ``#id_call_type`` and the general ones."""
    kinds = (PhraseKind.ANSWER, PhraseKind.INSTRUCTIONS)
    return {"phrases": phrases_of(kinds), "target": target, "by_type": True}
