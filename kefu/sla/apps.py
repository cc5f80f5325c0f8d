from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("Time limits (SLA)")

    def ready(self) -> None:
        from kefu.sla import receivers, tasks  # noqa: F401  (signal receivers, periodic sweep)
