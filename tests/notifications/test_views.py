"""The HTTP side: the polling endpoint, marking read (CSRF-protected), the list and preferences pages."""

import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import EmailMode, Kind, Level, Notification, NotificationPreference
from tests.clock import hanoi


@pytest.fixture
def me(user):
    return user("bientap1")


@pytest.fixture
def logged_in(client, me):
    client.force_login(me)
    return client


def test_json_endpoints_want_a_login(client, demo):
    response = client.get("/notifications/api/since/?last_id=0")
    assert response.status_code == 401 and "Phiên đăng nhập đã hết hạn" in response.json()["error"]
    assert client.post("/notifications/api/read/", {"all": "1"}).status_code == 401
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/preferences/").status_code == 302


def test_since_returns_what_was_missed_with_the_unread_count(logged_in, me, user):
    rows = [services.notify([me], kind=Kind.REPORT_RETURNED, title=f"Báo cáo {i}", actor=user("quanly"))[0]
            for i in range(4)]
    services.notify([user("bientap2")], kind=Kind.REPORT_RETURNED, title="Không phải của tôi")
    data = logged_in.get(f"/notifications/api/since/?last_id={rows[1].pk}").json()
    assert [n["title"] for n in data["notifications"]] == ["Báo cáo 2", "Báo cáo 3"]
    assert data["notifications"][0]["actor"] == "Đặng Thị Hương"
    assert data["unread"] == 4 and data["last_id"] == rows[-1].pk and data["truncated"] is False
    # The bell's list: the newest few; a first visit: nothing replayed, only where to start.
    recent = logged_in.get("/notifications/api/since/?last_id=0&limit=2").json()
    assert [n["id"] for n in recent["notifications"]] == [rows[2].pk, rows[3].pk] and recent["truncated"]
    first = logged_in.get("/notifications/api/since/").json()
    assert first["notifications"] == [] and first["last_id"] == rows[-1].pk
    assert logged_in.get("/notifications/api/since/?last_id=abc").status_code == 200
    assert logged_in.post("/notifications/api/since/").status_code == 405


