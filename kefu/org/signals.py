"""Keeps ``User.role_list`` equal to the user's roles, whichever side of the relation changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver

from kefu.org.models import Role, User


@receiver(m2m_changed, sender=User.roles.through)
def roles_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:  # user.roles.add(...)
        if action != "pre_clear":
            instance.refresh_role_list()
        return
    # role.staff.add(...): the users named, or on clear every user the role had (read before).
    if action == "pre_clear":
        instance._cleared_staff = list(instance.staff.values_list("pk", flat=True))
        return
    user_ids = pk_set if action != "post_clear" else getattr(instance, "_cleared_staff", [])
    for user in User.objects.filter(pk__in=user_ids or []):
        user.refresh_role_list()


@receiver(pre_delete, sender=Role)
def remember_staff_of_deleted_role(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._former_staff = list(instance.staff.values_list("pk", flat=True))


@receiver(post_delete, sender=Role)
def role_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    for user in User.objects.filter(pk__in=getattr(instance, "_former_staff", [])):
        user.refresh_role_list()
