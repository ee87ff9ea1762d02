"""The air-schedule calendar: a unit's week from its loudspeaker schedules and the times it gave on receipt, Hanoi's
session limits as warnings (a ward: 2 sessions a day, 5 days a week, 15 minutes a session; a rural commune: 45
minutes), a bulletin across units for the Department, the iCalendar export read back with `icalendar`, who sees
what, and a query count that does not grow with the number of assignments (1,000 against 10,000 generated)."""

from datetime import date, timedelta

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from broadcast import services as broadcast
from broadcast.models import AirPlan
from coordination.models import Assignment, Directive, Urgency
from dashboard import selectors
from dashboard.sample import SAMPLE_TITLE_PREFIX, work_sample_create
from editorial.models import BroadcastLimit, Bulletin
from org.models import Structure
from tests.cast import (
    ADMIN,
    DEPUTY,
    DIRECTOR,
    DISTRICT,
    DRAFTER,
    MANAGER,
    RURAL_COMMUNE,
    RURAL_DISTRICT,
    URBAN_COMMUNE,
    division,
    person,
    unit,
)
from tests.clock import hanoi
from workflows.bulletin.flow import BulletinFlow

NOW = hanoi(2025, 6, 20, 10)  # a Friday; its week is 2025-W25, Monday 16/06
MONDAY = date(2025, 6, 16)
WEEK = "2025-W25"
pytestmark = pytest.mark.time_machine(NOW)
WEEK_URL, EXPORT_URL = "air_calendar:week", "air_calendar:export"


def _bulletin(title: str, *, seconds: int = 300, priority: str = "normal") -> Bulletin:
    """A published bulletin and its broadcast directive (the process names it, as workflows/bulletin does)."""
    bulletin = Bulletin.objects.create(title=title, body="<p>x</p>", drafting_unit=division(), priority=priority,
                                       created_by=person(DRAFTER), status=Bulletin.Status.PUBLISHED,
                                       published_at=NOW, first_published_at=NOW, estimated_air_seconds=seconds)
    directive = Directive.objects.create(
        title=f"Phát bản tin: {title}", issuing_unit=division(), created_by=person(DRAFTER),
        urgency=Urgency.objects.get(code="khan"), deadline=NOW + timedelta(days=3),
        status=Directive.Status.IN_PROGRESS, created_at=NOW - timedelta(days=5))
    Process.objects.create(flow_class=BulletinFlow, status=PROCESS.DONE, artifact_object_id=bulletin.pk,
                           data={"directive_id": directive.pk})
    bulletin.directive = directive
    return bulletin


def _assignment(bulletin: Bulletin, codename: str, at=None, **fields) -> Assignment:
    figures = {"planned_air_at": at.isoformat()} if at else {}
    fields = {"status": "received", "received_at": NOW - timedelta(days=4), **fields}
    return Assignment.objects.create(directive=bulletin.directive, unit=unit(codename), report_figures=figures,
                                     deadline=bulletin.directive.deadline, created_at=bulletin.directive.created_at,
                                     **fields)


def _schedule(bulletin: Bulletin, codename: str, *times, seconds: float = 300, repetitions: int = 1,
              assignment: Assignment | None = None) -> AirPlan:
    """The unit's clusters get the times (the service a receipt calls; no cluster is registered, so no command)."""
    sound = broadcast.Sound(bulletin_id=bulletin.pk, revision=1, title=bulletin.title, priority=bulletin.priority,
                            audio_url="http://127.0.0.1/a.wav", audio_sha256="", duration_seconds=seconds)
    return broadcast.plan_schedule(unit=unit(codename), sound=sound, times=list(times), repetitions=repetitions,
                                   assignment_id=assignment.pk if assignment else None)


def _week(codename: str) -> selectors.WeekSchedule:
    return selectors.unit_week(unit(codename), MONDAY)


def _page(client, username, name=WEEK_URL, **params):
    client.force_login(person(username))
    return client.get(reverse(name), params)


# --- what the week holds ---------------------------------------------------------------------------------------------

