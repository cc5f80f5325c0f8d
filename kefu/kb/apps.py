from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "kefu.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from kefu.kb import access  # noqa: F401  (registers object rules)
