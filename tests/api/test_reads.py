"""Directives with their per-unit status, reporting-period aggregates, and the e-board content as JSON: scoped to
the client's units, at a query count that does not grow with the rows."""

import pytest

from api import services
from api.models import ApiClient
from tests.cast import unit
from tests.editorial.helpers import communes
from tests.reporting.helpers import COMMUNES, figures, open_period, run_commune, small_org
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import approve, issue


def test_directives_show_only_the_units_in_scope(demo, central, vendor, django_capture_on_commit_callbacks):
    _bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                              target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))

    [item] = vendor.get("/directives").json()["items"]
    assert item["id"] == directive.pk and item["status"] == "in_progress"
    assert [u["unit"]["code"] for u in item["units"]] == [unit("xa_minh_phu").code]
    assert item["units"][0]["status"] == "pending" and item["units"][0]["overdue"] is False
    assert "broadcast" in item["report_requirements"]

    everything = central.get(f"/directives/{directive.pk}").json()
    assert {u["unit"]["code"] for u in everything["units"]} == {unit("xa_minh_phu").code, unit("phuong_phuc_xa").code}


def test_a_directive_outside_the_scope_is_not_found(demo, vendor, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [unit("phuong_phuc_xa")])
        approve(directive, user("giamdoc"))
    assert vendor.get(f"/directives/{directive.pk}").status_code == 404
    assert vendor.get("/directives").json()["count"] == 0
    assert vendor.get("/directives", {"unit": unit("phuong_phuc_xa").code}).status_code == 403


def test_directives_cost_the_same_queries_for_one_or_four(demo, central, user, django_capture_on_commit_callbacks,
                                                          django_assert_max_num_queries):
    def directive():
        with django_capture_on_commit_callbacks(execute=True):
            approve(issue(user("phongtt"), [unit("phuong_phuc_xa"), unit("xa_minh_phu")]), user("giamdoc"))

    directive()
    with django_assert_max_num_queries(10) as few:
        assert central.get("/directives").json()["count"] == 1
    for _ in range(3):
        directive()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert central.get("/directives").json()["count"] == 4


@pytest.fixture
def reported_period(demo, user, django_capture_on_commit_callbacks):
    units = small_org()
    period = open_period(user("quanly"), django_capture_on_commit_callbacks)
    for n, codename in enumerate(COMMUNES[:2], start=1):
        run_commune(period, codename, user(codename), user("huyen_thu_nghiem"), figures(n))
    return period, units


def test_period_aggregates_for_the_whole_city_and_for_a_scope(reported_period, central):
    period, units = reported_period
    [listed] = [p for p in central.get("/reporting/periods").json() if p["id"] == period.pk]
    assert listed["status"] == "open" and listed["kind"] == "half_year"

    body = central.get(f"/reporting/periods/{period.pk}").json()
    assert body["scope"] == "all" and body["reports_counted"] == 2
    assert body["totals"]["clusters_total"] == (10 + 1) + (10 + 2)
    assert body["totals"]["station_technology"]["ip"] == 1
    assert body["completeness"]["total"] == 4 and body["completeness"]["accepted"] == 2
    assert {i["code"] for i in body["indicators"]} >= {"clusters_total", "zalo_followers"}

    scoped, _token = services.client_create(name="Phần mềm Xã Thứ Nhất", kind=ApiClient.Kind.COMMUNE_SOFTWARE,
                                            units=[units[COMMUNES[0]]])
    response = central.http.get(f"/api/v1/reporting/periods/{period.pk}", HTTP_AUTHORIZATION=f"Bearer {_token}")
    body = response.json()
    assert body["scope"] == "units" and body["reports_counted"] == 1
    assert body["totals"]["clusters_total"] == 11 and body["completeness"]["total"] == 1


def test_an_unknown_period_is_404(demo, central):
    response = central.get("/reporting/periods/987654")
    assert response.status_code == 404 and response.json()["detail"] == "Không tìm thấy kỳ báo cáo."
