"""An accepted unit report ends the unit's flow: no report task comes back, nobody is told of a new task, and
the directive (and a bulletin's broadcast directive) reaches its end with no open task left anywhere."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from coordination.models import Assignment, Directive
from notifications.models import Kind, Notification
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import (
    acknowledge,
    approve,
    assignment_of,
    issue,
    open_task,
    report,
    review,
    unit,
)
from workflows import engine
from workflows.directive import services as directive_services
from workflows.directive import steps as directive_steps
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.models import AssignmentProcess, DirectiveProcess

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
TASK_KINDS = [Kind.TASK_ASSIGNED, Kind.QUEUE_TASK]


def processes_of(directive: Directive):
    return [
        *DirectiveProcess.objects.filter(flow_class=DirectiveFlow, artifact_object_id=directive.pk,
                                         artifact_content_type=ContentType.objects.get_for_model(Directive)),
        *AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow,
                                          artifact_object_id__in=directive.assignments.values("pk"),
                                          artifact_content_type=ContentType.objects.get_for_model(Assignment)),
    ]


def assert_nothing_left_open(directive: Directive) -> None:
    processes = processes_of(directive)
    assert len(processes) == 1 + directive.assignments.count()
    open_tasks = Task.objects.filter(process__in=[p.pk for p in processes], status__in=OPEN)
    assert list(open_tasks.values_list("flow_task", "process_id")) == []
    assert {p.status for p in processes} == {PROCESS.DONE}


def unit_task_notifications_after(last_id: int, review_task: Task):
    """"New task" notices of a unit flow written since `last_id`, but the reviewer's own claim of the review."""
    return Notification.objects.filter(pk__gt=last_id, kind__in=TASK_KINDS, link__startswith="/unitassignment/"
                                       ).exclude(link__contains=f"/review/{review_task.pk}/")


def last_notification_id() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def accept(assignment, reviewer, capture):
    """Accept a report and check that the unit's flow ended there (no new task, no "new task" notice)."""
    review_task = open_task(assignment, UnitAssignmentFlow.review)
    before = last_notification_id()
    with capture(execute=True):
        review(assignment, reviewer)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert engine.open_task(assignment, UnitAssignmentFlow.report) is None
    assert list(unit_task_notifications_after(before, review_task)) == []
    process = AssignmentProcess.objects.get(flow_class=UnitAssignmentFlow, artifact_object_id=assignment.pk)
    assert process.status == PROCESS.DONE


def test_directive_with_a_relay_walked_to_its_end_leaves_no_task_open(demo, user,
                                                                      django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    issuer = user("phongtt")
    with capture(execute=True):
        directive = issue(issuer, [unit("phuong_phuc_xa"), unit("huyen_dong_anh")])
        approve(directive, user("giamdoc"))
    commune = assignment_of(directive, "phuong_phuc_xa")
    acknowledge(commune, user("phuong_phuc_xa"))
    report(commune, user("phuong_phuc_xa"))
    accept(commune, issuer, capture)

    district = assignment_of(directive, "huyen_dong_anh")
    district_officer = user("huyen_dong_anh")
    acknowledge(district, district_officer)
    with capture(execute=True):
        children = directive_services.relay(assignment=district, user=district_officer,
                                             units=[unit("xa_kim_no"), unit("xa_uy_no")])
    for child in children:
        officer = user(child.unit.codename)
        acknowledge(child, officer)
        report(child, officer)
        accept(child, district_officer, capture)
    report(district, district_officer, text="Hai xã đã phát")
    accept(district, issuer, capture)

    with capture(execute=True):
        engine.task_run(open_task(directive, DirectiveFlow.close), issuer, directive_steps.close_step,
                          summary="3 đơn vị hoàn thành")
    directive.refresh_from_db()
    assert directive.status == Directive.Status.CLOSED
    assert_nothing_left_open(directive)


def test_acceptance_from_the_review_page_ends_the_unit_flow(demo, user, client, django_capture_on_commit_callbacks):
    """The page path: the process the view hands over has read the assignment before the service changed it."""
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [unit("phuong_phuc_xa")])
        approve(directive, user("giamdoc"))
    a = assignment_of(directive, "phuong_phuc_xa")
    acknowledge(a, user("phuong_phuc_xa"))
    report(a, user("phuong_phuc_xa"))
    task = open_task(a, UnitAssignmentFlow.review)
    client.force_login(user("phongtt"))
    base = f"/unitassignment/{task.process_id}/review/{task.pk}"
    assert client.post(f"/hop-viec/tasks/{task.pk}/claim/").status_code == 302  # claim and open
    before = last_notification_id()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base}/execute/", {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.ACCEPTED
    assert engine.open_task(a, UnitAssignmentFlow.report) is None
    assert list(unit_task_notifications_after(before, task)) == []
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(open_task(directive, DirectiveFlow.close), user("phongtt"), directive_steps.close_step,
                          summary="Xong")
    assert_nothing_left_open(directive)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
def test_bulletin_broadcast_directive_walked_to_its_end_leaves_no_task_open(demo, media, user,
                                                                           django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _bulletin, directive = published_bulletin(capture)
    aired = timezone.localtime() - timedelta(minutes=5)
    for a in directive.assignments.select_related("unit"):
        officer = user(a.unit.codename)
        engine.task_run(open_task(a, UnitAssignmentFlow.acknowledge), officer, directive_steps.acknowledge_step,
                          planned_air_at=timezone.now() + timedelta(hours=1))
        engine.task_run(open_task(a, UnitAssignmentFlow.report), officer, directive_steps.report_step,
                          text="Đã phát", broadcast={"channels": ["loudspeaker"], "aired_at": aired.isoformat(),
                                                     "repetitions": 2})
        accept(a, user("phongtt"), capture)
    with capture(execute=True):
        engine.task_run(open_task(directive, DirectiveFlow.close), user("phongtt"), directive_steps.close_step,
                        summary="Các xã đã phát")
    assert_nothing_left_open(directive)


def test_migration_closes_report_tasks_reopened_before_the_fix(demo, user, django_capture_on_commit_callbacks):
    """Data left by the old gateway: an accepted assignment whose process is still open at a report task."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("workflows.migrations.0004_close_reports_reopened_after_acceptance")
    # 0004 ran while the flows lived in workflows/flows.py: its rows carry those paths until 0005 moves them
    moved = import_module("workflows.migrations.0005_flows_in_packages")
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [unit("phuong_phuc_xa"), unit("xa_minh_phu")])
        approve(directive, user("giamdoc"))
    stray, pending = assignment_of(directive, "phuong_phuc_xa"), assignment_of(directive, "xa_minh_phu")
    acknowledge(stray, user("phuong_phuc_xa"))
    acknowledge(pending, user("xa_minh_phu"))  # its report task is legitimately open
    Assignment.objects.filter(pk=stray.pk).update(status=Assignment.Status.ACCEPTED)
    editor = SimpleNamespace(connection=connection)  # the data migration only runs SQL on its connection
    moved.backwards(apps, editor)
    migration.close_reports_reopened_after_acceptance(apps, None)
    moved.forwards(apps, editor)
    assert engine.open_task(stray, UnitAssignmentFlow.report) is None
    assert AssignmentProcess.objects.get(artifact_object_id=stray.pk, flow_class=UnitAssignmentFlow).status == \
        PROCESS.DONE
    assert engine.open_task(pending, UnitAssignmentFlow.report) is not None
