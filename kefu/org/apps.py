from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kefu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kefu.org import access, signals  # noqa: F401  (object rules, role_list upkeep)
        from kefu.org.actions import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, sender=self)
