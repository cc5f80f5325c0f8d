"""Writing the audit trail (R-SEC-3): ``record()`` is the one way in.

Every app calls ``record(actor, action, target, ...)`` inside the transaction of the change it
describes, so the record exists exactly when the change does. Model changes of the registered
models (``kefu.audit.registry``) are recorded by ``kefu.audit.signals`` through the same
function; logins, exports and reveals are recorded by the code that performs them.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from kefu.audit.context import current_request, request_id
from kefu.audit.models import AuditRecord


def record(
    actor: Any,
    action: str,
    target: models.Model | None = None,
    *,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Append one audit record.

    ``actor``: the staff member who acted, or None for the system or an anonymous caller (a
    failed login names the attempted account in ``summary``). ``target``: the model instance
    concerned, if any. ``before``/``after``: the values that changed (plain values; dates and
    decimals become text). ``request``: where the action came from (IP, user agent, request id);
    defaults to the request being served, if any.
    """
    if not action:
        raise ValueError("An audit record needs an action.")
    request = request if request is not None else current_request()
    before_values = jsonable(before)
    after_values = jsonable(after)
    content_type, object_id, object_repr = _describe(target)
    user = actor if actor is not None and getattr(actor, "pk", None) is not None else None
    now = timezone.now()
    AuditRecord.objects.create(
        # Milliseconds, the precision Django's serializer keeps, so that a record dumped and
        # loaded again (loaddata, the test runner's serialized rollback) is the same record.
        at=now.replace(microsecond=now.microsecond // 1000 * 1000),
        actor=user,
        actor_employee_no=(getattr(user, "employee_no", "") or "")[:20] if user else "",
        actor_name=(getattr(user, "name", "") or "")[:50] if user else "",
        action=action[:40],
        content_type=content_type,
        object_id=object_id,
        object_repr=object_repr,
        summary=str(summary)[:500],
        before=before_values,
        after=after_values,
        changed_fields=changed_fields(before_values, after_values),
        ip=_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:300] if request is not None else "",
        request_id=request_id(request) if request is not None else "",
    )


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The keys whose value differs; on a create or a delete, every key given."""
    old = before or {}
    new = after or {}
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def jsonable(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    # The same conversion the JSON column applies, done now so that changed_fields compares
    # what will be stored (a date and its ISO text are the same value here).
    result: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return result


def _describe(target: models.Model | None) -> tuple[ContentType | None, str, str]:
    if target is None:
        return None, "", ""
    content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
    object_id = "" if target.pk is None else str(target.pk)[:64]
    try:
        text = str(target)
    except Exception:
        text = f"{target._meta.label} {object_id}"
    return content_type, object_id, text[:200]


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = get_client_ip_address(request)
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
