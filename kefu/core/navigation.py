"""The main navigation: each entry names the permissions, any of which shows it.

Apps add their pages here as they are built; an entry appears only for users whose roles grant
one of its permissions, so nobody sees a link to a page they would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kefu.core.admin_site import ADMIN_SITE_PERMISSIONS


@dataclass(frozen=True)
class NavItem:
    label: Any  # lazy translation
    url_name: str
    permissions: tuple[str, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MAIN_NAV: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", ("core.use_workspace",)),
    NavItem(_("New order"), "tickets:new_phone", ("tickets.register",)),
    NavItem(
        _("Work orders"),
        "tickets:list",
        ("tickets.view_own", "tickets.view_department", "tickets.view_center"),
    ),
    NavItem(
        _("Knowledge base"),
        "kb:index",
        ("kb.view", "kb.edit", "kb.read_notice", "kb.confirm"),
    ),
    NavItem(_("SLA report"), "sla:report", ("reports.view", "sla.manage_policies")),
    NavItem(_("Customers"), "customers:list", ("customers.view",)),
    NavItem(_("Callbacks"), "callbacks:queue", ("callbacks.make",)),
    NavItem(_("Manager hotline"), "callbacks:hotline", ("tickets.take_escalated",)),
    NavItem(
        _("Complaint statistics"),
        "callbacks:statistics",
        ("reports.satisfaction", "reports.view"),
    ),
    NavItem(_("Suggestions"), "callbacks:suggestions", ("suggestions.classify",)),
    NavItem(_("Organisation"), "org:directory", ("core.use_workspace",)),
    NavItem(
        _("Data security"),
        "audit:index",
        ("audit.view", "customers.request_export", "customers.approve_export"),
    ),
    NavItem(_("Administration"), "admin:index", ADMIN_SITE_PERMISSIONS),
    NavItem(_("API"), "api-1:openapi-view", ("config.manage_integrations",)),
)


def items_for(user: Any) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in MAIN_NAV if any(user.has_perm(p) for p in item.permissions)]


def active_url(items: list[NavItem], path: str) -> str:
    """The entry whose URL is the longest prefix of the current path ("/" only for "/")."""
    best = ""
    for item in items:
        url = item.url
        matches = path == url if url == "/" else path.startswith(url)
        if matches and len(url) > len(best):
            best = url
    return best
