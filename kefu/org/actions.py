"""Writes to the org app: roles kept in step with the code, staff roles, the department tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kefu.org.models import Role
from kefu.org.roles import ROLES


def sync_roles() -> list[str]:
    """Create or rename the ``Role`` rows to match ``kefu.org.roles.ROLES``; return created codes.

    Roles are never deleted here: a role dropped from the code keeps its row (and its holders)
    until an administrator removes it, and grants nothing meanwhile.
    """
    created: list[str] = []
    with transaction.atomic():
        for definition in ROLES:
            role, was_created = Role.objects.get_or_create(
                code=definition.code, defaults={"name": definition.chinese}
            )
            if was_created:
                created.append(role.code)
            elif role.name != definition.chinese:
                role.name = definition.chinese
                role.save(update_fields=["name"])
    return created


def sync_roles_after_migrate(**kwargs: Any) -> None:
    sync_roles()


def deactivated(user: Any) -> tuple[int, int]:
    """What deactivating a staff member takes with it: their API tokens are revoked, so that
    reactivating the account later does not bring an integration's old key back; returned are
    how many tokens that was and how many open orders they still own or handle (R-WO-10: the
    administrator has them handed on)."""
    from kefu.org.tokens import revoke
    from kefu.tickets.choices import Status  # the tickets app builds on this one

    revoked = revoke(user.api_tokens.all())
    open_orders = (
        user.owned_tickets.exclude(status=Status.CLOSED).count()
        + user.handled_tickets.exclude(status=Status.CLOSED).count()
    )
    return revoked, open_orders
