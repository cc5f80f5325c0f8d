"""Accounts locked after repeated failed logins (django-axes), and unlocking them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
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
    """Accounts whose failures reached the limit within the cool-off period, newest first.

    Axes keeps one row per account, address and browser and locks on their sum (we lock by
    account), so the rows are added up per employee number here too.
    """
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    totals = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username__isnull=True)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    rows = list(totals)
    names = dict(
        User.objects.filter(employee_no__in=[r["username"] for r in rows]).values_list(
            "employee_no", "name"
        )
    )
    return [
        LockedAccount(
            employee_no=r["username"],
            name=names.get(r["username"], ""),
            failures=r["failures"],
            last_attempt=r["last"],
            unlocks_at=r["last"] + settings.AXES_COOLOFF_TIME,
        )
        for r in rows
    ]


def unlock_account(actor: User, employee_no: str) -> int:
    """Clear the failed attempts of one account so its owner can log in again."""
    if not actor.has_perm("axes.delete_accessattempt"):
        raise PermissionDenied
    return reset(username=employee_no)
