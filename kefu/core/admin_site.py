from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Who may open the admin site at all; each page inside still checks its own model permission.
# Administrators manage staff, roles and taxonomy; managers edit the SLA policies (R-SLA-1).
ADMIN_SITE_PERMISSIONS = ("org.manage", "sla.manage_policies")


class KefuAdminSite(admin.AdminSite):
    site_header = _("Kefu administration")
    site_title = _("Kefu administration")
    index_title = _("Administration")
    site_url = "/"

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for everyone: Django's admin login only admits is_staff accounts."""
        if request.user.is_authenticated and not self.has_permission(request):
            # Logged in but not an administrator: the login page would send them straight back
            # here (it forwards logged-in users to ``next``), an endless redirect loop.
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next") or self.index_url(), reverse("login"))

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and any(user.has_perm(p) for p in ADMIN_SITE_PERMISSIONS))
