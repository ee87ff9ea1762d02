"""Flow-driven background work survives a worker that dies mid-job: a directive's fan-out is found again by
`reconcile_fan_outs_job` after a grace period, a reporting period by the next hourly opening run, and no
periodic job's lock outlives a killed holder. The real consumer killed with SIGKILL: test_reconcile_kill.py."""

import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from huey.api import TaskLock
from viewflow.workflow.models import Task

from coordination.models import Assignment, Directive, ReportingPeriod, ReportingSchedule
from org.models import Structure
from tests.conftest import requires_postgres
from tests.coordination.reporting_helpers import small_org
from tests.workflows.directive.helpers import STATUS, approve, issue, unit
from workflows import tasks
from workflows.directive import selectors as directive_selectors
from workflows.directive import services as directive_services
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import AssignmentProcess
from workflows.reporting import services as reporting_flow

T0 = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
UNITS = ("phuong_phuc_xa", "phuong_truc_bach", "xa_minh_phu")


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler of ours records anything."""


def approved_without_its_job(user, capture) -> Directive:
    """Approved, but the fan-out job queued after commit never runs (lost with its worker)."""
    directive = issue(user("phongtt"), [unit(c) for c in UNITS])
    with capture(execute=False):
        approve(directive, user("giamdoc"))
    return directive


def test_a_fan_out_whose_job_vanished_is_queued_again_after_the_grace(
        demo, user, settings, django_capture_on_commit_callbacks):
    settings.FAN_OUT_GRACE_SECONDS = 120
    with time_machine.travel(T0, tick=False):
        directive = approved_without_its_job(user, django_capture_on_commit_callbacks)
        other = approved_without_its_job(user, django_capture_on_commit_callbacks)
    assert directive.status == Directive.Status.FANNING_OUT  # "Đang gửi tới đơn vị"
    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        assert directive_selectors.fan_outs_stalled() == []
        assert tasks.reconcile_fan_outs_job.call_local() == []
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False):
        assert directive_selectors.fan_outs_stalled() == [directive.pk, other.pk]
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.reconcile_fan_outs_job.call_local() == [directive.pk, other.pk]  # huey immediate: run
        assert directive_selectors.fan_outs_stalled() == []
    directive.refresh_from_db()
    assert directive.status == Directive.Status.IN_PROGRESS
    assert sorted(directive.assignments.values_list("unit__codename", flat=True)) == sorted(UNITS)


def test_a_fan_out_queued_twice_fans_out_once(demo, user, django_capture_on_commit_callbacks):
    """The reconciler's copy of a job that was only slow: the directive's lock and the task's status decide."""
    directive = approved_without_its_job(user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.fan_out_job.call_local(directive.pk) == len(UNITS)
        assert tasks.fan_out_job.call_local(directive.pk) == 0
        later = timezone.now() + timedelta(days=1)
        assert directive_services.fan_outs_reconcile(later, enqueue=tasks.fan_out_job) == []
    assert Assignment.objects.filter(directive=directive).count() == len(UNITS)
    ids = list(directive.assignments.values_list("pk", flat=True))
    assert AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow, artifact_object_id__in=ids).count() == 3


def test_only_fan_outs_still_waiting_are_stalled(demo, user, django_capture_on_commit_callbacks):
    later = timezone.now() + timedelta(days=1)
    returned = issue(user("phongtt"), [unit(UNITS[0])])
    approve(returned, user("giamdoc"), approve=False, comment="Sửa lại")
    pending = issue(user("phongtt"), [unit(UNITS[0])])  # not approved yet
    done = approved_without_its_job(user, django_capture_on_commit_callbacks)
    directive_services.fan_out(done.pk)
    assert Task.objects.get(flow_task=DirectiveFlow.fan_out, process__artifact_object_id=done.pk).status == STATUS.DONE
    assert pending.status == Directive.Status.PENDING_APPROVAL
    assert directive_selectors.fan_outs_stalled(later) == []


# ------------------------------------------------------------------------------------------ reporting periods


