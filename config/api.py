"""The REST API root: ``/api/v1/``, OpenAPI document and docs under ``/api/v1/docs``.

Authentication: an API token (``Authorization: Bearer <key>``, see ``kefu.org.tokens``) or the
session of the web login (with CSRF). Either way the request acts as one staff member, with
that person's roles. The errors the actions raise become HTTP answers here, in one place.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import SessionAuth

from kefu.audit.api import router as audit_router
from kefu.callbacks.api import router as callbacks_router
from kefu.core.errors import IllegalTransition, StaleObject
from kefu.core.idempotency import IdempotencyKeyReused
from kefu.customers.api import router as customers_router
from kefu.kb.api import router as kb_router
from kefu.notifications.api import router as notifications_router
from kefu.org.api import router as org_router
from kefu.org.tokens import BearerKey
from kefu.tickets.api import router as tickets_router


class Session(SessionAuth):
    """Django's session, CSRF-checked on writes. A request that presents an API token is judged
    by the token alone, and one without a session cookie is simply unauthenticated (401), rather
    than failing the CSRF check (403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" in request.headers or self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="Kefu API",
    version="1",
    description=(
        "Kefu customer service center. Authenticate with an API token "
        "(`Authorization: Bearer <key>`) or the web login's session (with CSRF)."
    ),
    auth=[BearerKey(), Session()],
    urls_namespace="api-1",
    docs_decorator=login_required,
)
api.add_router("/", org_router)
api.add_router("/", tickets_router)
api.add_router("/", audit_router)
api.add_router("/kb/", kb_router)
api.add_router("/customers/", customers_router)
api.add_router("/", notifications_router)
api.add_router("/callbacks/", callbacks_router)


# --- Errors -------------------------------------------------------------------------------------
# Field errors: 422 {"detail": "...", "errors": {field: [messages]}}, in the caller's language.
# Conflicts: 409 {"detail": "...", "code": "illegal_transition" | "stale"}.

SCHEMA_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    """("body", "payload", "version") → "version"; ("query", "limit") → "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SCHEMA_SOURCES:
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)  # the name of the view's body parameter
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    detail = " ".join(message for messages in errors.values() for message in messages)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(SchemaValidationError)
def schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    """Ninja's own check of types and required fields: its ``detail`` list, plus ``errors``."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_of(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": exc.errors, "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    detail = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, {"detail": detail}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(IllegalTransition)
def illegal_transition(request: HttpRequest, exc: IllegalTransition) -> HttpResponse:
    body = {"detail": str(exc), "code": "illegal_transition"}
    return api.create_response(request, body, status=409)


@api.exception_handler(StaleObject)
def stale(request: HttpRequest, exc: StaleObject) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "code": "stale"}, status=409)


@api.exception_handler(IdempotencyKeyReused)
def idempotency_key_reused(request: HttpRequest, exc: IdempotencyKeyReused) -> HttpResponse:
    body = {"detail": str(exc), "code": "idempotency_key_reused"}
    return api.create_response(request, body, status=422)
