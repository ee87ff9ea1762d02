"""The notification table of workflows/signals.py, one test per row (named test_<row id>_…): each event tells
exactly the right people, each once, with a title naming the bulletin or directive (and the unit)."""

import contextlib
import re
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.models import ReportRequirement, Urgency
from editorial import services as editorial
from editorial.models import Bulletin
from notifications.models import Kind, Notification
from org.models import Unit
from tests.cast import BOARD_MEMBERS, BOARD_SECRETARY, DEPUTY, DIRECTOR, DRAFTER, MANAGER, OFFICE
from tests.editorial.helpers import communes, draft, u, wav_bytes
from tests.workflows.bulletin.helpers import bulletin_task, publish_now, through_board_and_director
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
from workflows import engine, signals
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow
from workflows.directive import services as directive_services
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow

TITLE = "Kỷ niệm 80 năm Quốc khánh 2/9"
DIRECTIVE = "Tuyên truyền phòng chống bão số 3"
LEADERS_AND_MANAGER = {DIRECTOR, DEPUTY, MANAGER}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""


@pytest.fixture
def told(demo, django_capture_on_commit_callbacks):
    """`with told() as notes:` runs the block with its on-commit work and lists what it notified, as
    (username, kind, title) in order."""

    @contextlib.contextmanager
    def capture():
        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        notes: list[tuple[str, str, str]] = []
        with django_capture_on_commit_callbacks(execute=True):
            yield notes
        notes.extend(Notification.objects.filter(pk__gt=before).order_by("pk")
                     .values_list("recipient__username", "kind", "title"))

    return capture


def once_each(notes) -> set[str]:
    """The people told, after checking nobody was told twice."""
    counts = Counter(who for who, _kind, _title in notes)
    assert all(n == 1 for n in counts.values()), counts
    return set(counts)


def officers(*codenames: str) -> set[str]:
    """The seeded officers of these units (one each, named after the unit)."""
    return set(codenames)


def submitted(**fields) -> Bulletin:
    bulletin = draft(title=TITLE, **fields)
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    return bulletin


def choose(bulletin, reviewers=("bientap1",)):
    engine.task_run(bulletin_task(bulletin, BulletinFlow.choose_reviewers), u(BOARD_SECRETARY),
                    bulletin_steps.choose_reviewers_step, reviewers=[u(r) for r in reviewers])


def confirm_audio(bulletin):
    audio = editorial.audio_upload(bulletin=Bulletin.objects.get(pk=bulletin.pk), user=u(BOARD_SECRETARY),
                                   file=SimpleUploadedFile("doc.wav", wav_bytes(2.0), content_type="audio/wav"))
    editorial.audio_confirm(audio=audio, user=u(BOARD_SECRETARY))


# --- the table and its tests ---------------------------------------------------------------------------------------

def test_every_row_of_the_table_has_its_test():
    rows = re.findall(r"^\| ([A-Z]\d+) +\|", signals.__doc__, flags=re.MULTILINE)
    assert len(rows) >= 15
    tests = {name.split("_")[1].upper() for name in globals() if re.match(r"test_[a-z]\d+_", name)}
    assert set(rows) == tests


# --- bulletins -----------------------------------------------------------------------------------------------------

def test_b1_submission_tells_the_board_members_once(told):
    with told() as notes:
        submitted()
    board = [(who, title) for who, kind, title in notes if who in BOARD_MEMBERS]
    assert {who for who, _ in board} == set(BOARD_MEMBERS) and len(board) == 3
    assert all(title == f"Bản tin mới trình Ban biên tập: {TITLE}" for _, title in board)
    assert DRAFTER not in once_each(notes)


def test_b2_the_secretary_gets_one_notice_per_submission(told):
    with told() as notes:
        submitted()
    mine = [(kind, title) for who, kind, title in notes if who == BOARD_SECRETARY]
    assert mine == [(Kind.QUEUE_TASK, f"Việc mới chờ xử lý: Phân công thẩm định — {TITLE}")]
    assert once_each(notes) == {BOARD_SECRETARY, *BOARD_MEMBERS}


def test_b3_chosen_reviewers_are_told_not_the_secretary_who_chose(told):
    bulletin = submitted()
    with told() as notes:
        choose(bulletin, reviewers=("bientap1", BOARD_SECRETARY))  # she may review herself: no notice for that
    assert notes == [("bientap1", Kind.TASK_ASSIGNED, f"Việc mới: Thẩm định bản tin — {TITLE}")]