def test_the_week_holds_the_schedules_and_the_times_given_on_receipt(demo):
    law = _bulletin("Luật Thủ đô 2024", seconds=240)
    storm = _bulletin("Phòng chống bão", seconds=420)
    with_plan = _assignment(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6))
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6), seconds=200, repetitions=2, assignment=with_plan)
    _assignment(storm, URBAN_COMMUNE, hanoi(2025, 6, 18, 17, 30))  # no clusters: the time it gave
    _assignment(_bulletin("Đã hủy"), URBAN_COMMUNE, hanoi(2025, 6, 18, 6), status="cancelled")
    withdrawn = _schedule(_bulletin("Bản cũ"), URBAN_COMMUNE, hanoi(2025, 6, 19, 6))
    broadcast.plans_withdraw(AirPlan.objects.filter(pk=withdrawn.pk))
    _schedule(law, RURAL_COMMUNE, hanoi(2025, 6, 17, 7))  # another unit
    _assignment(storm, RURAL_COMMUNE, hanoi(2025, 6, 23, 6))  # next week, another unit

    airings = _week(URBAN_COMMUNE).airings
    assert [(a.title, a.start, a.seconds, a.source) for a in airings] == [
        ("Luật Thủ đô 2024", hanoi(2025, 6, 17, 6), 400, "plan"),  # once: the plan carries its assignment
        ("Phòng chống bão", hanoi(2025, 6, 18, 17, 30), 420, "assignment"),  # the bulletin's estimate
    ]
    assert [a.start.utcoffset() for a in airings] == [timedelta(hours=7)] * 2


def test_airings_close_together_make_one_session():
    def at(hour, minute, seconds=300, emergency=False):
        return selectors.Airing(unit=None, start=hanoi(2025, 6, 16, hour, minute), seconds=seconds, title="x",
                                source="plan", status="", uid=f"{hour}{minute}", emergency=emergency)

    sessions = selectors.sessions_of([at(6, 0), at(6, 20), at(7, 0), at(7, 10, emergency=True), at(17, 0)])
    assert [len(s.airings) for s in sessions] == [2, 1, 1, 1]
    assert sessions[0].seconds == 600 and sessions[0].end == hanoi(2025, 6, 16, 6, 25)
    assert sessions[2].emergency and not sessions[3].emergency


def test_a_ward_with_three_sessions_in_a_day_or_a_twenty_minute_session_is_warned(client, demo):
    bulletin = _bulletin("Bản tin buổi sáng")
    _schedule(bulletin, URBAN_COMMUNE, hanoi(2025, 6, 16, 6), hanoi(2025, 6, 16, 11), hanoi(2025, 6, 16, 17))
    _schedule(_bulletin("Bản tin dài"), URBAN_COMMUNE, hanoi(2025, 6, 17, 6), seconds=20 * 60)
    week = _week(URBAN_COMMUNE)
    monday, tuesday = week.days[0], week.days[1]
    assert week.limit.area == BroadcastLimit.Area.URBAN
    assert monday.warnings == ["3 buổi phát trong ngày, vượt giới hạn 2 buổi mỗi ngày ở phường, thị trấn (đô thị)."]
    assert [s.warnings for s in monday.sessions] == [[], [], []]
    assert tuesday.warnings == []
    assert tuesday.sessions[0].warnings == [
        "Buổi phát 06:00–06:20 dài 20 phút 00 giây, vượt giới hạn 15 phút mỗi buổi ở phường, thị trấn (đô thị)."]
    assert week.warnings == []  # two days of seven

    page = _page(client, URBAN_COMMUNE, week=WEEK).content.decode()
    assert "3 buổi phát trong ngày, vượt giới hạn 2 buổi mỗi ngày" in page
    assert "vượt giới hạn 15 phút mỗi buổi" in page and "Buổi 3: 17:00–17:05" in page


def test_a_ward_airing_six_days_a_week_is_warned(demo):
    bulletin = _bulletin("Mỗi ngày một tin")
    _schedule(bulletin, URBAN_COMMUNE, *[hanoi(2025, 6, 16 + d, 6) for d in range(6)])
    assert _week(URBAN_COMMUNE).warnings == [
        "Phát 6 ngày trong tuần, vượt giới hạn 5 ngày mỗi tuần ở phường, thị trấn (đô thị)."]


