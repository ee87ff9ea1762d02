"""Bulk acknowledge in the unit queue (/unitassignment/queue/bulk/): a normal bulletin's broadcast asks for the planned
air time; one time given on the page is used for every selected task that needs it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from coordination.models import Assignment
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import approve, issue, open_task, unit
from workflows.directive.flow import UnitAssignmentFlow

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""


@pytest.fixture
def queue(demo, user, django_capture_on_commit_callbacks):
    """Phường Phúc Xá's queue: a normal bulletin's broadcast task and an ordinary directive's."""
    capture = django_capture_on_commit_callbacks
    _bulletin, broadcast = published_bulletin(capture)
    with capture(execute=True):
        ordinary = issue(user("phongtt"), [unit("phuong_phuc_xa")])
        approve(ordinary, user("giamdoc"))
    return [broadcast.assignments.get(unit__codename="phuong_phuc_xa"), ordinary.assignments.get()]


def _tasks(assignments):
    return [open_task(a, UnitAssignmentFlow.acknowledge).pk for a in assignments]


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI))
def test_bulk_acknowledge_asks_for_the_planned_air_time(queue, user, client):
    client.force_login(user("phuong_phuc_xa"))
    page = client.get("/unitassignment/queue/bulk/").content.decode()
    assert "cần thời điểm dự kiến phát" in page and 'name="bulk-planned_air_at"' in page

    asked = client.post("/unitassignment/queue/bulk/", {"action": "acknowledge", "tasks": _tasks(queue)})
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "1 bản tin đã chọn cần thời điểm dự kiến phát" in html
    assert "Đã xác nhận đã nhận" not in html  # nothing half-done: the officer adds the time and sends again
    assert html.count("checked") >= 2
    assert set(Assignment.objects.filter(pk__in=[a.pk for a in queue]).values_list("status", flat=True)) == {
        Assignment.Status.PENDING}

    bad = client.post("/unitassignment/queue/bulk/", {"action": "acknowledge", "tasks": _tasks(queue),
                                                "bulk-planned_air_at": "ngày mai"}).content.decode()
    assert "Đã xác nhận đã nhận" not in bad

    done = client.post("/unitassignment/queue/bulk/", {"action": "acknowledge", "tasks": _tasks(queue),
                                                 "bulk-planned_air_at": "10/03/2026 19:00"}).content.decode()
    assert done.count("Đã xác nhận đã nhận") == 2
    broadcast, ordinary = (Assignment.objects.get(pk=a.pk) for a in queue)
    assert broadcast.status == ordinary.status == Assignment.Status.RECEIVED
    planned = datetime.fromisoformat(broadcast.report_figures["planned_air_at"])
    assert timezone.localtime(planned, HANOI) == datetime(2026, 3, 10, 19, 0, tzinfo=HANOI)
    assert "planned_air_at" not in ordinary.report_figures


@time_machine.travel(datetime(2026, 3, 10, 8, 0, tzinfo=HANOI))
def test_bulk_acknowledge_without_a_bulletin_needs_no_time(queue, user, client):
    client.force_login(user("phuong_phuc_xa"))
    html = client.post("/unitassignment/queue/bulk/",
                       {"action": "acknowledge", "tasks": _tasks(queue[1:])}).content.decode()
    assert html.count("Đã xác nhận đã nhận") == 1
