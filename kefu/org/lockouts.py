"""Accounts locked after repeated failed logins (django-axes), and unlocking them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kefu.org.models import User


@dataclass(frozen=True)
class LockedAccount:
    employee_no: str
    name: str
    failures: int
    last_attempt: datetime
    unlocks_at: datetime


def locked_accounts() -> list[LockedAccount]:
    """Accounts whose failures reached the limit within the cool-off period, newest first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")
    )
    names = dict(
        User.objects.filter(employee_no__in=[a.username for a in attempts]).values_list(
            "employee_no", "name"
        )
    )
    return [
        LockedAccount(
            employee_no=a.username or "",
            name=names.get(a.username or "", ""),
            failures=a.failures_since_start,
            last_attempt=a.attempt_time,
            unlocks_at=a.attempt_time + settings.AXES_COOLOFF_TIME,
        )
        for a in attempts
    ]


def unlock_account(actor: User, employee_no: str) -> int:
    """Clear the failed attempts of one account so its owner can log in again."""
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    return reset(username=employee_no)