def test_a_rural_commune_may_air_forty_minutes_a_session(demo):
    _schedule(_bulletin("Bốn mươi phút"), RURAL_COMMUNE, hanoi(2025, 6, 16, 6), hanoi(2025, 6, 16, 11),
              hanoi(2025, 6, 16, 17), seconds=40 * 60)
    week = _week(RURAL_COMMUNE)
    assert week.limit.area == BroadcastLimit.Area.RURAL
    assert week.warnings == [] and all(not d.warnings and not any(s.warnings for s in d.sessions) for d in week.days)
    _schedule(_bulletin("Năm mươi phút"), RURAL_COMMUNE, hanoi(2025, 6, 18, 6), seconds=50 * 60)
    assert "vượt giới hạn 45 phút mỗi buổi ở xã (nông thôn)" in _week(RURAL_COMMUNE).days[2].sessions[0].warnings[0]


def test_an_emergency_is_not_held_to_the_limits(demo):
    emergency = _bulletin("Tin khẩn", priority="emergency")
    broadcast.plans_play_now(units=[unit(URBAN_COMMUNE)], at=hanoi(2025, 6, 16, 9), sound=broadcast.Sound(
        bulletin_id=emergency.pk, revision=1, title=emergency.title, priority="emergency", audio_url="x",
        audio_sha256="", duration_seconds=25 * 60))
    _schedule(_bulletin("Thường"), URBAN_COMMUNE, hanoi(2025, 6, 16, 6), hanoi(2025, 6, 16, 17))
    week = _week(URBAN_COMMUNE)
    assert [s.emergency for s in week.days[0].sessions] == [False, True, False]
    assert week.days[0].warnings == [] and not any(s.warnings for s in week.days[0].sessions)
    assert week.days[0].sessions[1].airings[0].source_label == "Phát ngay (khẩn cấp)"


def test_limits_follow_the_admin_setting(demo):
    BroadcastLimit.objects.update_or_create(area=BroadcastLimit.Area.RURAL, defaults={"max_minutes_per_session": 30})
    _schedule(_bulletin("Bốn mươi phút"), RURAL_COMMUNE, hanoi(2025, 6, 16, 6), seconds=40 * 60)
    assert "vượt giới hạn 30 phút" in _week(RURAL_COMMUNE).days[0].sessions[0].warnings[0]


def test_a_district_has_no_session_limit(demo):
    assert _week(DISTRICT).limit is None


def test_weeks_are_read_from_iso_text():
    today = date(2025, 6, 20)
    assert selectors.week_monday("2025-W25", today) == MONDAY
    assert selectors.week_monday("2026-W01", today) == date(2025, 12, 29)
    for junk in ("", None, "2025-W54", "tuần 25", "99999-W01", "1000-W10", str(2**64)):
        assert selectors.week_monday(junk, today) == MONDAY
    assert selectors.iso_week(date(2025, 12, 29)) == "2026-W01"


# --- the pages -------------------------------------------------------------------------------------------------------

