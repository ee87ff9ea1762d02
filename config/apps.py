import gc

from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Listed last in INSTALLED_APPS, so its ready() runs once every other app is loaded."""

    name = "config"
    verbose_name = "Cấu hình"

    def ready(self):
        # Every process (daphne, huey workers, commands) holds ~120,000 objects once Django is loaded, and a
        # full collection walked them all: 70–130 ms pauses in the middle of a notify() to a thousand people
        # (bench/notify.py). Frozen, they are left out of collections; what is created later is collected.
        gc.freeze()
