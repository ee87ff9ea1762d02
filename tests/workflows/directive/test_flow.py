"""A directive to 3 communes and 1 district (which relays to 2 communes), walked to the end."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import PROCESS

from coordination.models import Assignment, AssignmentEvent, Directive
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
from workflows.directive.flow import DirectiveFlow
from workflows.models import DirectiveProcess

COMMUNES = ["phuong_phuc_xa", "phuong_trang_tien", "xa_minh_phu"]


@pytest.fixture
def directive(demo, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = issue(user("phongtt"), [unit(c) for c in COMMUNES] + [unit("huyen_dong_anh")])
    return d


def test_full_walk_with_relay_return_rollup_and_close(directive, user, django_capture_on_commit_callbacks):
    assert directive.status == Directive.Status.PENDING_APPROVAL
    assert "<script>" not in directive.instructions
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    assert directive.status == Directive.Status.IN_PROGRESS
    assert directive.assignments.count() == 4

    issuer = user("phongtt")
    for codename in COMMUNES:
        a = assignment_of(directive, codename)
        officer = user(codename)
        acknowledge(a, officer)
        a.refresh_from_db()
        assert a.status == Assignment.Status.RECEIVED and a.received_at and a.received_by == officer
        report(a, officer)

    # one return, then a second report, then acceptance
    first = assignment_of(directive, COMMUNES[0])
    with django_capture_on_commit_callbacks(execute=True):
        review(first, issuer, accept=False, comment="Bổ sung số lần phát")
    first.refresh_from_db()
    assert first.status == Assignment.Status.RETURNED and first.return_comment == "Bổ sung số lần phát"
    report(first, user(COMMUNES[0]), text="Đã phát 9 lần trong 3 ngày")
    with django_capture_on_commit_callbacks(execute=True):
        for codename in COMMUNES:
            review(assignment_of(directive, codename), issuer)

    # the district relays to two of its communes, which the district then reviews
    from workflows import engine
    from workflows.directive import services as directive_services
    from workflows.directive import steps as directive_steps

    district = assignment_of(directive, "huyen_dong_anh")
    district_officer = user("huyen_dong_anh")
    acknowledge(district, district_officer)
    children_units = [unit("xa_kim_no"), unit("xa_uy_no")]
    with django_capture_on_commit_callbacks(execute=True):
        children = directive_services.relay(assignment=district, user=district_officer, units=children_units)
    assert len(children) == 2
    with pytest.raises(ValidationError):
        report(district, district_officer)  # children still open
    for child in children:
        officer = user(child.unit.codename)
        acknowledge(child, officer)
        report(child, officer)
        with django_capture_on_commit_callbacks(execute=True):
            review(child, district_officer)
    report(district, district_officer, text="Hai xã đã phát")
    district.refresh_from_db()
    assert district.report_figures["children_total"] == 2 and district.report_figures["children_done"] == 2

    # the last acceptance resumes the directive's wait exactly once: the close task appears
    process = DirectiveProcess.objects.get(artifact_object_id=directive.pk, flow_class=DirectiveFlow)
    assert not process.task_set.filter(flow_task=DirectiveFlow.close).exists()
    with django_capture_on_commit_callbacks(execute=True):
        review(district, issuer)
    close = open_task(directive, DirectiveFlow.close)
    engine.task_run(close, issuer, directive_steps.close_step, summary="6 đơn vị hoàn thành")
    directive.refresh_from_db()
    process.refresh_from_db()
    assert directive.status == Directive.Status.CLOSED and process.status == PROCESS.DONE
    assert directive.assignments.filter(status=Assignment.Status.ACCEPTED).count() == 6


def test_leader_returns_then_author_revises(directive, user, django_capture_on_commit_callbacks):
    from workflows import engine
    from workflows.directive import steps as directive_steps

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("phogiamdoc"), approve=False, comment="Nêu rõ thời hạn")
    assert directive.status == Directive.Status.RETURNED and directive.assignments.count() == 0
    revise = open_task(directive, DirectiveFlow.revise)
    assert revise.owner == user("phongtt")
    engine.task_run(revise, user("phongtt"), directive_steps.revise_step, title="Bản sửa", instructions="<p>x</p>")
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    assert directive.status == Directive.Status.IN_PROGRESS and directive.assignments.count() == 4


def test_only_leaders_approve(directive, user):
    with pytest.raises(PermissionDenied):
        approve(directive, user("phuong_phuc_xa"))


def test_cancel_one_assignment_with_a_reason_the_unit_sees(directive, user, django_capture_on_commit_callbacks,
                                                            client):
    from notifications.models import Notification
    from workflows.directive import services as directive_services

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    a = assignment_of(directive, "phuong_phuc_xa")
    with pytest.raises(PermissionDenied):
        directive_services.assignment_withdraw(assignment=a, user=user("phuong_trang_tien"), reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.assignment_withdraw(assignment=a, user=user("phongtt"), reason="Đơn vị đã phát từ trước")
    a.refresh_from_db()
    assert a.status == Assignment.Status.CANCELLED
    client.force_login(user("phuong_phuc_xa"))
    assert "Đơn vị đã phát từ trước" in client.get(f"/coordination/assignments/{a.pk}/").content.decode()
    assert Notification.objects.filter(recipient=user("phuong_phuc_xa"), body="Đơn vị đã phát từ trước").exists()


def test_cancel_directive_closes_every_process(directive, user, django_capture_on_commit_callbacks):
    from workflows.directive import services as directive_services
    from workflows.models import AssignmentProcess

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_withdraw(directive=directive, user=user("phongtt"),
                                              reason="Thay bằng văn bản khác")
    directive.refresh_from_db()
    assert directive.status == Directive.Status.CANCELLED
    assert set(directive.assignments.values_list("status", flat=True)) == {Assignment.Status.CANCELLED}
    assert not AssignmentProcess.objects.filter(
        artifact_object_id__in=directive.assignments.values("pk"), status=PROCESS.NEW).exists()


def test_double_acknowledge_records_one_event(directive, user, django_capture_on_commit_callbacks):
    from common.errors import AlreadyDone

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    from workflows import engine
    from workflows.directive import steps as directive_steps
    from workflows.directive.flow import UnitAssignmentFlow

    a = assignment_of(directive, "phuong_phuc_xa")
    stale_task = open_task(a, UnitAssignmentFlow.acknowledge)  # two tabs open on the same task
    engine.task_run(stale_task, user("phuong_phuc_xa"), directive_steps.acknowledge_step)
    with pytest.raises(AlreadyDone):
        engine.task_run(stale_task, user("phuong_phuc_xa"), directive_steps.acknowledge_step)
    assert a.events.filter(kind=AssignmentEvent.Kind.RECEIVED).count() == 1


def test_issuer_names_the_officer_and_the_task_moves_to_their_inbox(directive, user, client,
                                                                    django_capture_on_commit_callbacks):
    from viewflow.workflow.status import STATUS

    from workflows.directive.flow import UnitAssignmentFlow

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    a = assignment_of(directive, "phuong_phuc_xa")
    client.force_login(user("phuong_trang_tien"))
    assert client.get(f"/unitassignment/assignments/{a.pk}/officer/").status_code in (403, 404)
    client.force_login(user("phongtt"))
    page = client.get(f"/unitassignment/assignments/{a.pk}/officer/")
    assert page.status_code == 200 and "Cán bộ Phường Phúc Xá" in page.content.decode()
    response = client.post(f"/unitassignment/assignments/{a.pk}/officer/", {"officer": user("phuong_phuc_xa").pk})
    assert response.status_code == 302
    task = open_task(a, UnitAssignmentFlow.acknowledge)
    assert task.status == STATUS.ASSIGNED and task.owner == user("phuong_phuc_xa")
    a.refresh_from_db()
    assert a.assignee == user("phuong_phuc_xa") and a.events.filter(kind="named").count() == 1
    bad = client.post(f"/unitassignment/assignments/{a.pk}/officer/", {"officer": user("xa_minh_phu").pk})
    assert bad.status_code == 200  # not a member of the unit: the choice is refused
    a.refresh_from_db()
    assert a.assignee == user("phuong_phuc_xa")