def test_an_officer_opens_their_own_unit_and_moves_by_week(client, demo):
    _schedule(_bulletin("Luật Thủ đô 2024"), URBAN_COMMUNE, hanoi(2025, 6, 17, 6, 30))
    response = _page(client, URBAN_COMMUNE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Phường Phúc Xá" in page and "Tuần 25/2025 (16/06/2025 – 22/06/2025)" in page
    assert "Thứ Ba 17/06/2025" in page and "06:30" in page and "Luật Thủ đô 2024" in page
    assert "Giới hạn ở phường, thị trấn (đô thị): tối đa 15 phút mỗi buổi, 2 buổi mỗi ngày, 5 ngày mỗi tuần" in page
    pk = unit(URBAN_COMMUNE).pk
    assert f"?unit={pk}&amp;week=2025-W24" in page and f"?unit={pk}&amp;week=2025-W26" in page
    assert 'name="unit"' in page and '<select name="unit">' not in page  # one unit: nothing to choose
    assert reverse("air_calendar:bulletin", args=[1]).rsplit("1/", 1)[0] not in page  # no Department links
    later = _page(client, URBAN_COMMUNE, unit=pk, week="2025-W26").content.decode()
    assert "Tuần 26/2025" in later and "Luật Thủ đô 2024" not in later and "chưa có lịch phát nào" in later


def test_a_manager_chooses_any_unit(client, demo):
    page = _page(client, MANAGER).content.decode()
    assert "Chọn một xã/phường để xem lịch phát sóng" in page and '<select name="unit">' in page
    assert "Xã Minh Phú (Huyện Sóc Sơn)" in page
    bulletin = _bulletin("Luật Thủ đô 2024")
    _schedule(bulletin, RURAL_COMMUNE, hanoi(2025, 6, 17, 6))
    page = _page(client, DIRECTOR, unit=unit(RURAL_COMMUNE).pk, week=WEEK).content.decode()
    assert "Xã Minh Phú" in page and reverse("air_calendar:bulletin", args=[bulletin.pk]) in page


def test_who_may_see_which_unit(client, demo):
    urban, rural = unit(URBAN_COMMUNE).pk, unit(RURAL_COMMUNE).pk
    allowed = {URBAN_COMMUNE: {urban}, RURAL_COMMUNE: {rural}, DISTRICT: {urban}, RURAL_DISTRICT: {rural},
               MANAGER: {urban, rural}, DIRECTOR: {urban, rural}, DEPUTY: {urban, rural}}
    for name in (WEEK_URL, EXPORT_URL):
        for username, units in allowed.items():
            for pk in (urban, rural):
                status = _page(client, username, name, unit=pk, week=WEEK).status_code
                assert status == (200 if pk in units else 403), (name, username, pk)
        for username in (DRAFTER, ADMIN):
            assert _page(client, username, name, unit=urban).status_code == 403, (name, username)
        assert _page(client, MANAGER, name, unit=str(2**64)).status_code == 404
        assert _page(client, MANAGER, name, unit="abc").status_code == 404
        client.logout()
        assert client.get(reverse(name), {"unit": urban}).status_code == 302


def test_the_calendar_answers_get_only(client, demo):
    client.force_login(person(URBAN_COMMUNE))
    for name, args in ((WEEK_URL, []), (EXPORT_URL, []), ("air_calendar:bulletin", [_bulletin("x").pk])):
        assert client.post(reverse(name, args=args)).status_code == 405


def test_home_dashboard_and_menu_link_the_calendar(client, demo):
    url = reverse(WEEK_URL)
    for username, shown in ((URBAN_COMMUNE, True), (DISTRICT, True), (MANAGER, True), (DIRECTOR, True),
                            (DRAFTER, False), (ADMIN, False)):
        client.force_login(person(username))
        assert (f'href="{url}"' in client.get("/").content.decode()) is shown, username
    client.force_login(person(MANAGER))
    assert f'href="{url}"' in client.get(reverse("dashboard:index")).content.decode()


# --- the iCalendar export --------------------------------------------------------------------------------------------

def test_the_export_parses_back_with_one_event_per_airing(client, demo):
    law = _bulletin("Luật Thủ đô 2024", seconds=240)
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6), hanoi(2025, 7, 1, 17), seconds=150, repetitions=2)
    _assignment(_bulletin("Phòng chống bão", seconds=420), URBAN_COMMUNE, hanoi(2025, 6, 18, 17, 30))
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 10, 6))  # the same plan, its times moved to the week before
    _schedule(_bulletin("Quá xa"), URBAN_COMMUNE, hanoi(2025, 9, 1, 6))  # after the eight weeks
    _schedule(law, RURAL_COMMUNE, hanoi(2025, 6, 17, 7))  # another unit's

    response = _page(client, URBAN_COMMUNE, EXPORT_URL, week=WEEK)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lich-phat-')
    cal = icalendar.Calendar.from_ical(response.content)
    assert str(cal["x-wr-calname"]) == "Lịch phát sóng – Phường Phúc Xá"
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.start)
    assert [(str(e["summary"]), e.start, e.end - e.start) for e in events] == [
        ("Phòng chống bão", hanoi(2025, 6, 18, 17, 30), timedelta(seconds=420)),
    ]
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6), hanoi(2025, 7, 1, 17), seconds=150, repetitions=2)  # back
    first = icalendar.Calendar.from_ical(_page(client, URBAN_COMMUNE, EXPORT_URL, week=WEEK).content)
    events = sorted(first.walk("VEVENT"), key=lambda e: e.start)
    assert [(str(e["summary"]), e.start, e.end - e.start) for e in events] == [
        ("Luật Thủ đô 2024", hanoi(2025, 6, 17, 6), timedelta(seconds=300)),
        ("Phòng chống bão", hanoi(2025, 6, 18, 17, 30), timedelta(seconds=420)),
        ("Luật Thủ đô 2024", hanoi(2025, 7, 1, 17), timedelta(seconds=300)),
    ]
    assert events[0]["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(events[0]["location"]) == "Phường Phúc Xá" and "Lịch cụm loa" in str(events[0]["description"])
    again = icalendar.Calendar.from_ical(_page(client, URBAN_COMMUNE, EXPORT_URL, week=WEEK).content)
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == 3 and sorted(uids) == sorted(str(e["uid"]) for e in again.walk("VEVENT"))


# --- a bulletin across units -----------------------------------------------------------------------------------------

def test_the_department_sees_a_bulletin_across_units_by_day(client, demo):
    law = _bulletin("Luật Thủ đô 2024", seconds=20 * 60)
    px = _assignment(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6))
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6), seconds=16 * 60, assignment=px)
    _assignment(law, RURAL_COMMUNE, hanoi(2025, 6, 18, 17))
    _assignment(law, DISTRICT)  # received, no time given
    _assignment(law, RURAL_DISTRICT, status="cancelled")

    schedule = selectors.bulletin_schedule(law)
    assert [(d.day, [(a.unit.codename, a.source) for a in d.airings]) for d in schedule.days] == [
        (date(2025, 6, 17), [(URBAN_COMMUNE, "plan")]), (date(2025, 6, 18), [(RURAL_COMMUNE, "assignment")])]
    assert (schedule.units_planned, schedule.units_without_time) == (2, 1)
    ward, rural = schedule.days[0].airings[0], schedule.days[1].airings[0]
    assert ward.warnings == ["Dài 16 phút 00 giây, vượt giới hạn 15 phút mỗi buổi ở phường, thị trấn (đô thị)."]
    assert rural.warnings == []  # 20 minutes in a rural commune

    url = reverse("air_calendar:bulletin", args=[law.pk])
    client.force_login(person(MANAGER))
    page = client.get(url).content.decode()
    assert "Thứ Ba 17/06/2025" in page and "Thứ Tư 18/06/2025" in page and "Xã Minh Phú" in page
    assert "2 đơn vị đã có lịch phát" in page and "1 đơn vị chưa báo thời điểm phát" in page
    assert f"?unit={unit(RURAL_COMMUNE).pk}&amp;week=2025-W25" in page
    for username in (URBAN_COMMUNE, DISTRICT, DRAFTER, ADMIN):
        client.force_login(person(username))
        assert client.get(url).status_code == 403, username


