"""The request being served, so that signal handlers know who acted and from where.

``AuditContextMiddleware`` (after AuthenticationMiddleware) keeps the request in a context
variable for the length of the request and gives it a request id: the client's ``X-Request-ID``
if it sent a sensible one, else a new one, echoed in the response header. Code running outside a
request (commands, queue tasks) sees no request and is recorded as the system.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("kefu_audit_request", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_request() -> HttpRequest | None:
    return _current.get()


def request_id(request: HttpRequest) -> str:
    value: str | None = getattr(request, "kefu_request_id", None)
    if value is None:
        sent = request.headers.get("X-Request-ID", "")
        value = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        request.kefu_request_id = value  # type: ignore[attr-defined]
    return value


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response.headers.setdefault("X-Request-ID", request_id(request))
        return response
