"""API tokens for integrations (a telephony system, another department's system).

A token is a random key shown once when it is issued; Kefu keeps only its SHA-256. A request
sends it as ``Authorization: Bearer <key>`` and then acts as the token's staff member, with
exactly that person's roles: the API makes the same permission checks as the UI.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.security import HttpBearer

from kefu.core.middleware import account_language
from kefu.org.models import ApiToken, User

KEY_BYTES = 32  # 256 bits of randomness: 43 URL-safe characters
PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn every API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def assign_key(token: ApiToken) -> str:
    """Give an unsaved token a new key; returns the key, which is never stored or shown again."""
    key = secrets.token_urlsafe(KEY_BYTES)
    token.key_prefix = key[:PREFIX_LENGTH]
    token.key_hash = hash_key(key)
    return key


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key, to be handed over once."""
    token = ApiToken(user=user, name=name.strip())
    key = assign_key(token)
    token.save()
    return token, key


def revoke(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the tokens that are still active; returns how many were revoked."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate_key(key: str) -> User | None:
    """The active staff member a key belongs to, or None.

    The key is looked up by its hash, so no comparison ever runs over the secret itself and the
    time taken says nothing about how much of a guess was right.
    """
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class BearerKey(HttpBearer):
    """django-ninja authentication by ``Authorization: Bearer <key>``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_key(token.strip())
        if user is None:
            return None
        # The endpoints, the actions and the permission checks all read request.user.
        request.user = user
        # The language middleware ran before the key was read: use the account's language now,
        # else the center's. A token speaks for an integration, so no browser cookie counts.
        language = account_language(user) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return user
