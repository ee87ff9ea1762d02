"""The 2025 structure (30 districts, 526 communes, seeded once per session): opening a period fans out 556
nested assignments in one go, and the report pages cost the same number of queries for 3 or 500 reports."""

import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from coordination.models import Assignment
from org.models import Structure, UnitKind
from reporting import selectors
from reporting.models import UnitReport
from tests.clock import hanoi
from tests.reporting.helpers import figures, open_period
from workflows.directive.flow import UnitAssignmentFlow
from workflows.models import AssignmentProcess

# Inside the 2026 half-year period's window (figures to 30/5, due 6/6): its reports sent now are on time.
TODAY = hanoi(2026, 6, 2)


@pytest.fixture(autouse=True)
def clock():
    """Opening the period needs its deadline ahead; the pages count a report late by its time and the clock."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def period(demo, user, django_capture_on_commit_callbacks):
    return open_period(user("quanly"), django_capture_on_commit_callbacks, year=2026, structure=Structure.Y2025)


def test_opening_fans_out_to_every_commune_under_its_district(period):
    assignments = period.directive.assignments
    assert assignments.count() == 556
    assert set(assignments.filter(parent=None).values_list("unit__kind", flat=True)) == {UnitKind.DISTRICT}
    assert assignments.filter(parent=None).count() == 30 and assignments.filter(relayed=True).count() == 30
    communes = assignments.filter(unit__kind=UnitKind.COMMUNE)
    assert communes.count() == 526 and not communes.exclude(parent__unit=F("unit__parent")).exists()
    assert AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow,
                                            artifact_object_id__in=assignments.values("pk")).count() == 556


def _accept_in_bulk(period, assignments: list[Assignment]) -> None:
    """Read-side setup: accepted reports written directly (the flows are covered by test_reporting.py)."""
    now = timezone.now()
    UnitReport.objects.bulk_create([
        UnitReport(period=period, unit_id=a.unit_id, assignment=a, status=UnitReport.Status.ACCEPTED,
                   values={**figures(n % 5 + 1), "airtime_own_hours": f"{n % 7}.25"}, submitted_at=now)
        for n, a in enumerate(assignments)
    ])
    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
        status=Assignment.Status.ACCEPTED, received_at=now, reported_at=now, closed_at=now)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = ["/coordination/reports/{pk}/", "/coordination/reports/{pk}/completeness/",
         "/coordination/reports/{pk}/export.xlsx", "/coordination/reports/{pk}/export.csv", "/coordination/reports/"]


@pytest.mark.parametrize("path", PAGES)
def test_report_pages_cost_the_same_queries_for_3_or_500_units(period, user, client, path):
    communes = list(period.directive.assignments.filter(unit__kind=UnitKind.COMMUNE).order_by("unit__path"))
    url = path.format(pk=period.pk)
    _accept_in_bulk(period, communes[:3])
    client.force_login(user("phongtt"))
    before = _queries(client, url)
    _accept_in_bulk(period, communes[3:500])
    after = _queries(client, url)
    assert after <= before, f"{url}: {before} → {after} queries"


def test_city_totals_at_scale_equal_the_sum_of_accepted_reports(period, user, client):
    communes = list(period.directive.assignments.filter(unit__kind=UnitKind.COMMUNE).order_by("unit__path"))
    _accept_in_bulk(period, communes[:500])
    reports = list(UnitReport.objects.filter(period=period).values_list("values", flat=True))
    city = selectors.totals(period)
    assert city["count"] == 500
    assert city["values"]["zalo_followers"] == sum(r["zalo_followers"] for r in reports)
    assert Decimal(city["values"]["airtime_own_hours"]) == sum(Decimal(r["airtime_own_hours"]) for r in reports)
    assert city["values"]["web_page"] == sum(1 for r in reports if r["web_page"])
    by_district = selectors.totals_by_district(period)
    assert sum(d["count"] for d in by_district.values()) == 500
    assert sum(d["values"]["sms_sent"] for d in by_district.values()) == city["values"]["sms_sent"]

    client.force_login(user("quanly"))
    book = load_workbook(io.BytesIO(client.get(f"/coordination/reports/{period.pk}/export.xlsx").content))
    rows = list(book["Xã, phường"].iter_rows(min_row=3, values_only=True))
    assert len(rows) == 527  # 526 communes and the totals
    column = 5 + [i["code"] for i in period.indicators].index("zalo_followers")
    assert rows[-1][column] == city["values"]["zalo_followers"]
    assert len(list(book["Quận, huyện"].iter_rows(min_row=3, values_only=True))) == 31


def test_a_district_sees_only_its_communes_in_the_aggregate(period, user, client):
    communes = list(period.directive.assignments.filter(unit__kind=UnitKind.COMMUNE).order_by("unit__path"))
    _accept_in_bulk(period, communes)
    client.force_login(user("quan_ba_dinh"))
    response = client.get(f"/coordination/reports/{period.pk}/")
    ba_dinh = response.context["district_table"]
    assert [d["unit"].codename for d in ba_dinh] == ["quan_ba_dinh"]
    communes_of_ba_dinh = ba_dinh[0]["unit"].children.filter(kind=UnitKind.COMMUNE).count()
    assert response.context["city"]["count"] == ba_dinh[0]["count"] == communes_of_ba_dinh > 10
    assert not response.context["whole"]
