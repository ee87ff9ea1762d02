from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    # this app's roles → permissions map, which org.roles.role_permissions collects
    role_permissions = "coordination.roles.ROLE_PERMISSIONS"
    verbose_name = _("Điều phối")
