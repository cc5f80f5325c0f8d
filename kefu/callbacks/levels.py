"""R-CLS-4: the complaint level from what the agent asks the caller. Pure; no database."""

from __future__ import annotations

from kefu.tickets.choices import Level


def propose_level(*, emotion_strong: bool, dispute: bool, on_site: bool) -> str:
    """The level the answers point to.

    I calm, no dispute, no on-site handling; II strongly negative emotion, no dispute, no
    on-site handling; III calm, a business dispute, on-site handling needed; IV strongly
    negative emotion, on-site handling needed. A dispute needs someone to look into it on the
    spot, so a dispute alone counts as III (IV when the caller is upset).
    """
    if on_site or dispute:
        return Level.IV if emotion_strong else Level.III
    return Level.II if emotion_strong else Level.I


def center_resolves(level: str) -> bool:
    """Levels I–II are resolved by the center directly; III–IV are dispatched."""
    return level in {Level.I, Level.II}