def test_b4_board_approval_tells_the_drafter_and_the_secretary(told):
    bulletin = submitted()
    choose(bulletin)
    with told() as notes:
        engine.task_run(bulletin_task(bulletin, BulletinFlow.review), u("bientap1"), bulletin_steps.review_step,
                        decision="approve")
    assert once_each(notes) == {DRAFTER, BOARD_SECRETARY}
    assert (DRAFTER, Kind.BULLETIN_APPROVED, f"Ban biên tập đã duyệt: {TITLE}") in notes
    assert (BOARD_SECRETARY, Kind.QUEUE_TASK, f"Việc mới chờ xử lý: Âm thanh của bản đã duyệt — {TITLE}") in notes


def test_b5_changes_requested_tell_the_drafter_once(told):
    bulletin = submitted()
    choose(bulletin)
    with told() as notes:
        engine.task_run(bulletin_task(bulletin, BulletinFlow.review), u("bientap1"), bulletin_steps.review_step,
                        decision="request_changes", comment="Bổ sung giờ treo cờ")
    assert notes == [(DRAFTER, Kind.BULLETIN_RETURNED, f"Bản tin cần chỉnh sửa: {TITLE}")]
    assert bulletin_task(bulletin, BulletinFlow.revise).owner.username == DRAFTER  # the task is there, unannounced


def test_b6_a_confirmed_recording_asks_the_leaders_to_sign_off(told):
    bulletin = submitted()
    choose(bulletin)
    engine.task_run(bulletin_task(bulletin, BulletinFlow.review), u("bientap1"), bulletin_steps.review_step,
                    decision="approve")
    confirm_audio(bulletin)
    with told() as notes:
        engine.task_run(bulletin_task(bulletin, BulletinFlow.prepare_audio), u(BOARD_SECRETARY),
                        bulletin_steps.prepare_audio_step)
    assert once_each(notes) == {DIRECTOR, DEPUTY}
    assert {title for *_, title in notes} == {f"Việc mới chờ xử lý: Ký duyệt — {TITLE}"}


def test_b7_sign_off_tells_the_drafter_and_asks_only_the_office_to_publish(told):
    bulletin = submitted()
    choose(bulletin)
    engine.task_run(bulletin_task(bulletin, BulletinFlow.review), u("bientap1"), bulletin_steps.review_step,
                    decision="approve")
    confirm_audio(bulletin)
    engine.task_run(bulletin_task(bulletin, BulletinFlow.prepare_audio), u(BOARD_SECRETARY),
                    bulletin_steps.prepare_audio_step)
    with told() as notes:
        engine.task_run(bulletin_task(bulletin, BulletinFlow.sign_off), u(DIRECTOR), bulletin_steps.sign_off_step,
                        approve=True)
    assert once_each(notes) == {DRAFTER, OFFICE}
    assert (OFFICE, Kind.QUEUE_TASK, f"Việc mới chờ xử lý: Phát hành — {TITLE}") in notes
    assert (DRAFTER, Kind.BULLETIN_APPROVED, f"Lãnh đạo Sở đã ký duyệt: {TITLE}") in notes


