from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("Core")
    default = True


class KefuAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened to Kefu administrators by role instead of the is_staff flag."""

    default = False
    default_site = "kefu.core.admin_site.KefuAdminSite"
