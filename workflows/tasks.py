"""Background and periodic work (huey): directive fan-out and the deadline scan."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from coordination.services import deadlines_scan

from . import services


@db_task(retries=2, retry_delay=5)
def fan_out_job(directive_id: int) -> int:
    return services.directive_fan_out(directive_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("deadline-scan")
def deadline_scan_job():
    return deadlines_scan()