def test_b8_publication_tells_the_drafter_and_each_unit_once_and_asks_nobody_to_approve(told):
    bulletin = submitted(target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    through_board_and_director(bulletin)
    with told() as notes:
        publish_now(bulletin, lambda **kw: contextlib.nullcontext())
    assert once_each(notes) == {DRAFTER, *officers("phuong_phuc_xa", "xa_minh_phu")}
    assert (DRAFTER, Kind.BULLETIN_PUBLISHED, f"Đã phát hành: {TITLE}") in notes
    units = {(kind, title) for who, kind, title in notes if who != DRAFTER}
    assert units == {(Kind.DIRECTIVE_RECEIVED, f"Văn bản chỉ đạo mới: Phát bản tin: {TITLE}")}


def test_b9_an_emergency_goes_to_the_leaders_not_the_board(told):
    with told() as notes:
        submitted(priority="emergency")
    assert once_each(notes) == {DIRECTOR, DEPUTY}
    assert {title for *_, title in notes} == {f"Việc mới chờ xử lý: Duyệt tin khẩn cấp — {TITLE}"}


# --- directives ----------------------------------------------------------------------------------------------------

@pytest.fixture
def directive(told):
    with told():
        d = issue(u(DRAFTER), [unit("phuong_phuc_xa"), unit("phuong_trang_tien"), unit("huyen_dong_anh")],
                  title=DIRECTIVE)
    return d


@pytest.fixture
def sent(directive, told):
    with told():
        approve(directive, u(DIRECTOR))
    return directive


def test_d1_a_composed_directive_asks_the_approvers(told):
    with told() as notes:
        issue(u(DRAFTER), [unit("phuong_phuc_xa")], title=DIRECTIVE)
    assert once_each(notes) == LEADERS_AND_MANAGER
    assert {(kind, title) for _, kind, title in notes} == {
        (Kind.QUEUE_TASK, f"Việc mới chờ xử lý: Lãnh đạo duyệt — {DIRECTIVE}")}


def test_d2_approval_tells_the_drafter_that_it_went_out(directive, told):
    with told() as notes:
        approve(directive, u(DIRECTOR))
    told_people = once_each(notes)
    assert DIRECTOR not in told_people and DEPUTY not in told_people
    assert [(kind, title) for who, kind, title in notes if who == DRAFTER] == [
        (Kind.DIRECTIVE_APPROVED, f"Văn bản chỉ đạo đã được duyệt và gửi đi: {DIRECTIVE}")]


def test_d3_each_unit_is_told_once_on_fan_out_and_on_relay(directive, told):
    with told() as notes:
        approve(directive, u(DIRECTOR))
    units = officers("phuong_phuc_xa", "phuong_trang_tien", "huyen_dong_anh")
    assert once_each(notes) == {DRAFTER, *units}
    assert {title for who, _, title in notes if who in units} == {f"Văn bản chỉ đạo mới: {DIRECTIVE}"}

    district = assignment_of(directive, "huyen_dong_anh")
    acknowledge(district, u("huyen_dong_anh"))
    with told() as notes:
        directive_services.relay(assignment=district, user=u("huyen_dong_anh"),
                                 units=[unit("xa_kim_no"), unit("xa_uy_no")])
    assert once_each(notes) == officers("xa_kim_no", "xa_uy_no")

    with told() as notes:  # a hỏa tốc broadcast (an emergency bulletin's) is an emergency notice
        urgent = directive_services.directive_start(
            user=u(DRAFTER), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title="Phát bản tin: Bão",
            instructions="<p>Phát ngay</p>", urgency=Urgency.objects.get(code="hoa_toc"),
            target_spec={"units": [unit("xa_minh_phu").pk]}, report_requirements=[ReportRequirement.BROADCAST])
        approve(urgent, u(DIRECTOR))
    assert ("xa_minh_phu", Kind.EMERGENCY, "TIN KHẨN CẤP: Phát bản tin: Bão") in notes


def test_d4_a_returned_directive_goes_back_to_its_drafter_once(directive, told):
    with told() as notes:
        approve(directive, u(DIRECTOR), approve=False, comment="Ghi rõ số lần phát")
    assert notes == [(DRAFTER, Kind.TASK_ASSIGNED, f"Việc mới: Sửa theo ý kiến lãnh đạo — {DIRECTIVE}")]


def test_u1_acknowledging_tells_nobody(sent, told):
    with told() as notes:
        acknowledge(assignment_of(sent, "phuong_phuc_xa"), u("phuong_phuc_xa"))
    assert notes == []


def test_u2_a_report_asks_the_reviewing_unit_naming_the_directive_and_the_unit(sent, told):
    for codename in ("phuong_phuc_xa", "phuong_trang_tien"):
        acknowledge(assignment_of(sent, codename), u(codename))
    with told() as notes:
        report(assignment_of(sent, "phuong_phuc_xa"), u("phuong_phuc_xa"))
        report(assignment_of(sent, "phuong_trang_tien"), u("phuong_trang_tien"))
    drafter = [title for who, _, title in notes if who == DRAFTER]
    assert drafter == [f"Việc mới của đơn vị: Xem xét báo cáo — {DIRECTIVE} (Phường Phúc Xá)",
                       f"Việc mới của đơn vị: Xem xét báo cáo — {DIRECTIVE} (Phường Tràng Tiền)"]
    assert {who for who, *_ in notes} == {DRAFTER, MANAGER}  # the issuing division's officers, not the communes
    assert len(notes) == 4


def test_u3_a_returned_report_tells_the_unit_once(sent, told):
    a = assignment_of(sent, "phuong_phuc_xa")
    acknowledge(a, u("phuong_phuc_xa"))
    report(a, u("phuong_phuc_xa"))
    with told() as notes:
        review(a, u(DRAFTER), accept=False, comment="Bổ sung số lần phát")
    assert notes == [("phuong_phuc_xa", Kind.REPORT_RETURNED,
                      f"Báo cáo bị trả lại: {DIRECTIVE} (Phường Phúc Xá)")]


def test_u4_when_every_unit_is_done_the_drafter_closes(told):
    d = issue(u(DRAFTER), [unit("phuong_phuc_xa")], title=DIRECTIVE)
    with told():
        approve(d, u(DIRECTOR))
    a = assignment_of(d, "phuong_phuc_xa")
    acknowledge(a, u("phuong_phuc_xa"))
    report(a, u("phuong_phuc_xa"))
    with told() as notes:
        review(a, u(MANAGER))
    assert once_each(notes) == {"phuong_phuc_xa", DRAFTER}
    assert (DRAFTER, Kind.TASK_ASSIGNED, f"Việc mới: Tổng kết — {DIRECTIVE}") in notes
    assert open_task(d, DirectiveFlow.close).owner.username == DRAFTER


def test_u5_a_named_officer_is_told_of_the_task(sent, told, user):
    from org.models import Membership

    a = assignment_of(sent, "phuong_phuc_xa")
    colleague = type(u(DRAFTER)).objects.create_user("phuc_xa_2", first_name="Lan", last_name="Nguyễn")
    Membership.objects.create(user=colleague, unit=unit("phuong_phuc_xa"))
    with told() as notes:
        directive_services.officer_name(assignment=a, user=u(DRAFTER), officer=colleague)
    assert notes == [("phuc_xa_2", Kind.TASK_ASSIGNED, f"Việc mới: Tiếp nhận — {DIRECTIVE} (Phường Phúc Xá)")]


def test_c1_claiming_a_queue_task_tells_nobody(sent, told, client):
    a = assignment_of(sent, "phuong_phuc_xa")
    task = open_task(a, UnitAssignmentFlow.acknowledge)
    client.force_login(u("phuong_phuc_xa"))
    with told() as notes:
        response = client.post(reverse("work:task_claim", args=[task.pk]))  # the inbox's "Nhận và mở"
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.owner.username == "phuong_phuc_xa"
    assert notes == []
    with told() as notes:  # and from code (the bulk claim)
        other = assignment_of(sent, "phuong_trang_tien")
        engine.task_claim(open_task(other, UnitAssignmentFlow.acknowledge), u("phuong_trang_tien"))
    assert notes == []


# --- citizens' feedback (FeedbackFlow) ------------------------------------------------------------------------------

FEEDBACK = "Đèn chiếu sáng ngõ 12 phố Phúc Xá hỏng đã hai tuần, đề nghị phường sửa chữa."


def _feedback_sent():
    from tests.feedback.helpers import send

    return send(text=FEEDBACK)


def test_f1_a_citizens_feedback_asks_the_communes_officers(told):
    with told() as notes:
        _feedback_sent()
    assert notes == [("phuong_phuc_xa", Kind.QUEUE_TASK,
                      f"Việc mới của đơn vị: Xử lý phản ánh, kiến nghị — {FEEDBACK} (Phường Phúc Xá)")]


def test_f2_a_forward_asks_the_receiving_unit_not_the_forwarder(told):
    from feedback.selectors import department_unit
    from tests.feedback.helpers import triage_task
    from workflows.feedback import steps as feedback_steps

    feedback = _feedback_sent()
    department = department_unit()
    with told() as notes:
        engine.task_run(triage_task(feedback), u("phuong_phuc_xa"), feedback_steps.triage_step, decision="forward",
                        unit=department)
    title = f"Việc mới của đơn vị: Xử lý phản ánh, kiến nghị — {FEEDBACK} ({department.name})"
    assert once_each(notes) == {who for who in Unit.objects.get(pk=department.pk).group.user_set.values_list(
        "username", flat=True)}
    assert {(kind, t) for _who, kind, t in notes} == {(Kind.QUEUE_TASK, title)}
    assert "phuong_phuc_xa" not in once_each(notes)


def test_f3_an_answer_tells_nobody_in_the_product(told):
    from tests.feedback.helpers import triage_task
    from workflows.feedback import steps as feedback_steps

    feedback = _feedback_sent()
    with told() as notes:
        engine.task_run(triage_task(feedback), u("phuong_phuc_xa"), feedback_steps.triage_step, decision="answer",
                        answer="Đã thay bóng đèn.")
    assert notes == []


def test_f4_near_its_due_time_the_unit_is_reminded_once(told):
    from datetime import timedelta

    from feedback.services import feedback_deadlines_scan

    feedback = _feedback_sent()
    with told() as notes:
        feedback_deadlines_scan(now=feedback.due_at - timedelta(hours=1))
        feedback_deadlines_scan(now=feedback.due_at - timedelta(minutes=30))
    assert notes == [("phuong_phuc_xa", Kind.DUE_SOON, f"Sắp đến hạn trả lời phản ánh: {FEEDBACK}")]


def test_f5_at_its_due_time_the_leaders_and_the_department_are_told_once(told):
    from feedback.services import feedback_deadlines_scan

    feedback = _feedback_sent()
    with told() as notes:
        feedback_deadlines_scan(now=feedback.due_at)
        feedback_deadlines_scan(now=feedback.due_at)
    people = once_each(notes)
    assert {DIRECTOR, DEPUTY, DRAFTER} <= people and "phuong_phuc_xa" not in people
    assert {(kind, t) for _who, kind, t in notes} == {
        (Kind.ESCALATION, f"Quá hạn trả lời phản ánh: {FEEDBACK} (Phường Phúc Xá)")}
