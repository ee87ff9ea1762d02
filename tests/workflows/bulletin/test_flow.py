"""BulletinFlow through every branch, from code as the pages do (workflows.engine.task_run)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from coordination.models import Assignment, Directive, ReportRequirement
from editorial import services as editorial
from editorial.models import Bulletin, BulletinAudio, ReviewPolicy
from tests.clock import hanoi
from tests.editorial.helpers import draft, u, wav_bytes
from workflows import engine
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow
from workflows.directive import steps as directive_steps
from workflows.directive.flow import UnitAssignmentFlow
from workflows.models import BulletinProcess

BOARD = ("bientap1", "bientap2", "bientap3")
# The clock of the tests that set times from now (a planned air time, a scheduled publication and its job).
NOW = hanoi(2026, 12, 2, 9)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""


def tasks_of(bulletin, flow_task, status=(STATUS.NEW, STATUS.ASSIGNED)):
    return list(Task.objects.filter(process__flow_class=BulletinFlow, process__artifact_object_id=bulletin.pk,
                                    flow_task=flow_task, status__in=status).order_by("pk"))


def one(bulletin, flow_task):
    found = tasks_of(bulletin, flow_task)
    assert len(found) == 1, f"{flow_task}: {found}"
    return found[0]


def fresh(bulletin):
    return Bulletin.objects.get(pk=bulletin.pk)


def submitted(**fields):
    bulletin = draft(**fields)
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    return bulletin


def choose(bulletin, reviewers=BOARD):
    engine.task_run(one(bulletin, BulletinFlow.choose_reviewers), u("truongban"), bulletin_steps.choose_reviewers_step,
                      reviewers=[u(r) for r in reviewers])


def review(bulletin, reviewer, decision="approve", comment=""):
    task = next(t for t in tasks_of(bulletin, BulletinFlow.review) if t.owner == u(reviewer))
    engine.task_run(task, u(reviewer), bulletin_steps.review_step, decision=decision, comment=comment)


def confirm_audio(bulletin):
    audio = editorial.audio_upload(bulletin=fresh(bulletin), user=u("truongban"),
                                   file=SimpleUploadedFile("doc.wav", wav_bytes(2.0), content_type="audio/wav"))
    editorial.audio_confirm(audio=audio, user=u("truongban"))
    engine.task_run(one(bulletin, BulletinFlow.prepare_audio), u("truongban"), bulletin_steps.prepare_audio_step)


def sign(bulletin, approve=True, comment=""):
    engine.task_run(one(bulletin, BulletinFlow.sign_off), u("giamdoc"), bulletin_steps.sign_off_step,
                      approve=approve, comment=comment)


def publish(bulletin, publish_at=None):
    engine.task_run(one(bulletin, BulletinFlow.publish), u("vanphong"), bulletin_steps.publish_step,
                      publish_at=publish_at)


def through_board(bulletin):
    choose(bulletin)
    for reviewer in BOARD:
        review(bulletin, reviewer)
    assert fresh(bulletin).status == Bulletin.Status.APPROVED


def process_of(bulletin):
    return BulletinProcess.objects.filter(flow_class=BulletinFlow, artifact_object_id=bulletin.pk).order_by("-pk")[0]


@time_machine.travel(NOW, tick=False)
def test_publish_distributes_a_broadcast_directive(demo, django_capture_on_commit_callbacks):
    bulletin = submitted()
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        publish(bulletin)
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.PUBLISHED
    process = process_of(bulletin)
    assert process.status == PROCESS.DONE
    directive = Directive.objects.get(pk=process.data["directive_id"])
    assert directive.status == Directive.Status.IN_PROGRESS
    assert set(directive.report_requirements) == {ReportRequirement.BROADCAST, ReportRequirement.SCHEDULE}
    assert set(directive.assignments.values_list("unit__codename", flat=True)) == {"phuong_phuc_xa", "xa_minh_phu"}

    # a normal bulletin: the commune first says when it will air it, then confirms the broadcast
    assignment = directive.assignments.get(unit__codename="phuong_phuc_xa")
    task = engine.open_task(assignment, UnitAssignmentFlow.acknowledge)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        engine.task_run(task, u("phuong_phuc_xa"), directive_steps.acknowledge_step)
    planned = timezone.now() + timedelta(hours=3)
    engine.task_run(task, u("phuong_phuc_xa"), directive_steps.acknowledge_step, planned_air_at=planned)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RECEIVED and assignment.report_figures["planned_air_at"]


def test_request_changes_then_resubmit_starts_a_new_round_with_a_diff(demo):
    bulletin = submitted()
    choose(bulletin)
    review(bulletin, "bientap1")
    review(bulletin, "bientap2", "request_changes", "Bổ sung giờ treo cờ")
    # "all must approve": one request for changes decides the round and cancels the open review
    assert tasks_of(bulletin, BulletinFlow.review) == []
    assert fresh(bulletin).status == Bulletin.Status.CHANGES_REQUESTED
    revise = one(bulletin, BulletinFlow.revise)
    assert revise.owner == u("phongtt")
    editorial.bulletin_update(bulletin=fresh(bulletin), user=u("phongtt"),
                              data={"body": "<p>Treo cờ từ 6 giờ sáng ngày 2/9/2025.</p>"})
    engine.task_run(revise, u("phongtt"), bulletin_steps.revise_step, note="Đã bổ sung")
    bulletin = fresh(bulletin)
    assert bulletin.review_round == 2 and bulletin.current_revision.number == 2
    assert {t.owner.username for t in tasks_of(bulletin, BulletinFlow.review)} == set(BOARD)
    from editorial.selectors import bulletin_revisions, revision_diff

    diff = revision_diff(bulletin_revisions(bulletin))
    assert diff.old_number == 1 and diff.new_number == 2 and diff.changed


def test_reject_ends_the_flow_with_the_reason(demo):
    bulletin = submitted()
    choose(bulletin)
    review(bulletin, "bientap3", "reject", "Trùng nội dung đã phát")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.REJECTED and "Trùng nội dung" in bulletin.status_reason
    assert process_of(bulletin).status == PROCESS.DONE
    assert tasks_of(bulletin, BulletinFlow.review) == []


def test_majority_rule_approves_early_and_cancels_the_last_review(demo):
    ReviewPolicy.objects.update_or_create(priority="", defaults={"rule": "majority"})
    bulletin = submitted()
    choose(bulletin)
    review(bulletin, "bientap1")
    assert fresh(bulletin).status == Bulletin.Status.IN_REVIEW
    review(bulletin, "bientap2")
    assert fresh(bulletin).status == Bulletin.Status.APPROVED
    cancelled = tasks_of(bulletin, BulletinFlow.review, status=[STATUS.CANCELED])
    assert [t.owner.username for t in cancelled] == ["bientap3"]
    assert one(bulletin, BulletinFlow.prepare_audio)


def test_withdraw_until_a_reviewer_acts(demo):
    bulletin = submitted()
    choose(bulletin)
    bulletin_services.withdraw(bulletin=fresh(bulletin), user=u("phongtt"), reason="Sửa số liệu")
    assert fresh(bulletin).status == Bulletin.Status.WITHDRAWN
    assert process_of(bulletin).status == PROCESS.CANCELED
    assert tasks_of(bulletin, BulletinFlow.review) == []
    bulletin_services.review_start(bulletin=fresh(bulletin), user=u("phongtt"))  # a new process
    assert one(bulletin, BulletinFlow.choose_reviewers)
    choose(bulletin)
    review(bulletin, "bientap1")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        bulletin_services.withdraw(bulletin=fresh(bulletin), user=u("phongtt"))


def test_sign_off_return_goes_back_to_the_board(demo):
    bulletin = submitted()
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin, approve=False, comment="Cần ý kiến thêm của Ban")
    assert fresh(bulletin).status == Bulletin.Status.SUBMITTED
    assert one(bulletin, BulletinFlow.choose_reviewers)


@time_machine.travel(NOW, tick=False)
def test_scheduled_publication_then_distribution(demo, django_capture_on_commit_callbacks):
    bulletin = submitted()
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin)
    publish(bulletin, publish_at=timezone.now() + timedelta(hours=2))
    assert fresh(bulletin).status == Bulletin.Status.SCHEDULED
    assert one_handle(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        assert editorial.bulletins_publish_due(now=timezone.now() + timedelta(hours=3)) == 1
    assert fresh(bulletin).status == Bulletin.Status.PUBLISHED
    assert process_of(bulletin).status == PROCESS.DONE
    assert "directive_id" in process_of(bulletin).data


def one_handle(bulletin):
    return Task.objects.get(process__artifact_object_id=bulletin.pk, process__flow_class=BulletinFlow,
                            flow_task=BulletinFlow.wait_publication, status=STATUS.NEW)


def test_correction_needs_reapproval_and_a_new_acknowledgement(demo, django_capture_on_commit_callbacks):
    bulletin = submitted()
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        publish(bulletin)
    first_directive = process_of(bulletin).data["directive_id"]
    bulletin_services.correction_start(bulletin=fresh(bulletin), user=u("phongtt"), title=fresh(bulletin).title,
                                   body="<p>Đính chính: treo cờ từ ngày 1/9/2025.</p>", reason="Sai ngày")
    assert fresh(bulletin).published_revision.number == 1  # channels keep the published text meanwhile
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        publish(bulletin)
    bulletin = fresh(bulletin)
    assert bulletin.published_revision.number == 2
    second_directive = process_of(bulletin).data["directive_id"]
    assert second_directive != first_directive
    assert Directive.objects.get(pk=second_directive).assignments.filter(status=Assignment.Status.PENDING).count() == 2
    # the broadcast of the earlier text is over: only the corrected one is asked of the units
    first = Directive.objects.get(pk=first_directive)
    assert first.status == Directive.Status.CANCELLED and "đính chính" in first.cancel_reason
    assert set(first.assignments.values_list("status", flat=True)) == {Assignment.Status.CANCELLED}
    assert not Task.objects.filter(process__artifact_object_id__in=first.assignments.values("pk"),
                                   process__flow_class=UnitAssignmentFlow,
                                   status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]).exists()


@time_machine.travel(NOW, tick=False)
def test_unscheduling_returns_the_bulletin_to_the_publish_step(demo, client, django_capture_on_commit_callbacks):
    bulletin = submitted()
    through_board(bulletin)
    confirm_audio(bulletin)
    sign(bulletin)
    publish(bulletin, publish_at=timezone.now() + timedelta(hours=2))
    assert one_handle(bulletin)
    client.force_login(u("phuong_phuc_xa"))
    assert client.post(f"/bulletin/bulletins/{bulletin.pk}/unschedule/").status_code in (403, 404)
    client.force_login(u("vanphong"))
    assert "Hủy hẹn giờ phát hành" in client.get(f"/editorial/{bulletin.pk}/").content.decode()
    assert client.post(f"/bulletin/bulletins/{bulletin.pk}/unschedule/").status_code == 302
    assert fresh(bulletin).status == Bulletin.Status.SIGNED_OFF
    assert not Task.objects.filter(process__artifact_object_id=bulletin.pk, process__flow_class=BulletinFlow,
                                   flow_task=BulletinFlow.wait_publication, status=STATUS.NEW).exists()
    assert editorial.bulletins_publish_due(now=timezone.now() + timedelta(hours=3)) == 0  # nothing scheduled
    with django_capture_on_commit_callbacks(execute=True):
        publish(bulletin)  # the Office publishes from the publish step again
    assert fresh(bulletin).status == Bulletin.Status.PUBLISHED
    assert process_of(bulletin).status == PROCESS.DONE


def test_emergency_skips_the_board(demo, django_capture_on_commit_callbacks):
    bulletin = submitted(priority="emergency", title="Khẩn cấp: bão số 3 đổ bộ")
    assert tasks_of(bulletin, BulletinFlow.choose_reviewers) == []
    with django_capture_on_commit_callbacks(execute=True):  # the approval renders and confirms the recording
        engine.task_run(one(bulletin, BulletinFlow.approve_emergency), u("phogiamdoc"),
                          bulletin_steps.approve_emergency_step)
    with django_capture_on_commit_callbacks(execute=True):
        publish(bulletin)
    directive = Directive.objects.get(pk=process_of(bulletin).data["directive_id"])
    assert directive.urgency.code == "hoa_toc"
    assert ReportRequirement.SCHEDULE not in directive.report_requirements


def test_only_chosen_reviewers_review_and_voided_approval_ends_the_flow(demo):
    from django.core.exceptions import PermissionDenied

    bulletin = submitted()
    choose(bulletin, reviewers=("bientap1", "bientap2"))
    task = next(t for t in tasks_of(bulletin, BulletinFlow.review) if t.owner == u("bientap1"))
    with pytest.raises(PermissionDenied):
        engine.task_run(task, u("bientap3"), bulletin_steps.review_step, decision="approve")
    review(bulletin, "bientap1")
    review(bulletin, "bientap2")
    editorial.bulletin_update(bulletin=fresh(bulletin), user=u("phongtt"), data={"body": "<p>Sửa sau duyệt</p>"})
    assert fresh(bulletin).status == Bulletin.Status.DRAFT
    assert process_of(bulletin).status == PROCESS.CANCELED
    assert not BulletinAudio.objects.filter(revision__bulletin=bulletin, voided_at__isnull=True,
                                            confirmed_at__isnull=False).exists()


def test_one_click_claim_opens_the_task_and_refuses_outsiders(demo, client):
    bulletin = submitted()
    task = one(bulletin, BulletinFlow.choose_reviewers)
    client.force_login(u("phuong_phuc_xa"))  # a commune officer does not use the bulletin app at all
    assert client.post(f"/bulletin/tasks/{task.pk}/claim/").status_code == 403
    client.force_login(u("bientap2"))  # a Board member uses it, but choosing reviewers is the secretary's
    refused = client.post(f"/bulletin/tasks/{task.pk}/claim/", follow=True)
    assert "Bạn không được nhận việc này." in refused.content.decode()
    assert Task.objects.get(pk=task.pk).status == STATUS.NEW
    client.force_login(u("truongban"))
    response = client.post(f"/bulletin/tasks/{task.pk}/claim/")
    assert response.status_code == 302 and response["Location"].endswith(f"/choose_reviewers/{task.pk}/execute/")
    assert Task.objects.get(pk=task.pk).owner == u("truongban")


def test_task_lists_and_finished_task_pages_link_every_node(demo, client):
    """The review split's tasks are listed too: their links must resolve (once NoReverseMatch 'index')."""
    bulletin = submitted()
    choose(bulletin)
    chosen = Task.objects.get(process__artifact_object_id=bulletin.pk, flow_task=BulletinFlow.choose_reviewers)
    split = Task.objects.get(process__artifact_object_id=bulletin.pk, flow_task=BulletinFlow.split_reviews)
    for username in ("giamdoc", "quanly", "admin"):
        client.force_login(u(username))
        listed = client.get("/bulletin/tasks/")
        assert listed.status_code == 200
        assert f"/bulletin/{split.process_id}/split_reviews/{split.pk}/" in listed.content.decode()
    client.force_login(u("truongban"))  # viewflow's task pages are for supervisors (workflows/access.py)
    assert client.get(f"/bulletin/{chosen.process_id}/choose_reviewers/{chosen.pk}/detail/").status_code == 403
    client.force_login(u("giamdoc"))
    detail = client.get(f"/bulletin/{chosen.process_id}/choose_reviewers/{chosen.pk}/detail/")
    assert detail.status_code == 200
    assert f"/bulletin/{split.process_id}/split_reviews/{split.pk}/" in detail.content.decode()
