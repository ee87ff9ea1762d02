"""The emergency board of an urgent directive: each target unit's state and the counters, for those who follow
the whole directive; units that have not received it after N minutes are escalated once and shown so; the page
fills in live (a real browser over the websocket) as communes acknowledge."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from broadcast import services as broadcast
from coordination.models import Assignment, AssignmentEvent, DeadlinePolicy
from coordination.services import deadlines_scan
from notifications.models import Notification
from org.models import Membership, Structure, Unit, UnitKind
from tests.live import log_in, run_in_thread
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


@pytest.mark.django_db(transaction=True)
def test_the_board_fills_in_live_as_communes_acknowledge(browser, asgi_live_server, demo_transactional,
                                                         channel_layer, user):
    from playwright.sync_api import expect

    units = [unit(c) for c in COMMUNES]
    directive = run_in_thread(lambda: _urgent_now(user, units))
    context = browser.new_context(locale="vi-VN")
    try:
        page = log_in(context, asgi_live_server, "phongtt")
        page.goto(f"{asgi_live_server.url}{reverse('directive:board', args=[directive.pk])}")
        page.wait_for_function("document.getElementById('emergency-board').dataset.connected === '1'")
        counters = page.locator("#board-counters")
        expect(counters).to_contain_text("3 chưa tiếp nhận")
        for i, u in enumerate(units):  # each commune receives it, as its acknowledge page does
            run_in_thread(acknowledge, Assignment.objects.get(directive=directive, unit=u), officer(u))
            expect(counters).to_contain_text(f"{i + 1} đã tiếp nhận")
            expect(page.locator(f'#board-table tr[data-unit="{u.pk}"]')).to_have_attribute("data-status", "received")
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    finally:
        context.close()


def _urgent_now(user, units):
    directive = issue(user("phongtt"), units, title="Hỏa tốc: sơ tán dân vùng lũ", urgency="hoa_toc")
    approve(directive, user("giamdoc"))
    return directive


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
