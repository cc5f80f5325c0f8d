"""Authentication and authorisation backends (see kefu.core.permissions).

Kept apart from kefu.core.permissions because Django's backends module loads the user model,
which itself uses the permission helpers.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend, ModelBackend

from kefu.core.permissions import object_allows, role_permissions


class LoginBackend(ModelBackend):
    """Checks employee number and password; grants no permission.

    Permissions come from roles only (RoleBackend). Django's own per-user and group permissions
    are not used, and asking for them would cost two queries on every permission check.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return False


class RoleBackend(BaseBackend):
    """Grants permissions from roles, and checks object rules when an object is given.

    An active superuser (the installation's root account) holds every permission.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set(role_permissions(user_obj))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if getattr(user_obj, "is_superuser", False) and user_obj.is_active:
            return True
        if perm not in role_permissions(user_obj):
            return False
        return obj is None or object_allows(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if getattr(user_obj, "is_superuser", False) and user_obj.is_active:
            return True
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in role_permissions(user_obj))
