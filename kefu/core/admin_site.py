from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class KefuAdminSite(admin.AdminSite):
    site_header = _("Kefu administration")
    site_title = _("Kefu administration")
    index_title = _("Staff, roles and departments")
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.has_perm("org.manage"))
