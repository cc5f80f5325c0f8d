"""Role and object permissions: the one mechanism every app plugs into (R-ORG-3).

* ``RoleBackend`` (kefu.core.backends) answers ``user.has_perm(perm)`` from the user's roles
  (``kefu.org.roles``).
* An app narrows a permission to the objects a user may touch by registering an *object rule*:
  a function ``(user) -> Q`` over the model, e.g. "orders dispatched to my department".
  ``has_perm(perm, obj)`` then also requires the object to match, and
  ``Model.objects.restrict(user, perm)`` filters any list the same way. Because both use the same
  ``Q``, what a list shows and what a detail page allows can never disagree.
* ``access(model, user, perm, **lookup)`` fetches and authorises in one step: 404 when the object
  does not exist or lies outside the user's reach, so that nobody can probe for ids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

if TYPE_CHECKING:
    from kefu.org.models import User

RuleQuery = Callable[[Any], Q]
RuleCheck = Callable[[Any, Any], bool]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ObjectRule:
    """The objects of ``model`` a permission reaches: ``query(user)`` as a Q for lists and
    look-ups, and optionally ``check(user, obj)``, the same rule over an object in memory so
    that a permission check on a loaded object costs no query. Both must agree; each rule's
    tests compare them."""

    model: type[models.Model]
    query: RuleQuery
    check: RuleCheck | None = None


_object_rules: dict[str, ObjectRule] = {}


def object_rule(
    perm: str, model: type[models.Model], check: RuleCheck | None = None
) -> Callable[[RuleQuery], RuleQuery]:
    """Register ``func(user) -> Q`` as the objects of ``model`` that ``perm`` reaches."""

    def register(func: RuleQuery) -> RuleQuery:
        existing = _object_rules.get(perm)
        if existing and (existing.query is not func or existing.check is not check):
            raise ValueError(f"An object rule for {perm!r} is already registered.")
        _object_rules[perm] = ObjectRule(model, func, check)
        return func

    return register


def role_permissions(user: Any) -> frozenset[str]:
    """Permissions the user's roles grant; none for anonymous or inactive users."""
    from kefu.org.roles import permissions_for

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_role_permissions", None)
    if cached is None:
        cached = permissions_for(user.role_codes())
        user._role_permissions = cached
    return cached


def object_filter(user: Any, perm: str) -> Q | None:
    """The ``Q`` that limits ``perm`` to the user's objects, or None if it is not limited."""
    if getattr(user, "is_superuser", False):
        return None
    rule = _object_rules.get(perm)
    return rule.query(user) if rule else None


def object_allows(user: Any, perm: str, obj: Any) -> bool:
    """Whether ``obj`` is within the reach of ``perm`` for ``user`` (the role is checked apart)."""
    if getattr(user, "is_superuser", False):
        return True
    rule = _object_rules.get(perm)
    if rule is None:
        return True
    if rule.check is not None and isinstance(obj, rule.model):
        return rule.check(user, obj)
    return type(obj)._default_manager.filter(rule.query(user), pk=obj.pk).exists()


class RestrictedQuerySet(models.QuerySet[M]):
    """A queryset that can be cut down to what a user may see: ``.restrict(user, perm)``."""

    def restrict(self, user: User | Any, perm: str) -> RestrictedQuerySet[M]:
        if not user.has_perm(perm):
            return self.none()
        condition = object_filter(user, perm)
        return self if condition is None else self.filter(condition)


def access(queryset: models.QuerySet[M] | type[M], user: Any, perm: str, **lookup: Any) -> M:
    """Fetch one object the user may ``perm``: 403 without the permission, 404 outside its reach."""
    if not user.has_perm(perm):
        raise PermissionDenied
    qs = queryset if isinstance(queryset, models.QuerySet) else queryset._default_manager.all()
    condition = object_filter(user, perm)
    if condition is not None:
        qs = qs.filter(condition)
    try:
        return qs.get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