def test_read_endpoint_is_csrf_protected(demo, me):
    [n] = services.notify([me], kind=Kind.TASK_ASSIGNED, title="Việc mới")
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)
    body = json.dumps({"ids": [n.pk]})
    assert client.post("/notifications/api/read/", body, content_type="application/json").status_code == 403
    client.get("/notifications/")  # the page sets the CSRF cookie, as the bell's page does
    token = client.cookies["csrftoken"].value
    response = client.post("/notifications/api/read/", body, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json() == {"marked": 1, "unread": 0}


def test_read_endpoint_json_and_form(logged_in, me, user):
    rows = [services.notify([me], kind=Kind.TASK_ASSIGNED, title=f"Việc {i}")[0] for i in range(3)]
    theirs = services.notify([user("bientap2")], kind=Kind.TASK_ASSIGNED, title="Của người khác")[0]
    response = logged_in.post("/notifications/api/read/", json.dumps({"ids": [rows[0].pk, theirs.pk]}),
                              content_type="application/json")
    assert response.json() == {"marked": 1, "unread": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    bad = logged_in.post("/notifications/api/read/", "[1, 2]", content_type="application/json")
    assert bad.status_code == 400
    # The list page's buttons: a form post, redirected back (never to another site).
    response = logged_in.post("/notifications/api/read/", {"ids": [rows[1].pk], "next": "/notifications/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=1"
    response = logged_in.post("/notifications/api/read/", {"all": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()


def test_list_page_is_vietnamese_and_marks_unread(logged_in, me, user):
    services.notify([me], kind=Kind.EMERGENCY, level=Level.URGENT, title="Bão số 3", body="Phát ngay.",
                    link="/coordination/directives/1/", actor=user("giamdoc"))
    services.notify([me], kind=Kind.BULLETIN_APPROVED, title="Bản tin đã duyệt")
    Notification.objects.filter(title="Bản tin đã duyệt").update(read_at="2025-09-02T01:00:00Z")
    html = logged_in.get("/notifications/").content.decode()
    assert "Thông tin khẩn cấp" in html and "Bão số 3" in html and "Nguyễn Văn Minh" in html
    assert 'href="/coordination/directives/1/"' in html and "Đánh dấu tất cả là đã đọc" in html
    assert html.count("is-unread") == 1
    assert 'id="ttcs-bell-count"' in html and "notifications/notifications.js" in html
    unread_only = logged_in.get("/notifications/?unread=1").content.decode()
    assert "Bão số 3" in unread_only and "Bản tin đã duyệt" not in unread_only


def test_list_rows_show_the_kind_level_and_hanoi_time(logged_in, me):
    # the labels and the time are worked out once per page (selectors.listed), not by filters in every row
    with time_machine.travel(hanoi(2025, 9, 1, 8, 5), tick=False):
        services.notify([me], kind=Kind.OVERDUE, level=Level.WARNING, title="Quá hạn báo cáo")
    with time_machine.travel(hanoi(2025, 9, 2, 23, 30), tick=False):
        services.notify([me], kind=Kind.REPORT_ACCEPTED, title="Đã chấp nhận")
    html = logged_in.get("/notifications/").content.decode()
    assert '<time datetime="2025-09-01T08:05:00+07:00">01/09/2025 08:05</time>' in html
    assert '<time datetime="2025-09-02T23:30:00+07:00">02/09/2025 23:30</time>' in html
    assert '<span class="ttcs-notif-item__kind">Quá hạn</span>' in html
    assert '<span class="ttcs-notif-item__kind">Báo cáo được chấp nhận</span>' in html
    assert '<span class="ttcs-level ttcs-level--warning">Cảnh báo</span>' in html
    assert html.count('class="mdc-button">Đã đọc</button>') == 2
    assert html.count('<input type="hidden" name="next" value="/notifications/">') == 3  # "all read" and the rows


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/notifications/").status_code == 200
    return len(queries)


def test_list_page_query_count_does_not_grow_with_rows(logged_in, me, user):
    actors = [user(name) for name in ("giamdoc", "phogiamdoc", "truongban", "quanly", "vanphong")]

    def add(count):
        for i in range(count):
            services.notify([me], kind=Kind.QUEUE_TASK, title=f"Việc {i}", actor=actors[i % len(actors)])

    add(5)
    with_5 = _list_queries(logged_in)
    add(45)
    with_50 = _list_queries(logged_in)
    assert with_50 == with_5, f"{with_5} queries for 5 rows, {with_50} for 50"


def test_preferences_page_saves_choices(logged_in, me):
    html = logged_in.get("/notifications/preferences/").content.decode()
    assert "Tùy chọn thông báo" in html and "Khi chưa đọc sau số phút" in html and "Quá hạn" in html
    assert "chưa có địa chỉ thư điện tử" in html
    data = {}
    for kind in Kind.values:
        data[f"mode_{kind}"], data[f"minutes_{kind}"] = EmailMode.URGENT_ONLY, 30
    data[f"mode_{Kind.OVERDUE}"], data[f"minutes_{Kind.OVERDUE}"] = EmailMode.WHEN_UNREAD, 45
    data[f"mode_{Kind.BULLETIN_PUBLISHED}"] = EmailMode.NEVER
    response = logged_in.post("/notifications/preferences/", data)
    assert response.status_code == 302
    prefs = {p.kind: (p.email_mode, p.minutes) for p in NotificationPreference.objects.filter(user=me)}
    assert prefs == {Kind.OVERDUE: ("when_unread_after_minutes", 45), Kind.BULLETIN_PUBLISHED: ("never", 30)}
    assert "Đã lưu tùy chọn" in logged_in.get(response["Location"]).content.decode()
    data[f"minutes_{Kind.OVERDUE}"] = 0
    invalid = logged_in.post("/notifications/preferences/", data)
    assert invalid.status_code == 200 and NotificationPreference.objects.get(user=me, kind=Kind.OVERDUE).minutes == 45
