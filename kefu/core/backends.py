"""The authorisation backend that reads permissions from roles (see kefu.core.permissions).

Kept apart from kefu.core.permissions because Django's backends module loads the user model,
which itself uses the permission helpers.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from kefu.core.permissions import object_filter, role_permissions


class RoleBackend(BaseBackend):
    """Grants permissions from roles, and checks object rules when an object is given."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set(role_permissions(user_obj))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if perm not in role_permissions(user_obj):
            return False
        if obj is None:
            return True
        condition = object_filter(user_obj, perm)
        if condition is None:
            return True
        return type(obj)._default_manager.filter(condition, pk=obj.pk).exists()

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in role_permissions(user_obj))
