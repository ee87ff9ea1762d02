from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình")

    def ready(self):
        # Connecting receivers is why these are imported here: nothing else imports them.
        from . import signals  # noqa: F401, PLC0415
        from .broadcast import receivers as broadcast_receivers  # noqa: F401, PLC0415
        from .bulletin import receivers as bulletin_receivers  # noqa: F401, PLC0415
        from .directive import receivers as directive_receivers  # noqa: F401, PLC0415
        from .outreach import receivers as outreach_receivers  # noqa: F401, PLC0415
