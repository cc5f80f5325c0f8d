"""The SMS plug-in point: ``KEFU_SMS_BACKEND`` names a class derived from ``SmsBackend``.

A gateway integration (Aliyun, Tencent Cloud, an operator's SMPP bridge …) is a class with one
method, ``send(phone, text)``, that returns the gateway's message id or raises ``SmsError``.
It reads its own credentials from the environment. The default backend sends nothing: it logs
the message and raises ``SmsNotConfigured``, so the delivery is recorded as *not configured* —
never as sent.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "kefu.notifications.sms.NotConfiguredBackend"


class SmsError(Exception):
    """The gateway refused or failed to take the message."""


class SmsNotConfigured(SmsError):
    """No SMS gateway is configured: nothing was sent."""


class SmsBackend:
    """Base class of SMS gateways."""

    def send(self, phone: str, text: str) -> str:
        """Hand ``text`` to the gateway for ``phone``; return the gateway's message id."""
        raise NotImplementedError


class NotConfiguredBackend(SmsBackend):
    """The default: logs the message and reports that SMS is not configured."""

    def send(self, phone: str, text: str) -> str:
        logger.warning("SMS not configured (KEFU_SMS_BACKEND); not sent to %s: %s", phone, text)
        raise SmsNotConfigured(_("SMS is not configured: no gateway is set in KEFU_SMS_BACKEND."))


class MemoryBackend(SmsBackend):
    """Keeps messages in ``MemoryBackend.outbox`` (a list of (phone, text)); for tests and
    trying out the plug-in, like Django's locmem e-mail backend. It delivers to no phone."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> str:
        MemoryBackend.outbox.append((phone, text))
        return f"memory-{len(MemoryBackend.outbox)}"


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    cls = import_string(path)
    if not (isinstance(cls, type) and issubclass(cls, SmsBackend)):
        raise TypeError(f"KEFU_SMS_BACKEND {path!r} is not a subclass of SmsBackend")
    return cls


def get_backend() -> SmsBackend:
    return _backend_class(getattr(settings, "KEFU_SMS_BACKEND", "") or DEFAULT_BACKEND)()


def is_configured() -> bool:
    """Whether a real gateway is set (the default backend sends nothing)."""
    path = getattr(settings, "KEFU_SMS_BACKEND", "") or DEFAULT_BACKEND
    return not issubclass(_backend_class(path), NotConfiguredBackend)
