"""The emergency board of an urgent directive: each target unit's state and the counters, for those who follow
the whole directive; units that have not received it after N minutes are escalated once and shown so; the page
fills in live (a real browser over the websocket) as communes acknowledge an emergency bulletin in their own
browsers, and shows the silent one escalated once the periodic deadline job has run past N minutes."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from broadcast import services as broadcast
from coordination.models import Assignment, AssignmentEvent, DeadlinePolicy
from coordination.selectors import deadline_policy
from coordination.services import deadlines_scan
from notifications.models import Notification
from org.models import Membership, Structure, Unit, UnitKind
from tests.broadcast.helpers import publish_emergency
from tests.live import log_in, run_in_thread
from tests.workflows.bulletin.helpers import broadcast_directive
from tests.workflows.directive.helpers import acknowledge, approve, issue, unit
from workflows.broadcast.board import board

COMMUNES = ("phuong_phuc_xa", "xa_minh_phu", "phuong_cua_nam")


def officer(u: Unit):
    return Membership.objects.filter(unit=u).select_related("user").first().user


def urgent(user, capture, units, urgency="hoa_toc"):
    with capture(execute=True):
        directive = issue(user("phongtt"), units, title="Hỏa tốc: sơ tán dân vùng lũ", urgency=urgency)
    with capture(execute=True):
        approve(directive, user("giamdoc"))
    return directive


def test_the_board_shows_each_unit_and_counts(demo, user, client, django_capture_on_commit_callbacks):
    units = [unit(c) for c in COMMUNES]
    broadcast.cluster_register(unit=units[0], code="PX-1")
    directive = urgent(user, django_capture_on_commit_callbacks, units)
    acknowledge(Assignment.objects.get(directive=directive, unit=units[0]), officer(units[0]))
    client.force_login(user("phongtt"))
    page = client.get(reverse("directive:board", args=[directive.pk])).content.decode()
    assert "3 đơn vị" in page and "1 đã tiếp nhận" in page and "2 chưa tiếp nhận" in page
    assert "1 cụm, 0 mất kết nối" in page
    detail = client.get(reverse("coordination:directive_detail", args=[directive.pk])).content.decode()
    assert 'id="board-link"' in detail
    rows = client.get(reverse("directive:board", args=[directive.pk]) + "?part=rows").content.decode()
    assert rows.startswith("<section") and "<html" not in rows


def test_the_board_is_for_those_who_follow_the_whole_urgent_directive(demo, user, client,
                                                                      django_capture_on_commit_callbacks):
    units = [unit(c) for c in COMMUNES]
    directive = urgent(user, django_capture_on_commit_callbacks, units)
    url = reverse("directive:board", args=[directive.pk])
    assert client.get(url).status_code in (302, 403)  # anonymous: the login, or refused
    client.force_login(officer(units[0]))  # a commune sees its own task, not the others'
    assert client.get(url).status_code in (403, 404)
    ordinary = urgent(user, django_capture_on_commit_callbacks, units, urgency="khan")
    client.force_login(user("phongtt"))
    assert client.get(reverse("directive:board", args=[ordinary.pk])).status_code == 404
    assert 'id="board-link"' not in client.get(
        reverse("coordination:directive_detail", args=[ordinary.pk])).content.decode()
    client.force_login(user("quanly"))
    assert client.get(url).status_code == 200


def test_units_not_receiving_in_time_are_escalated_once(demo, user, client, django_capture_on_commit_callbacks):
    units = [unit(c) for c in COMMUNES]
    directive = urgent(user, django_capture_on_commit_callbacks, units)
    acknowledge(Assignment.objects.get(directive=directive, unit=units[0]), officer(units[0]))
    minutes = DeadlinePolicy.objects.first().acknowledge_within_minutes if DeadlinePolicy.objects.exists() else 15
    sent = Assignment.objects.filter(directive=directive).earliest("created_at").created_at
    assert deadlines_scan(now=sent + timedelta(minutes=minutes - 1)).unacknowledged == 0
    assert deadlines_scan(now=sent + timedelta(minutes=minutes + 1)).unacknowledged == 2
    assert deadlines_scan(now=sent + timedelta(minutes=minutes + 2)).unacknowledged == 0  # once
    late = AssignmentEvent.objects.filter(once_key="escalate:not-received")
    assert set(late.values_list("assignment__unit__codename", flat=True)) == set(COMMUNES[1:])
    assert all("Sở Văn hóa" in e.comment or "Phòng" in e.comment for e in late)  # the issuer is named
    told = Notification.objects.filter(title__contains="chưa tiếp nhận sau")
    assert set(told.values_list("recipient__username", flat=True)) >= {"phongtt"}
    client.force_login(user("phongtt"))
    page = client.get(reverse("directive:board", args=[directive.pk])).content.decode()
    assert "2 đã báo lên" in page and "Chưa tiếp nhận sau" in page


def test_the_board_reads_in_a_fixed_number_of_queries(demo, user, django_capture_on_commit_callbacks):
    few = urgent(user, django_capture_on_commit_callbacks, [unit(c) for c in COMMUNES])
    many = urgent(user, django_capture_on_commit_callbacks, list(
        Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE)[:60]))
    counts = []
    for directive in (few, many):
        with CaptureQueriesContext(connection) as queries:
            b = board(directive)
        counts.append(len(queries))
    assert b.total == 60 and counts[0] == counts[1]


ACKNOWLEDGING = ("phuong_phuc_xa", "xa_minh_phu", "xa_kim_no")  # each on its own task page, in its own browser
SILENT = "xa_uy_no"  # never opens it: escalated after the admin's N minutes


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle=", re.IGNORECASE)


@pytest.mark.django_db(transaction=True)
def test_the_board_fills_in_live_as_communes_acknowledge(browser, asgi_live_server, demo_transactional,
                                                         channel_layer, settings, tmp_path,
                                                         django_capture_on_commit_callbacks):
    """An emergency bulletin's board, open in a manager's browser and never reloaded: three communes receive it
    in their own browsers (inbox → task page → the button), each row and the counters change as they do; the
    clock passes the admin's N minutes, the periodic deadline job runs, and the silent commune shows as escalated
    with who was told."""
    from playwright.sync_api import expect

    from workflows import tasks

    settings.ZALO_SENDER, settings.MEDIA_ROOT = "", str(tmp_path / "media")
    policy = deadline_policy()  # the admin's setting (the first row, or the defaults until one is saved)
    policy.acknowledge_within_minutes = 10
    policy.save()
    codenames = (*ACKNOWLEDGING, SILENT)
    bulletin = run_in_thread(lambda: publish_emergency(
        {"units": [unit(c).pk for c in codenames], "structure": "2025"}, django_capture_on_commit_callbacks))
    directive = broadcast_directive(bulletin)
    assert directive.urgency.code == "hoa_toc"
    units = {c: unit(c) for c in codenames}

    board_context = browser.new_context(locale="vi-VN")
    try:
        page = log_in(board_context, asgi_live_server, "quanly")
        page.goto(f"{asgi_live_server.url}{reverse('directive:board', args=[directive.pk])}")
        expect(page.locator("#emergency-board")).to_contain_text("sau 10 phút")  # the admin's setting
        # nothing a Content-Security-Policy of 'self' would block: the script is a file, its data in data-*
        assert not INLINE_SCRIPT.findall(page.request.get(page.url).text())
        assert not INLINE_SCRIPT.findall(rows := page.request.get(page.url + "?part=rows").text())
        assert not INLINE_STYLE.findall(rows)
        page.wait_for_function("() => document.getElementById('emergency-board').dataset.connected === '1'")
        # a full load would lose the window's marker, a Turbo visit the element's
        page.evaluate("window.boardMarker = 'kept'; document.getElementById('emergency-board').dataset.marker = 'kept'")
        counters = page.locator("#board-counters")
        expect(counters).to_contain_text("4 đơn vị")
        expect(counters).to_contain_text("0 đã tiếp nhận")
        expect(counters).to_contain_text("4 chưa tiếp nhận")

        def row(codename):
            return page.locator(f'#board-table tr[data-unit="{units[codename].pk}"]')

        for i, codename in enumerate(ACKNOWLEDGING, start=1):
            _acknowledge_in_the_browser(browser, asgi_live_server, codename, directive.title)
            expect(row(codename)).to_have_attribute("data-status", "received")
            expect(row(codename).locator("td").nth(2)).not_to_have_text("—")  # "Tiếp nhận lúc"
            expect(counters).to_contain_text(f"{i} đã tiếp nhận")
            expect(counters).to_contain_text(f"{4 - i} chưa tiếp nhận")
        expect(row(SILENT)).to_have_attribute("data-status", "pending")
        expect(counters).to_contain_text("0 đã báo lên")

        sent = Assignment.objects.filter(directive=directive).earliest("created_at").created_at
        with time_machine.travel(sent + timedelta(minutes=9), tick=True):  # not yet: nobody is told
            assert run_in_thread(tasks.deadline_scan_job.call_local).unacknowledged == 0
        with time_machine.travel(sent + timedelta(minutes=11), tick=True):
            assert run_in_thread(tasks.deadline_scan_job.call_local).unacknowledged == 1
            expect(counters).to_contain_text("1 đã báo lên")
            expect(row(SILENT)).to_have_class("ttcs-late")
            told = row(SILENT).locator("td").last
            expect(told).to_contain_text("Chưa tiếp nhận sau 10 phút: đã báo")
            expect(told).to_contain_text(directive.issuing_unit.name)  # who was told
            for codename in ACKNOWLEDGING:
                expect(row(codename)).not_to_have_class("ttcs-late")
        assert page.evaluate("window.boardMarker") == "kept"  # never reloaded
        assert page.evaluate("document.getElementById('emergency-board').dataset.marker") == "kept"
        assert Notification.objects.filter(title__contains="chưa tiếp nhận sau 10 phút").exists()
    finally:
        board_context.close()


def _acknowledge_in_the_browser(browser, server, codename, title):
    """The commune's officer opens the work from the inbox and presses "Xác nhận đã nhận" on its task page."""
    from playwright.sync_api import expect

    context = browser.new_context(locale="vi-VN")
    try:
        page = log_in(context, server, codename)
        page.goto(f"{server.url}/hop-viec/")
        work = page.locator("#inbox tr[data-task]").filter(has_text=title)
        work.get_by_role("link", name="Mở").or_(work.get_by_role("button", name="Nhận và mở")).first.click()
        page.get_by_role("button", name="Xác nhận đã nhận").click()
        expect(page.get_by_text("Đã lưu.")).to_be_visible()
    finally:
        context.close()


def test_leaders_find_the_open_urgent_work_from_home(demo, user, client, django_capture_on_commit_callbacks):
    units = [unit(c) for c in COMMUNES]
    directive = urgent(user, django_capture_on_commit_callbacks, units)
    urgent(user, django_capture_on_commit_callbacks, units, urgency="khan")  # not urgent: not listed
    client.force_login(user("giamdoc"))
    home = client.get("/").content.decode()
    assert reverse("directive:boards") in home
    page = client.get(reverse("directive:boards")).content.decode()
    assert reverse("directive:board", args=[directive.pk]) in page and page.count("<tr>") == 2  # head + one
    client.force_login(officer(units[0]))
    assert reverse("directive:boards") not in client.get("/").content.decode()