def test_a_real_receipt_shows_once_on_both_calendars(client, demo, django_capture_on_commit_callbacks, settings,
                                                     tmp_path):
    """Through the flows: Phúc Xá has a cluster (its receipt schedules it), Minh Phú has none (its time stands)."""
    from tests.editorial.helpers import communes
    from tests.workflows.bulletin.helpers import published_bulletin
    from tests.workflows.directive.helpers import open_task
    from workflows import engine
    from workflows.directive import steps as directive_steps
    from workflows.directive.flow import UnitAssignmentFlow

    settings.ZALO_SENDER, settings.MEDIA_ROOT = "", str(tmp_path)
    broadcast.cluster_register(unit=unit(URBAN_COMMUNE), code="PX-01", vendor="Thử nghiệm")
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                             target_spec=communes(URBAN_COMMUNE, RURAL_COMMUNE))
    for codename, at in ((URBAN_COMMUNE, hanoi(2025, 6, 21, 6)), (RURAL_COMMUNE, hanoi(2025, 6, 22, 17))):
        assignment = Assignment.objects.get(directive=directive, unit=unit(codename))
        with django_capture_on_commit_callbacks(execute=True):
            engine.task_run(open_task(assignment, UnitAssignmentFlow.acknowledge), person(codename),
                            directive_steps.acknowledge_step, planned_air_at=at)
    assert AirPlan.objects.filter(bulletin_id=bulletin.pk).count() == 1
    [ward] = _week(URBAN_COMMUNE).airings
    assert (ward.source, ward.start) == ("plan", hanoi(2025, 6, 21, 6))
    [rural] = _week(RURAL_COMMUNE).airings
    assert (rural.source, rural.start, rural.seconds) == ("assignment", hanoi(2025, 6, 22, 17),
                                                          bulletin.estimated_air_seconds)
    schedule = selectors.bulletin_schedule(bulletin)
    assert [a.unit.codename for d in schedule.days for a in d.airings] == [URBAN_COMMUNE, RURAL_COMMUNE]
    client.force_login(person(MANAGER))
    detail = client.get(reverse("editorial:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert reverse("air_calendar:bulletin", args=[bulletin.pk]) in detail
    client.force_login(person(DRAFTER))
    detail = client.get(reverse("editorial:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert reverse("air_calendar:bulletin", args=[bulletin.pk]) not in detail


# --- how many queries ------------------------------------------------------------------------------------------------

def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_assignments(client, demo, monkeypatch):
    monkeypatch.setattr("org.selectors.STRUCTURE_CACHE_SECONDS", 3600.0)  # its 5 s may pass on a loaded machine
    law = _bulletin("Luật Thủ đô 2024")
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6))
    _assignment(_bulletin("Phòng chống bão"), URBAN_COMMUNE, hanoi(2025, 6, 18, 6))
    work_sample_create(assignments=1_000, structure=Structure.Y2025, now=NOW, seed=1)
    sample_bulletin = Bulletin.objects.filter(title__startswith=SAMPLE_TITLE_PREFIX).order_by("pk").first()
    pages = [
        (URBAN_COMMUNE, reverse(WEEK_URL), {"week": WEEK}),
        (URBAN_COMMUNE, reverse(EXPORT_URL), {"week": WEEK}),
        (MANAGER, reverse(WEEK_URL), {"unit": unit(URBAN_COMMUNE).pk, "week": WEEK}),
        (MANAGER, reverse("air_calendar:bulletin", args=[sample_bulletin.pk]), {}),
        (MANAGER, reverse("air_calendar:bulletin", args=[law.pk]), {}),
    ]
    small = []
    for username, url, params in pages:
        client.force_login(person(username))
        _queries(client, url, params)  # the first request fills per-process caches
        small.append(_queries(client, url, params))
    work_sample_create(assignments=9_000, structure=Structure.Y2025, now=NOW, seed=2)
    assert Assignment.objects.filter(unit__structure=Structure.Y2025).count() > 10_000
    large = []
    for username, url, params in pages:
        client.force_login(person(username))
        _queries(client, url, params)  # the structure in force is kept a few seconds: the sample took longer
        large.append(_queries(client, url, params))
    assert large == small
    assert max(small) <= 20


def test_the_2025_demo_with_10000_assignments(client, demo):
    """The done-when: the calendar of the 2025 demo with 10,000 generated assignments, for a unit and a bulletin."""
    result = work_sample_create(assignments=10_000, structure=Structure.Y2025, now=NOW)
    assert result.plans > 0 and AirPlan.objects.filter(kind=AirPlan.Kind.SCHEDULED).exists()
    assert Assignment.objects.filter(report_figures__has_key="planned_air_at").exists()
    busiest = (AirPlan.objects.filter(kind=AirPlan.Kind.SCHEDULED).values("unit_id").order_by("unit_id").first())
    plan = AirPlan.objects.filter(unit_id=busiest["unit_id"], kind=AirPlan.Kind.SCHEDULED).order_by("pk").first()
    moment = selectors._hanoi(plan.times[0])
    client.force_login(person(MANAGER))
    page = client.get(reverse(WEEK_URL), {"unit": plan.unit_id,
                                          "week": selectors.iso_week(selectors.week_monday(None, moment.date()))})
    assert page.status_code == 200 and plan.title in page.content.decode()
    across = client.get(reverse("air_calendar:bulletin", args=[plan.bulletin_id])).content.decode()
    schedule = selectors.bulletin_schedule(Bulletin.objects.get(pk=plan.bulletin_id))
    assert schedule.units_planned > 100 and f"{schedule.units_planned} đơn vị đã có lịch phát" in across


def test_the_sample_removes_its_air_plans(demo):
    from dashboard.sample import work_sample_delete

    mine = _schedule(_bulletin("Không phải mẫu"), URBAN_COMMUNE, hanoi(2025, 6, 17, 6))
    assert work_sample_create(assignments=600, structure=Structure.Y2025, now=NOW, seed=3).plans > 0
    work_sample_delete()
    assert list(AirPlan.objects.all()) == [mine]
