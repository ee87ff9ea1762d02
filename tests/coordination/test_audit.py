"""Who changed what on directives, assignments and reporting periods: history rows name the acting user (a
page, a flow step run from code, the fan-out job), cancelling records who and why down to every cascaded
assignment event, return → revise → return keeps every comment and text, and the pages show it all in
Vietnamese with a query count that does not grow with the history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.models import Assignment, AssignmentEvent, Directive, ReportingPeriod
from org.audit import history_actor
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, open_task, unit
from workflows.directive.flow import DirectiveFlow

COMMUNES = ["phuong_phuc_xa", "phuong_trang_tien", "xa_minh_phu"]
RAW_CODES = ["pending_approval", "returned", "fanning_out", "in_progress", "cancelled", "received", "pending"]


@pytest.fixture
def directive(demo, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return issue(user("phongtt"), [unit(c) for c in COMMUNES] + [unit("huyen_dong_anh")])


def history_section(html: str) -> str:
    match = re.search(r'<section class="ttcs-card ttcs-history" id="change-history">(.*?)</section>', html, re.S)
    assert match, "no history section on the page"
    return match.group(1)


def test_fan_out_job_records_the_approving_leader(directive, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    assert directive.status == Directive.Status.IN_PROGRESS
    latest = directive.history.order_by("-history_date", "-history_id").first()
    assert latest.status == Directive.Status.IN_PROGRESS and latest.history_user == user("giamdoc")
    created = list(Assignment.history.filter(directive_id=directive.pk, history_type="+"))
    assert len(created) == 4 and {h.history_user for h in created} == {user("giamdoc")}


def test_cancel_records_the_actor_on_the_directive_and_every_cascaded_event(
        directive, user, client, django_capture_on_commit_callbacks):
    from workflows.directive import services as directive_services

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    district = assignment_of(directive, "huyen_dong_anh")
    acknowledge(district, user("huyen_dong_anh"))
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.relay(assignment=district, user=user("huyen_dong_anh"),
                                  units=[unit("xa_kim_no"), unit("xa_uy_no")])
    canceller, reason = user("phongtt"), "Thay bằng văn bản khác"
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = directive_services.directive_withdraw(directive=directive, user=canceller, reason=reason)
    assert len(cancelled) == 6  # 4 top-level + the district's 2 relayed communes

    directive.refresh_from_db()
    assert directive.cancelled_by == canceller and directive.cancel_reason == reason
    row = directive.history.order_by("-history_date", "-history_id").first()
    assert (row.status, row.history_user, row.history_change_reason) == (Directive.Status.CANCELLED, canceller, reason)

    events = AssignmentEvent.objects.filter(assignment__directive=directive, kind=AssignmentEvent.Kind.CANCELLED)
    assert events.count() == 6 and set(events.values_list("actor", flat=True)) == {canceller.pk}
    for assignment in directive.assignments.all():
        last = assignment.history.order_by("-history_date", "-history_id").first()
        assert (last.status, last.history_user) == (Assignment.Status.CANCELLED, canceller)

    client.force_login(canceller)
    html = client.get(f"/coordination/directives/{directive.pk}/").content.decode()
    assert f"người hủy: {canceller.get_full_name()}" in html
    section = history_section(html)
    assert "Đã hủy" in section and reason in section and canceller.get_full_name() in section


def test_cancelled_period_records_who_cancelled_it(demo, user, django_capture_on_commit_callbacks):
    from workflows.directive import services as directive_services
    from workflows.reporting import services as reporting_flow

    with django_capture_on_commit_callbacks(execute=True):
        period = reporting_flow.period_open(user=user("phongtt"), kind="half_year", year=2031)
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_withdraw(directive=period.directive, user=user("giamdoc"),
                                              reason="Mở lại theo cơ cấu mới")
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.CANCELLED
    rows = list(period.history.order_by("history_date", "history_id"))
    assert rows[-1].history_user == user("giamdoc") and rows[-1].history_change_reason == "Mở lại theo cơ cấu mới"
    assert {r.status for r in rows if r.history_user == user("phongtt")} >= {ReportingPeriod.Status.OPEN}


def test_return_revise_return_keeps_both_comments_and_both_texts_on_the_page(directive, user, client):
    from workflows import engine
    from workflows.directive import steps as directive_steps

    approve(directive, user("phogiamdoc"), approve=False, comment="Nêu rõ thời hạn phát")
    engine.task_run(open_task(directive, DirectiveFlow.revise), user("phongtt"), directive_steps.revise_step,
                      title="Bản sửa lần một", instructions="<p>Phát bản tin 5 lần/ngày đến hết tháng</p>")
    approve(directive, user("giamdoc"), approve=False, comment="Bổ sung danh sách loa")
    directive.refresh_from_db()
    assert directive.approval_comment == "Bổ sung danh sách loa"  # the field keeps the last; the history keeps both

    client.force_login(user("phongtt"))
    section = history_section(client.get(f"/coordination/directives/{directive.pk}/").content.decode())
    in_order = ["Nêu rõ thời hạn phát", "Tuyên truyền phòng chống bão số 3", "Bản sửa lần một",
                "Phát bản tin 3 lần/ngày", "Phát bản tin 5 lần/ngày đến hết tháng", "Bổ sung danh sách loa"]
    positions = [section.find(text) for text in in_order]
    assert -1 not in positions, dict(zip(in_order, positions, strict=True))
    assert positions == sorted(positions)
    for label in ("Ý kiến lãnh đạo", "Trích yếu", "Nội dung chỉ đạo", "Trạng thái"):
        assert label in section
    for person in ("phogiamdoc", "phongtt", "giamdoc"):
        assert user(person).get_full_name() in section
    assert "Lãnh đạo trả lại" in section and "Chờ lãnh đạo duyệt" in section


def test_history_sections_show_display_values_not_codes(directive, user, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    a = assignment_of(directive, "phuong_phuc_xa")
    acknowledge(a, user("phuong_phuc_xa"))
    client.force_login(user("phuong_phuc_xa"))
    section = history_section(client.get(f"/coordination/assignments/{a.pk}/").content.decode())
    assert "Trạng thái: Chờ tiếp nhận → Đã nhận" in section
    assert f"Người được giao: — → {user('phuong_phuc_xa').get_full_name()}" in section
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", section)
    client.force_login(user("phongtt"))
    section = history_section(client.get(f"/coordination/directives/{directive.pk}/").content.decode())
    assert "Đơn vị đang thực hiện" in section and user("giamdoc").get_full_name() in section
    for page in (section,):
        for code in RAW_CODES:
            assert not re.search(rf"\b{code}\b", page), code


def _directive_with_changes(user, n: int) -> Directive:
    directive = issue(user("phongtt"), [unit("phuong_phuc_xa")], title=f"Văn bản {n} thay đổi")
    leaders = [user("giamdoc"), user("phogiamdoc")]
    for i in range(n - 1):  # the creation is the first change
        directive.approval_comment = f"Ý kiến {i}"
        directive.approved_by = leaders[i % 2]
        with history_actor(leaders[i % 2]):
            directive.save()
    assert directive.history.count() == n
    return directive


def test_directive_page_query_count_does_not_grow_with_history(demo, user, client):
    few, many = _directive_with_changes(user, 2), _directive_with_changes(user, 10)
    client.force_login(user("phongtt"))
    counts = []
    for d in (few, many):
        client.get(f"/coordination/directives/{d.pk}/")  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/coordination/directives/{d.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert "Ý kiến 8" in history_section(response.content.decode())


def test_overdue_marking_is_in_the_history_as_the_system(directive, user, client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from coordination.services import deadlines_scan

    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    a = assignment_of(directive, "phuong_phuc_xa")
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines_scan(now=a.deadline + timedelta(hours=1)).overdue == 4
    row = a.history.order_by("-history_date", "-history_id").first()
    assert row.overdue_since == a.deadline and row.history_user is None and row.history_change_reason == "Quá hạn"
    client.force_login(user("phuong_phuc_xa"))
    section = history_section(client.get(f"/coordination/assignments/{a.pk}/").content.decode())
    assert "Hệ thống" in section and "Quá hạn từ: — → " in section


def test_periods_nested_fan_out_records_the_relay_flag_in_history(demo, user, django_capture_on_commit_callbacks):
    from workflows.reporting import services as reporting_flow

    with django_capture_on_commit_callbacks(execute=True):
        period = reporting_flow.period_open(user=user("phongtt"), kind="annual", year=2032)
    with django_capture_on_commit_callbacks(execute=True):
        approve(period.directive, user("giamdoc"))
    assert open_task(period.directive, DirectiveFlow.wait_assignments)
    district = period.directive.assignments.filter(relayed=True).first()
    assert district is not None
    last = district.history.order_by("-history_date", "-history_id").first()
    assert last.relayed and last.history_user == user("giamdoc")
