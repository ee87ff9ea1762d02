from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    # this app's roles → permissions map, which org.roles.role_permissions collects
    role_permissions = "editorial.roles.ROLE_PERMISSIONS"
    verbose_name = _("Biên tập")
