"""The notification events: a registry of codes, each with a label and its default channels.

Event codes are data. Apps register their own codes here (or with ``register`` from their
``AppConfig.ready``); ``notify()`` refuses a code nobody registered, so a typo fails in tests
instead of silently notifying no one. A user's ``NotificationPreference`` row for an event
overrides its defaults; without a row the defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
CHANNELS: tuple[str, ...] = (IN_APP, EMAIL, SMS)
CHANNEL_LABELS: dict[str, Any] = {IN_APP: _("In the app"), EMAIL: _("E-mail"), SMS: _("SMS")}


@dataclass(frozen=True)
class Event:
    code: str
    label: Any  # lazy translation
    in_app: bool = True
    email: bool = False
    sms: bool = False

    def default(self, channel: str) -> bool:
        return bool(getattr(self, channel))


_REGISTRY: dict[str, Event] = {}


def register(
    code: str, label: Any, *, in_app: bool = True, email: bool = False, sms: bool = False
) -> Event:
    """Add an event code; registering the same code twice with other defaults is a mistake."""
    event = Event(code, label, in_app=in_app, email=email, sms=sms)
    existing = _REGISTRY.get(code)
    if existing is not None and existing != event:
        raise ValueError(f"notification event {code!r} is already registered differently")
    _REGISTRY[code] = event
    return event


def get(code: str) -> Event:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise ValueError(f"unknown notification event {code!r}; register it in events.py") from None


def all_events() -> list[Event]:
    return list(_REGISTRY.values())


# --- Time limits (issue 4, SPEC §5) ----------------------------------------------------------
# A warning is routine; an alarm, an urge and an escalation also go by e-mail; the urge at breach
# and a hand-over to the manager hotline are the ones worth a text message.
register("sla.warning", _("Time limit warning (80 % of the time used)"))
register("sla.alarm", _("Time limit breached (alarm)"), email=True)
register("sla.urge", _("Urge to act on an overdue order"), email=True, sms=True)
register("sla.escalated", _("Order escalated"), email=True)
register("sla.manager_hotline", _("Order handed to the manager hotline"), email=True, sms=True)

# --- Work orders -------------------------------------------------------------------------------
register("tickets.dispatched", _("Order dispatched to you"), email=True)
register("tickets.follow_up", _("Follow-up or withdrawal on an order you handle"), email=True)
register("tickets.sent_back", _("Your draft or feedback was sent back"))
register("tickets.review_needed", _("Urgent or VIP draft awaiting review"))
register("tickets.help_requested", _("A handler asks for help with an order"))
register("tickets.fed_back", _("A handler fed back on an order you own"))
# R-IN-4, R-WO-9: 客户催单, to the order's handler (or its first-contact owner).
register("tickets.chased", _("The customer chased an order"), email=True)
# R-WO-7: a misrouted order reported back to its first-contact owner, to dispatch it again.
register("tickets.returned", _("A handler returned a misrouted order to the center"), email=True)

# --- Knowledge base ----------------------------------------------------------------------------
register("kb.published", _("Knowledge article published"))
