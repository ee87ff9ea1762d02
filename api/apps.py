from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Kết nối hệ thống (API)")

    def ready(self):
        # Connecting the receiver that pushes emergencies to e-boards is why this is imported here.
        from . import receivers  # noqa: F401, PLC0415
