"""Report pages over HTTP: opening a period, the review task page, the home card and the menu."""

import pytest
from django.utils import timezone

from org.models import Structure
from reporting.models import ReportingPeriod, UnitReport
from tests.reporting.helpers import COMMUNES, DISTRICT, acknowledge, assignment, figures, open_period, small_org, submit
from tests.workflows.directive.helpers import open_task
from workflows.directive.flow import UnitAssignmentFlow


@pytest.fixture
def org(demo):
    return small_org()


def test_open_period_page(org, user, client, django_capture_on_commit_callbacks):
    client.force_login(user("quanly"))
    assert client.get("/directive/reports/open/").status_code == 200
    year = timezone.localdate().year + 5  # a period nobody else opens, due in the future whatever the date
    data = {"kind": "annual", "year": year, "structure": Structure.CURRENT}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directive/reports/open/", data)
    period = ReportingPeriod.objects.get(kind="annual", year=year, structure=Structure.CURRENT)
    assert response.status_code == 302 and response["Location"] == f"/coordination/reports/{period.pk}/"
    assert period.directive.assignments.count() == 4
    html = client.get(response["Location"]).content.decode()
    assert "Đã mở kỳ báo cáo và gửi tới các đơn vị." in html and f"Báo cáo thống kê thông tin cơ sở năm {year}" in html
    again = client.post("/directive/reports/open/", data)
    assert again.status_code == 200 and "Kỳ báo cáo này đã được mở." in again.content.decode()


def test_review_page_shows_the_figures_and_needs_a_reason_to_return(org, user, client,
                                                                     django_capture_on_commit_callbacks):
    period = open_period(user("quanly"), django_capture_on_commit_callbacks)
    a = assignment(period, COMMUNES[0])
    acknowledge(a, user(COMMUNES[0]))
    submit(a, user(COMMUNES[0]), {**figures(1), "zalo_followers": 98765}, notes="Đã rà soát")
    task = open_task(a, UnitAssignmentFlow.review)
    client.force_login(user(DISTRICT))
    assert client.post(f"/hop-viec/tasks/{task.pk}/claim/").status_code == 302
    url = f"/unitassignment/{task.process_id}/review/{task.pk}/execute/"
    html = client.get(url).content.decode()
    assert "98.765" in html and "Đã rà soát" in html and "Xã Thứ Nhất" in html and "Ứng dụng CNTT-VT (IP)" in html
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "Hãy ghi lý do trả lại." in response.content.decode()
    assert client.post(url, {"decision": "accept", "comment": ""}).status_code == 302
    assert UnitReport.objects.get(assignment=a).status == UnitReport.Status.ACCEPTED


def test_district_report_page_lists_its_communes_with_review_links(org, user, client,
                                                                   django_capture_on_commit_callbacks):
    period = open_period(user("quanly"), django_capture_on_commit_callbacks)
    a = assignment(period, COMMUNES[1])
    acknowledge(a, user(COMMUNES[1]))
    submit(a, user(COMMUNES[1]), figures(2))
    district = assignment(period, DISTRICT)
    acknowledge(district, user(DISTRICT))
    task = open_task(district, UnitAssignmentFlow.report)
    client.force_login(user(DISTRICT))
    url = f"/unitassignment/{task.process_id}/report/{task.pk}/execute/"
    html = client.get(url).content.decode()
    review = open_task(a, UnitAssignmentFlow.review)
    assert f"/unitassignment/{review.process_id}/review/{review.pk}/" in html
    assert "Chưa nhập" in html  # the communes that have not started
    response = client.post(url, {"action": "submit", "notes": "Chưa đủ"})
    assert response.status_code == 200 and "Còn 3 đơn vị cấp dưới chưa hoàn thành." in response.content.decode()
    assert client.post(url, {"action": "draft", "notes": "Đang chờ xã"}).status_code == 302
    assert UnitReport.objects.get(assignment=district).notes == "Đang chờ xã"


def test_home_card_and_menu_link(org, user, client):
    client.force_login(user(COMMUNES[0]))
    html = client.get("/").content.decode()
    assert "Báo cáo định kỳ" in html and "/coordination/reports/" in html
