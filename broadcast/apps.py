from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BroadcastConfig(AppConfig):
    name = "broadcast"
    verbose_name = _("Phát thanh qua cụm loa")
    default_auto_field = "django.db.models.BigAutoField"
