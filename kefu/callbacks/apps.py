from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "kefu.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks and complaints")

    def ready(self) -> None:
        import kefu.callbacks.receivers  # noqa: F401  (follows the order's timeline)
        from kefu.notifications import events

        events.register(
            "callbacks.department_warning",
            _("Written warning to your department after a callback"),
            email=True,
        )
        events.register(
            "callbacks.suggestion_summary", _("Summary of customer suggestions"), email=True
        )
        events.register("callbacks.report", _("Satisfaction report produced"), email=True)
