"""Background and periodic work (huey): directive fan-out, the deadline scan, opening reporting periods."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from coordination.services import deadlines_scan

from . import reporting, services


@db_task(retries=2, retry_delay=5)
def fan_out_job(directive_id: int) -> int:
    return services.directive_fan_out(directive_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("deadline-scan")
def deadline_scan_job():
    return deadlines_scan()


@db_periodic_task(crontab(minute="7"))
@lock_task("reporting-periods-open")
def reporting_periods_open_job():
    """Hourly: open the half-year / annual period on its day (ReportingSchedule), once; catches up a missed day."""
    return [p.pk for p in reporting.periods_open_due()]
