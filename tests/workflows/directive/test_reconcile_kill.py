"""A fan-out whose worker is SIGKILLed mid-job is not lost: a real `manage.py run_huey` consumer (PostgreSQL +
Redis, as in production) is killed while it fans a directive out to the 526 communes of the 2025 structure;
the rollback leaves nothing and the queue no longer holds the job; a new consumer's reconciler queues it again
and every commune gets its assignment exactly once. Only in CI's PostgreSQL + Redis run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from viewflow.workflow.models import Task

from coordination.models import Assignment, Directive
from notifications.testing import database_url
from org.models import Structure, Unit, UnitKind, User
from tests.conftest import requires_postgres
from tests.workflows.directive.helpers import STATUS, approve, issue
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import AssignmentProcess

pytestmark = [
    requires_postgres,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (huey on Redis); CI's second run has it"),
]

ROOT = Path(__file__).resolve().parents[3]  # tests/workflows/directive/ → the repository
COMMUNES = 526


def consumer(log: Path, **env) -> subprocess.Popen:
    """A separate huey consumer on the test database and the test Redis, as deployed (README)."""
    environment = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
                   "DJANGO_SETTINGS_MODULE": "config.settings", "HUEY_IMMEDIATE": "off", "HUEY_WORKERS": "2",
                   # a lock left by the killed consumer (it runs periodic jobs too) must not outlive the test
                   "HUEY_LOCK_TTL": "5", **env}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "manage.py", "run_huey"], cwd=ROOT, env=environment,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_for(condition, *, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}; consumer log:\n{log.read_text()[-4000:]}")


def backends(where: str) -> list[int]:
    """Server pids of the other sessions on the test database matching `where` (pg_stat_activity)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       f"AND pid <> pg_backend_pid() AND {where}")
        return [row[0] for row in cursor.fetchall()]


def fan_out_jobs_queued(huey) -> int:
    return sum(t.name.endswith("fan_out_job") for t in huey.pending() + huey.scheduled())


def test_a_fan_out_killed_mid_job_is_reconciled_exactly_once(demo_transactional, tmp_path):
    from huey.contrib.djhuey import HUEY

    communes = set(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE, is_active=True)
                   .values_list("pk", flat=True))
    assert len(communes) == COMMUNES
    HUEY.immediate = False  # the autouse fixture restores it: jobs go to Redis, as from a web process
    HUEY.flush()
    log = tmp_path / "consumers.log"
    first = second = None
    # Holding SHARE on the assignment table lets the job take the directive's lock and start its transaction,
    # then wait at its first INSERT: "mid-job" is then a known point, not a race with a 0.5 s fan-out.
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    try:
        blocker.execute("LOCK TABLE coordination_assignment IN SHARE MODE")
        directive = issue(User.objects.get(username="phongtt"), [], sets=["all_communes"])
        approve(directive, User.objects.get(username="giamdoc"))
        assert directive.status == Directive.Status.FANNING_OUT
        assert fan_out_jobs_queued(HUEY) == 1

        first = consumer(log)
        # (by its lock: the statement's text, with its arrays inlined, is longer than pg_stat_activity keeps)
        inserting = ("pid IN (SELECT pid FROM pg_locks WHERE NOT granted"
                     " AND relation = 'coordination_assignment'::regclass)")
        [job] = wait_for(lambda: backends(inserting), timeout=90, what="the fan-out job to be running", log=log)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        blocker.rollback()  # the orphaned backend finds its client gone and rolls back
        wait_for(lambda: not backends(f"pid = {job}"), timeout=60, what="the killed job's transaction to end", log=log)

        assert Assignment.objects.filter(directive=directive).count() == 0
        assert fan_out_jobs_queued(HUEY) == 0  # huey took it off the queue: nothing would ever resume it
        directive.refresh_from_db()
        assert directive.status == Directive.Status.FANNING_OUT
        fan_out = Task.objects.get(flow_task=DirectiveFlow.fan_out, process__artifact_object_id=directive.pk)
        assert fan_out.status == STATUS.NEW

        second = consumer(log, FAN_OUT_GRACE_SECONDS="1")

        def fanned_out():
            directive.refresh_from_db()
            return directive.status == Directive.Status.IN_PROGRESS

        wait_for(fanned_out, timeout=150, what="the reconciler to fan the directive out again", log=log)
        time.sleep(2)  # a duplicate job, if any, would run now
    finally:
        blocker.close()
        stop(first)
        stop(second)
        HUEY.flush()

    assignments = Assignment.objects.filter(directive=directive)
    units = list(assignments.values_list("unit_id", flat=True))
    assert len(units) == COMMUNES and set(units) == communes  # 526/526, each unit exactly once
    processes = AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow,
                                                 artifact_object_id__in=list(assignments.values_list("pk", flat=True)))
    assert processes.count() == COMMUNES
    assert set(processes.values_list("artifact_object_id", flat=True)) == set(assignments.values_list("pk", flat=True))
    directive.refresh_from_db()
    assert (directive.status, directive.fanout_total, directive.fanout_done) == ("in_progress", COMMUNES, COMMUNES)
    fan_out.refresh_from_db()
    assert fan_out.status == STATUS.DONE
    assert Task.objects.filter(flow_task=DirectiveFlow.wait_assignments, status=STATUS.NEW,
                               process__artifact_object_id=directive.pk).count() == 1
