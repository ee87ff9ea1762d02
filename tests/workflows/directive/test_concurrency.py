"""Real threads and connections on PostgreSQL (row locks); skipped on SQLite, run by CI's second pass."""

import threading

import pytest
from django.db import connection
from django.test import Client

from coordination.models import AssignmentEvent
from tests.conftest import requires_postgres
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, open_task, report, unit
from workflows import engine
from workflows.directive import steps as directive_steps
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import DirectiveProcess

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def _running(user, codenames):
    directive = issue(user("phongtt"), [unit(c) for c in codenames])
    approve(directive, user("giamdoc"))  # outside a test transaction: on_commit callbacks run the fan-out
    directive.refresh_from_db()
    return directive


def _in_threads(n, target):
    barrier = threading.Barrier(n)
    errors = []

    def run(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_two_children_finishing_together_resume_the_parent_once(demo_transactional, user):
    directive = _running(user, ["phuong_phuc_xa", "phuong_truc_bach"])
    assignments = [assignment_of(directive, c) for c in ("phuong_phuc_xa", "phuong_truc_bach")]
    for a in assignments:
        acknowledge(a, user(a.unit.codename))
        report(a, user(a.unit.codename))
    tasks = [open_task(a, UnitAssignmentFlow.review) for a in assignments]
    issuer = user("phongtt")

    def accept(i):
        for _attempt in range(5):
            try:
                engine.task_run(tasks[i], issuer, directive_steps.review_step, accept=True)
                return
            except Exception as exc:
                if type(exc).__name__ != "FlowLockFailed":
                    raise

    assert _in_threads(2, accept) == []
    process = DirectiveProcess.objects.get(flow_class=DirectiveFlow, artifact_object_id=directive.pk)
    assert process.task_set.filter(flow_task=DirectiveFlow.wait_assignments, status="DONE").count() == 1
    assert process.task_set.filter(flow_task=DirectiveFlow.close).count() == 1


def test_twenty_threads_acknowledging_record_one_receipt_and_no_server_error(demo_transactional, user):
    directive = _running(user, ["phuong_phuc_xa"])
    a = assignment_of(directive, "phuong_phuc_xa")
    officer = user("phuong_phuc_xa")
    task = open_task(a, UnitAssignmentFlow.acknowledge)
    engine.task_claim(task, officer)
    url = f"/unitassignment/{task.process_id}/acknowledge/{task.pk}/execute/"
    statuses = []

    def post(i):
        client = Client(raise_request_exception=False)
        client.force_login(officer)
        statuses.append(client.post(url).status_code)

    assert _in_threads(20, post) == []
    assert len(statuses) == 20 and all(code in (200, 302) for code in statuses), statuses
    assert a.events.filter(kind=AssignmentEvent.Kind.RECEIVED).count() == 1
