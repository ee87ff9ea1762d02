from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    # this app's roles → permissions map, which org.roles.role_permissions collects
    role_permissions = "org.roles.ROLE_PERMISSIONS"
    verbose_name = _("Tổ chức")
