"""Helpers shared by the API routers of every app."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def require_perm(request: HttpRequest, perm: str) -> None:
    """403 unless the caller's roles grant ``perm`` (the same check the UI makes)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied
