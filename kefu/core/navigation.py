"""The main navigation: each entry names the permission that shows it.

Apps add their pages here as they are built; an entry appears only for users whose roles grant
its permission, so nobody sees a link to a page they would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    permission: str
    section: str  # the first path segment that marks the entry active

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MAIN_NAV: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", "core.use_workspace", ""),
    NavItem(_("Organisation"), "org:directory", "core.use_workspace", "org"),
    NavItem(_("Administration"), "admin:index", "org.manage", "admin"),
    NavItem(_("API"), "api-1:openapi-view", "config.manage_integrations", "api"),
)


def items_for(user: Any) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in MAIN_NAV if user.has_perm(item.permission)]
