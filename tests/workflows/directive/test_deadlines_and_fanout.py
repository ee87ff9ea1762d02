from datetime import timedelta

import pytest

from coordination.models import Assignment, AssignmentEvent, Directive
from coordination.services import deadlines_scan
from notifications.models import Notification
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, open_task, unit
from workflows import engine
from workflows.directive import services as directive_services
from workflows.directive import steps as directive_steps
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import AssignmentProcess


@pytest.fixture
def running(demo, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [unit("phuong_phuc_xa"), unit("phuong_truc_bach")])
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    return directive


def _notes(username, kind):
    return Notification.objects.filter(recipient__username=username, kind=kind).count()


def test_reminder_is_sent_once_per_offset(running, django_capture_on_commit_callbacks):
    deadline = running.deadline
    with django_capture_on_commit_callbacks(execute=True):
        first = deadlines_scan(now=deadline - timedelta(hours=23))
        again = deadlines_scan(now=deadline - timedelta(hours=22))
    assert first.reminded == 2 and again.reminded == 0
    assert _notes("phuong_phuc_xa", "due_soon") == 1
    with django_capture_on_commit_callbacks(execute=True):
        later = deadlines_scan(now=deadline - timedelta(hours=1))
    assert later.reminded == 2 and _notes("phuong_phuc_xa", "due_soon") == 2


def test_overdue_marks_and_escalates_to_parent_then_issuer_once(running, django_capture_on_commit_callbacks):
    a = assignment_of(running, "phuong_phuc_xa")
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=running.deadline + timedelta(minutes=5))
        deadlines_scan(now=running.deadline + timedelta(minutes=6))
    a.refresh_from_db()
    assert a.overdue_since == a.deadline
    assert _notes("phuong_phuc_xa", "overdue") == 1
    assert _notes("quan_ba_dinh", "escalation") == 0
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=running.deadline + timedelta(hours=25))
        deadlines_scan(now=running.deadline + timedelta(hours=26))
    # one escalation per late commune, each sent once
    assert _notes("quan_ba_dinh", "escalation") == 2 and _notes("phongtt", "escalation") == 0
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=running.deadline + timedelta(hours=49))
        deadlines_scan(now=running.deadline + timedelta(hours=50))
    assert _notes("quan_ba_dinh", "escalation") == 2
    assert _notes("phongtt", "escalation") == 2
    # leaders (the demo commune has none: recorded, nobody told), parent unit, issuer: once each
    steps = sorted(a.events.filter(kind=AssignmentEvent.Kind.ESCALATED).values_list("once_key", "comment"))
    assert steps == [("escalate:issuer", "issuer"), ("escalate:leaders", "leaders: —"),
                     ("escalate:parent", "parent")]


def test_accepted_or_reported_work_is_not_chased(running, user, django_capture_on_commit_callbacks):
    a = assignment_of(running, "phuong_phuc_xa")
    acknowledge(a, user("phuong_phuc_xa"))
    from tests.workflows.directive.helpers import report

    report(a, user("phuong_phuc_xa"))
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=running.deadline + timedelta(hours=60))
    assert _notes("phuong_phuc_xa", "overdue") == 0 and _notes("phuong_truc_bach", "overdue") == 1


def test_fan_out_is_idempotent(running):
    assert directive_services.fan_out(running.pk) == 0
    assert running.assignments.count() == 2
    assert AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow,
                                            artifact_object_id__in=running.assignments.values("pk")).count() == 2


def test_fan_out_failure_half_way_leaves_nothing(demo, user, django_capture_on_commit_callbacks, monkeypatch):
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [unit(c) for c in ("phuong_phuc_xa", "phuong_truc_bach", "xa_minh_phu")])
    real_start = engine.processes_bulk_start

    def start_then_fail(*args, **kwargs):  # fault injection: the rows are written, then the database fails
        real_start(*args, **kwargs)
        raise RuntimeError("database went away")

    directive = approve(directive, user("giamdoc"))
    with monkeypatch.context() as patched, pytest.raises(RuntimeError):
        patched.setattr(engine, "processes_bulk_start", start_then_fail)
        directive_services.fan_out(directive.pk)
    assert directive.assignments.count() == 0
    assert not AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow).exists()
    assert directive_services.fan_out(directive.pk) == 3  # a retry then succeeds
    assert open_task(directive, DirectiveFlow.wait_assignments)


def test_zero_targets_are_refused(demo, user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        issue(user("phongtt"), [])


def test_fan_out_to_all_communes_of_one_district(demo, user, django_capture_on_commit_callbacks):
    ba_dinh = unit("quan_ba_dinh")
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [], district_communes=[ba_dinh.pk])
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    assert directive.status == Directive.Status.IN_PROGRESS
    assert directive.assignments.count() == ba_dinh.children.count()
    assert _notes("phuong_phuc_xa", "directive_received") == 1


def test_cross_unit_access_is_refused(running, user, client):
    from django.core.exceptions import PermissionDenied

    a = assignment_of(running, "phuong_phuc_xa")
    task = open_task(a, UnitAssignmentFlow.acknowledge)
    with pytest.raises(PermissionDenied):
        engine.task_run(task, user("phuong_truc_bach"), directive_steps.acknowledge_step)
    assert Assignment.objects.get(pk=a.pk).status == Assignment.Status.PENDING
    client.force_login(user("phuong_truc_bach"))
    assert client.get(f"/coordination/assignments/{a.pk}/").status_code == 404
    html = client.get(f"/coordination/directives/{running.pk}/").content.decode()
    assert "Phường Trúc Bạch" in html and "Phường Phúc Xá" not in html
    client.force_login(user("xa_minh_phu"))
    assert client.get(f"/coordination/directives/{running.pk}/").status_code == 404
    client.force_login(user("quan_ba_dinh"))  # the district supervises both communes
    html = client.get(f"/coordination/directives/{running.pk}/").content.decode()
    assert "Phường Trúc Bạch" in html and "Phường Phúc Xá" in html


def test_a_quiet_minute_costs_the_same_whatever_the_number_of_late_units(
    demo, user, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from org.models import Structure, Unit, UnitKind

    def late_directive(n):
        units = list(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).order_by("path")[:n])
        with django_capture_on_commit_callbacks(execute=True):
            directive = issue(user("phongtt"), units)
        with django_capture_on_commit_callbacks(execute=True):
            approve(directive, user("giamdoc"))
        directive.refresh_from_db()
        return directive

    first = late_directive(3)
    later = first.deadline + timedelta(hours=60)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=later)  # everything happens once
    with CaptureQueriesContext(connection) as small:
        deadlines_scan(now=later)
    late_directive(40)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=later)
    with CaptureQueriesContext(connection) as large:
        deadlines_scan(now=later)
    # policy, the two windows, what happened, the urgent units not yet received: the same count at any size
    assert len(large.captured_queries) == len(small.captured_queries) <= 5
