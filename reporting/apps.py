from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers of coordination's signals)