def test_a_period_whose_opening_worker_died_is_opened_once_by_the_next_run(
        demo, monkeypatch, django_capture_on_commit_callbacks):
    """Opening is one transaction: a worker dying half-way leaves nothing, and the next hourly run (from the
    opening day to the due date) opens it, once."""
    small_org()
    ReportingSchedule.objects.update(structure=Structure.CURRENT)
    opening = timezone.make_aware(datetime(2026, 5, 31, 8, 7))

    def killed(**kwargs):
        raise WorkerKilled

    directives = Directive.objects.count()
    with time_machine.travel(opening, tick=False):
        with monkeypatch.context() as patched:
            patched.setattr(reporting_flow.coordination, "period_attach_directive", killed)
            with pytest.raises(WorkerKilled):
                tasks.reporting_periods_open_job.call_local()
        assert not ReportingPeriod.objects.exclude(status=ReportingPeriod.Status.DRAFT).exists()
        assert Directive.objects.count() == directives
    later = time_machine.travel(opening + timedelta(hours=1), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        [pk] = tasks.reporting_periods_open_job.call_local()
        assert tasks.reporting_periods_open_job.call_local() == []
    period = ReportingPeriod.objects.get(pk=pk)
    assert (period.kind, period.year, period.due_date) == ("half_year", 2026, date(2026, 6, 6))
    assert period.directive.assignments.count() == 4


# ------------------------------------------------------------------------------------------------------ locks


PERIODIC_LOCKED = ["workflows.tasks.reconcile_fan_outs_job", "workflows.tasks.deadline_scan_job",
                   "workflows.tasks.reporting_periods_open_job", "editorial.tasks.reconcile_audio_renders",
                   "editorial.tasks.publish_due_bulletins"]


def _task_locks(func) -> list[TaskLock]:
    """The TaskLock objects in the decorators wrapped around a task's function (djhuey's, lock_task's)."""
    locks = []
    for cell in getattr(func, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, TaskLock):
            locks.append(value)
        elif callable(value):
            locks += _task_locks(value)
    return locks


@pytest.mark.parametrize("name", PERIODIC_LOCKED)
def test_every_periodic_lock_expires(name):
    """A consumer killed while holding a lock_task lock would otherwise stop that job on every consumer."""
    import importlib

    module, _, attribute = name.rpartition(".")
    task = getattr(importlib.import_module(module), attribute)
    [lock] = _task_locks(task.func)
    assert lock._ttl == settings.HUEY_LOCK_TTL
    if settings.REDIS_URL:
        assert settings.HUEY_LOCK_TTL
    else:  # SQLite storage cannot expire keys: its only consumer clears stale locks when it starts
        assert settings.HUEY["consumer"]["flush_locks"] is True


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (huey on Redis); CI's second run has it")
def test_a_lock_left_by_a_dead_holder_expires_on_redis():
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False  # the real Redis storage (the autouse fixture restores immediate mode)
    stale = TaskLock(HUEY, "test-dead-holder", ttl=1)
    HUEY.delete(stale._key)
    stale.acquire()  # and never released: its holder was killed
    assert stale.is_locked()
    deadline = time.monotonic() + 10
    while stale.is_locked() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not stale.is_locked()
    assert stale.acquire()
    stale.release()


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the embedded profile (huey on SQLite)")
def test_the_embedded_consumer_clears_a_lock_left_by_a_killed_process(tmp_path):
    """SQLite keys cannot expire: the web process's consumer (the only one) flushes stale locks as it starts."""
    from huey import SqliteHuey

    from config.embedded import ThreadedConsumer

    huey = SqliteHuey("ttcs-test", filename=str(tmp_path / "huey.sqlite3"))
    stale = huey.lock_task("deadline-scan")
    stale.acquire()  # the process holding it was killed
    assert stale.is_locked()
    ThreadedConsumer(huey, **settings.HUEY["consumer"])
    assert not stale.is_locked()


@requires_postgres
def test_a_duplicate_fan_out_running_beside_a_slow_original_creates_nothing(demo_transactional, user, monkeypatch):
    """Real threads and connections: the reconciler's copy starts while the original (526 communes) holds
    the directive's lock; it either fails to get the lock (huey retries it) or gets it after the commit and
    finds the fan-out done. Either way every commune gets one assignment."""
    import threading

    from django.db import connection
    from viewflow.workflow.exceptions import FlowLockFailed

    directive = issue(user("phongtt"), [], sets=["all_communes"])
    with monkeypatch.context() as patched:
        patched.setattr(tasks, "fan_out_job", lambda directive_id: None)  # the job is lost
        approve(directive, user("giamdoc"))
    assert directive.status == Directive.Status.FANNING_OUT and not directive.assignments.exists()

    results, started = {}, threading.Event()

    def run(name):
        if name == "duplicate":
            started.wait(10)
            time.sleep(0.05)
        else:
            started.set()
        try:
            results[name] = directive_services.fan_out(directive.pk)
        except FlowLockFailed:
            results[name] = "locked"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("original", "duplicate")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results["original"] == 526 and results["duplicate"] in (0, "locked")
    units = list(Assignment.objects.filter(directive=directive).values_list("unit_id", flat=True))
    assert len(units) == len(set(units)) == 526
