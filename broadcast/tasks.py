"""Periodic work for loudspeaker clusters (huey)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services import offline_scan


@db_periodic_task(crontab(minute="*"))
@lock_task("cluster-offline-scan", ttl=settings.HUEY_LOCK_TTL)
def offline_scan_job() -> int:
    """Every minute: clusters silent too long turn offline and their unit is told."""
    return len(offline_scan())
