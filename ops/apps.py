from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = _("Vận hành")

    def ready(self):
        from . import jobs  # noqa: PLC0415 (connects huey's signals: last runs, failures, the heartbeat)

        jobs.connect()
