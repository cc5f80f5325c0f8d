"""``Idempotency-Key`` for create requests: a retried request never creates a second object.

The client sends a key of its choosing with a create request. The first request with a key
creates the object and, in the same transaction, stores the response under (user, key). A
request that repeats the key with the same body gets that stored response again, status and
body, and nothing new is created; one that repeats the key with a different body is refused.

The record is not looked up first: nearly every key is new, and a create is dominated by its
round trips to the database. A retry therefore runs the create again in its transaction, and the
record's insert fails on the unique index (waiting for a first request still in flight to
commit); the transaction rolls back, object and all, and the stored response is replayed. A
retry whose create fails (the data changed meanwhile) also answers with the stored response. If
the first request fails, nothing of it is kept and the key is free again. A create with a key
thus costs one extra query, the record's insert, in the same transaction.

Records are kept for ``RETENTION`` and then purged by ``purge_idempotency_records()``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKeyReused(Exception):
    """The key was already used for a different request (HTTP 422)."""


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any
    replayed: bool


def request_hash(endpoint: str, payload: Any) -> str:
    """A fingerprint of what was asked: the endpoint and the parsed body, key order ignored."""
    canonical = json.dumps([endpoint, payload], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(
    user: Any,
    key: str | None,
    endpoint: str,
    payload: Any,
    create: Callable[[], tuple[int, Any]],
) -> Outcome:
    """Run ``create`` (returning status and a JSON-ready body) at most once per (user, key).

    Without a key ``create`` simply runs. ``endpoint`` is the method and path, e.g.
    ``"POST /api/v1/tickets"``; ``payload`` the parsed request body, as JSON-ready data.
    """
    if not key:
        with transaction.atomic():
            status, body = create()
        return Outcome(status, body, replayed=False)
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(
            {
                HEADER: _("An Idempotency-Key must be 1 to %(max)d characters long.")
                % {"max": MAX_KEY_LENGTH}
            }
        )
    fingerprint = request_hash(endpoint, payload)
    try:
        with transaction.atomic():
            status, body = create()
            IdempotencyRecord.objects.create(
                user=user,
                key=key,
                endpoint=endpoint,
                request_hash=fingerprint,
                response_status=status,
                response_body=body,
            )
    except Exception:
        # A retry: the record's insert broke the unique index, or the create itself failed the
        # second time round. Either way the stored answer, if there is one, is the answer.
        stored = _stored(user, key)
        if stored is None:
            raise
        return _replay(stored, endpoint, fingerprint)
    return Outcome(status, body, replayed=False)


def _stored(user: Any, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def _replay(record: IdempotencyRecord, endpoint: str, fingerprint: str) -> Outcome:
    if record.endpoint != endpoint or record.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used for a different request. "
                "Use a new key for a new request."
            )
        )
    return Outcome(record.response_status, record.response_body, replayed=True)


def purge_idempotency_records(older_than: timedelta = RETENTION) -> int:
    """Delete records older than ``older_than``; returns how many. Run daily by the worker."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
