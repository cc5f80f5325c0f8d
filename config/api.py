"""The REST API root: ``/api/v1/``, OpenAPI document and docs under ``/api/v1/docs``.

Authentication: an API token (``Authorization: Bearer <key>``, see ``kefu.org.tokens``) or the
session of the web login (with CSRF). Either way the request acts as one staff member, with
that person's roles. The errors the actions raise become HTTP answers here, in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.openapi.views import openapi_json
from ninja.security import SessionAuth
from pydantic import BaseModel

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


def docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Who may read the API's description. The docs page (Swagger UI) is for people: a logged-in
    session, else the login page. The OpenAPI document is also for integrations: a valid API
    token will do as well (a wrong one is 401, as on every endpoint)."""
    page = login_required(view)
    if getattr(view, "func", None) is not openapi_json:
        return page

    def document(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "Authorization" in request.headers:
            if BearerKey()(request) is None:
                return JsonResponse({"detail": "Unauthorized"}, status=401)
            return view(request, *args, **kwargs)
        return page(request, *args, **kwargs)

    return document


# --- Error responses in the OpenAPI document ------------------------------------------------------


class ErrorOut(Schema):
    """401 (no or a wrong token or session), 403 (the roles do not allow it), 404."""

    detail: str = Field(description="What went wrong, in the caller's language")


class ConflictOut(Schema):
    """409: the order (or request) changed since it was read, or the move is not possible now."""

    detail: str
    code: Literal["stale", "illegal_transition"]


class FieldErrorsOut(Schema):
    """422: values to fix, by field. detail is the messages joined (a rule of Kefu's), or
    django-ninja's list of {type, loc, msg} (a wrong type, a missing field, a value out of
    bounds)."""

    detail: str | list[dict[str, Any]]
    errors: dict[str, list[str]] = Field(description="Field name → messages")


class IdempotencyKeyReusedOut(Schema):
    """422: the Idempotency-Key was used before with another body."""

    detail: str
    code: Literal["idempotency_key_reused"]


ERROR_SCHEMAS: list[type[BaseModel]] = [
    ErrorOut,
    ConflictOut,
    FieldErrorsOut,
    IdempotencyKeyReusedOut,
]
ERROR_DESCRIPTIONS = {
    401: "Not authenticated: no session, or a missing, wrong or revoked token",
    403: "The caller's roles do not allow this",
    404: "Not found, or not visible to the caller",
    409: "Conflict: changed since it was read (stale), or not possible in its state",
    422: "A query value or a field of the body is wrong or missing",
}
# Operations without a ``version`` in their body that can still conflict (deciding twice).
CONFLICTS_WITHOUT_VERSION = {
    "kefu_audit_api_approve_export",
    "kefu_audit_api_reject_export",
    "kefu_audit_api_generate_export",
}
# Operations without parameters that refuse with field errors from the action itself.
UNPROCESSABLE_WITHOUT_INPUT = {"kefu_customers_api_confirm_import"}
# Operations any authenticated account may call: no permission is checked.
OPEN_TO_ANY_ACCOUNT = {"kefu_org_api_me"}


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _body_fields(operation: dict[str, Any], schemas: dict[str, Any]) -> set[str]:
    """The top-level fields of an operation's JSON body."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = body.get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        schema = schemas.get(ref.rsplit("/", 1)[-1], {})
    return set(schema.get("properties", {}))


def _error_responses(
    operation: dict[str, Any], path: str, schemas: dict[str, Any]
) -> dict[int, dict[str, Any]]:
    """The error answers ``operation`` can give, each with the body config.api writes."""
    op_id = operation.get("operationId", "")
    errors: dict[int, dict[str, Any]] = {}
    if operation.get("security"):
        errors[401] = _json(_ref(ErrorOut))
        if op_id not in OPEN_TO_ANY_ACCOUNT:
            errors[403] = _json(_ref(ErrorOut))
    if "{" in path:
        errors[404] = _json(_ref(ErrorOut))
    if "version" in _body_fields(operation, schemas) or op_id in CONFLICTS_WITHOUT_VERSION:
        errors[409] = _json(_ref(ConflictOut))
    takes_input = "requestBody" in operation or any(
        p.get("in") in {"query", "header"} for p in operation.get("parameters", [])
    )
    if takes_input or op_id in UNPROCESSABLE_WITHOUT_INPUT:
        if any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
            errors[422] = _json({"anyOf": [_ref(FieldErrorsOut), _ref(IdempotencyKeyReusedOut)]})
        else:
            errors[422] = _json(_ref(FieldErrorsOut))
    return {
        status: {"description": ERROR_DESCRIPTIONS[status], "content": content}
        for status, content in errors.items()
    }


class KefuAPI(NinjaAPI):
    """The API, whose OpenAPI document also describes the error answers of each operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in ERROR_SCHEMAS:
            components[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        for path, methods in schema["paths"].items():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, answer in _error_responses(operation, path, components).items():
                    responses.setdefault(status, answer)  # a declared answer (409 duplicate) wins
        return schema


api = KefuAPI(
    title="Kefu API",
    version="1",
    description=(
        "Kefu customer service center. Authenticate with an API token "
        "(`Authorization: Bearer <key>`) or the web login's session (with CSRF). "
        "The OpenAPI document may be fetched with either; the docs page needs the session."
    ),
    auth=[BearerKey(), Session()],
    urls_namespace="api-1",
    docs_decorator=docs_access,
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
