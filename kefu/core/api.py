"""Helpers shared by the API routers of every app."""

from django.http import HttpRequest
from ninja.errors import HttpError


def require_perm(request: HttpRequest, perm: str) -> None:
    """403 unless the caller's roles grant ``perm`` (the same check the UI makes)."""
    if not request.user.has_perm(perm):
        raise HttpError(403, "permission denied")
