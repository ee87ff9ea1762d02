"""Background and periodic work (huey): directive fan-out, the deadline scan, opening reporting periods.

A job is lost when its worker dies (huey has taken it off the queue): `reconcile_fan_outs_job` finds every
directive still waiting for its fan-out after a grace period and queues it again; opening a period is found
again by the next hourly run (it opens in one transaction, which a dead worker rolls back). Every lock expires
(settings.HUEY_LOCK_TTL), so a consumer killed while holding one does not stop the job for good."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from coordination.services import deadlines_scan
from feedback.services import feedback_deadlines_scan

from .deadlines import tasks_deadlines_scan
from .directive import services as directive_services
from .outreach import services as outreach_services
from .reporting import services as reporting_services


@db_task(retries=2, retry_delay=5)
def fan_out_job(directive_id: int) -> int:
    return directive_services.fan_out(directive_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("fan-out-reconcile", ttl=settings.HUEY_LOCK_TTL)
def reconcile_fan_outs_job() -> list[int]:
    """Every minute: queue again the fan-outs whose job vanished (workflows.directive.selectors.fan_outs_stalled)."""
    return directive_services.fan_outs_reconcile(enqueue=fan_out_job)


@db_periodic_task(crontab(minute="*"))
@lock_task("deadline-scan", ttl=settings.HUEY_LOCK_TTL)
def deadline_scan_job():
    return deadlines_scan()


@db_periodic_task(crontab(minute="7"))
@lock_task("reporting-periods-open", ttl=settings.HUEY_LOCK_TTL)
def reporting_periods_open_job():
    """Hourly: open the half-year / annual period on its day (ReportingSchedule), once; catches up a missed day."""
    return [p.pk for p in reporting_services.periods_open_due()]


@db_periodic_task(crontab(minute="*"))
@lock_task("task-deadlines", ttl=settings.HUEY_LOCK_TTL)
def task_deadlines_job() -> tuple[int, int]:
    """Every minute: the flows' late steps (workflows.deadlines), each told once."""
    return tasks_deadlines_scan()


@db_task(retries=2, retry_delay=30)
@lock_task("outreach-deliver", ttl=settings.HUEY_LOCK_TTL)
def outreach_deliver_job() -> dict:
    """Send what the propagandists' outbox holds (queued at publication; the periodic run below retries)."""
    return outreach_services.deliver()


@db_periodic_task(crontab(minute="*"))
@lock_task("outreach-deliver-periodic", ttl=settings.HUEY_LOCK_TTL)
def outreach_deliver_periodic_job() -> dict:
    """Every minute: retries due, and anything a dead worker left claimed (its claim expires)."""
    return outreach_services.deliver()


@db_periodic_task(crontab(minute="*/10"))
@lock_task("outreach-remind", ttl=settings.HUEY_LOCK_TTL)
def outreach_remind_job() -> int:
    """Every ten minutes: one reminder to propagandists who have not opened a bulletin after
    OUTREACH_REMINDER_HOURS."""
    return outreach_services.remind()


@db_periodic_task(crontab(minute="*"))
@lock_task("feedback-deadlines", ttl=settings.HUEY_LOCK_TTL)
def feedback_deadlines_job() -> tuple[int, int]:
    """Every minute: citizens' feedback near its due time (the unit reminded once) or past it (escalated once to
    the unit's leaders and the Department); feedback.services.feedback_deadlines_scan marks each on its row."""
    return feedback_deadlines_scan()
