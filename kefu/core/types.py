"""Types shared by views: a request whose user is a logged-in staff member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from kefu.org.models import User


class AuthedRequest(HttpRequest):
    """What a view behind login_required receives (for type checking only)."""

    user: User
    htmx: HtmxDetails
