from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Installed only for its templates (the pager) and template tags; it has no models."""

    name = "common"
    verbose_name = "common"
