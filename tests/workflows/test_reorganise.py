"""The 2025 reorganisation with open work, on the 2025 demo and the real succession data: every open assignment
ends on a successor, merged ones keep every predecessor's events and evidence in the strictest state, the flows
follow, a second run changes nothing and a dry run writes nothing."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, AssignmentEvent, AssignmentEvidence, Directive, Urgency
from editorial.models import Bulletin
from editorial.services import targets_sync
from notifications.models import Notification
from org.loaders import specs_current
from org.models import Membership, Structure, StructureInForce, Unit, UnitKind, UnitSuccession
from org.services import units_sync
from org.targets import target_spec_clean
from reporting.models import PeriodKind, ReportingPeriod, UnitReport
from reporting.selectors import previous_period, previous_totals, previous_values, totals
from reporting.services import indicators_snapshot
from tests.workflows.directive.helpers import acknowledge, approve, issue
from workflows.directive.flow import UnitAssignmentFlow
from workflows.reorganisation import reorganise

# Phúc Xá and Phúc Tân → Hồng Hà (both whole); Trúc Bạch → Ba Đình alone; Vĩnh Phúc (whole) and Cống Vị
# (divided between Giảng Võ and Ngọc Hà, default Ngọc Hà) → Ngọc Hà
CODES = ("00001", "00037", "00004", "00006", "00007")
ACKNOWLEDGED = ("00001", "00004", "00006", "00007")


def old(code: str) -> Unit:
    return Unit.objects.get(structure=Structure.Y2025, code=code)


def new(name: str) -> Unit:
    return Unit.objects.get(structure=Structure.CURRENT, name=name)


def officer(unit: Unit):
    membership = Membership.objects.filter(unit=unit).select_related("user").first()
    return membership.user if membership else None


@pytest.fixture
def open_work(demo, user, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [old(c) for c in CODES])
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    for code in ACKNOWLEDGED:
        a = Assignment.objects.get(directive=directive, unit=old(code))
        with django_capture_on_commit_callbacks(execute=True):
            acknowledge(a, officer(a.unit))
    for code in ("00001", "00037"):
        a = Assignment.objects.get(directive=directive, unit=old(code))
        AssignmentEvidence.objects.create(assignment=a, file=ContentFile(b"anh", name=f"{code}.jpg"),
                                          name=f"anh-{code}.jpg", uploaded_by=officer(a.unit))
    units_sync(specs_current())
    return directive


def _open_on_2025_communes():
    return Assignment.objects.exclude(status__in=Assignment.CLOSED).filter(
        unit__structure=Structure.Y2025, unit__kind=UnitKind.COMMUNE)


def test_open_work_moves_to_successors(open_work, django_capture_on_commit_callbacks):
    directive = open_work
    before = {c: Assignment.objects.get(directive=directive, unit=old(c)) for c in CODES}
    events_before = {c: set(a.events.values_list("pk", flat=True)) for c, a in before.items()}
    open_before = _open_on_2025_communes().count()
    with django_capture_on_commit_callbacks(execute=True):
        result = reorganise(source=Structure.Y2025, target=Structure.CURRENT)

    assert not _open_on_2025_communes().exists()
    assert result.assignments.predecessor_count == open_before  # counts reconcile
    assert (result.plan.predecessor_count, result.plan.successor_count) == (526, 126)
    mine = Assignment.objects.filter(directive=directive).exclude(status__in=Assignment.CLOSED)
    assert {a.unit.name: a.status for a in mine} == {
        "Phường Hồng Hà": "pending",  # Phúc Tân had not received it: the strictest state
        "Phường Ba Đình": "received",
        "Phường Ngọc Hà": "received",  # both Vĩnh Phúc and Cống Vị (divided: its default successor) had
    }
    assert all(a.parent_id is None and a.unit.structure == Structure.CURRENT for a in mine)

    hong_ha = mine.get(unit=new("Phường Hồng Hà"))
    assert set(hong_ha.events.values_list("pk", flat=True)) >= events_before["00001"] | events_before["00037"]
    assert set(hong_ha.evidence.values_list("name", flat=True)) == {"anh-00001.jpg", "anh-00037.jpg"}
    merged = Assignment.objects.filter(directive=directive, unit__structure=Structure.Y2025)
    assert merged.count() == 2 and all(a.status == "cancelled" for a in merged)
    assert all(a.events.filter(kind=AssignmentEvent.Kind.MERGED).count() == 1 for a in merged)
    # nothing deleted: every event and file that existed is reachable from a successor's assignment
    all_before = set().union(*events_before.values())
    assert all_before <= set(AssignmentEvent.objects.filter(assignment__in=mine).values_list("pk", flat=True))
    assert AssignmentEvidence.objects.count() == 2

    # the flows follow: one open task per kept assignment, in the successor's queue; merged flows end
    for a in mine:
        tasks = Task.objects.filter(process__artifact_object_id=a.pk, flow_task_type="HUMAN").exclude(
            status__in=[STATUS.DONE, STATUS.CANCELED])
        assert [(t.flow_task, t.owner_permission_obj_pk) for t in tasks] == [
            (UnitAssignmentFlow.acknowledge if a.status == "pending" else UnitAssignmentFlow.report, str(a.unit.pk))]
    for a in merged:
        assert not Task.objects.filter(process__artifact_object_id=a.pk, flow_task_type="HUMAN").exclude(
            status__in=[STATUS.DONE, STATUS.CANCELED]).exists()

    # officers follow their unit; the district's end, with a note in the history; each told once
    assert not Membership.objects.filter(unit__structure=Structure.Y2025).exists()  # nobody left on 2025 units
    moved = {(u.username, o.code, n.name) for u, o, n in result.memberships.moved}
    assert len(moved) == len(result.memberships.moved) > 0
    assert {code for _u, code, _n in moved} >= {"00001", "00037"}
    hong_ha_people = set(Membership.objects.filter(unit=new("Phường Hồng Hà")).values_list("user__username", flat=True))
    assert {u for u, code, _n in moved if code in ("00001", "00037")} <= hong_ha_people
    assert all(new("Phường Hồng Hà").group in Membership.objects.get(user__username=u, unit__name="Phường Hồng Hà")
               .user.groups.all() for u in hong_ha_people)
    ended = Membership.history.filter(history_type="-", unit__kind=UnitKind.DISTRICT)
    assert ended.count() == len(result.memberships.ended) > 0
    assert all("phân công kết thúc" in h.history_change_reason for h in ended)
    people = {u.pk for u, *_rest in result.memberships.moved + result.memberships.ended}
    notes = Notification.objects.filter(title="Sắp xếp đơn vị hành chính")
    assert result.people_notified == notes.count() == len(people)
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(people)

    links = UnitSuccession.objects.count()
    state = sorted(Assignment.objects.values_list("pk", "unit_id", "status"))
    events = AssignmentEvent.objects.count()
    again = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert (again.plan.links_created, len(again.assignments.moves), again.tasks_moved) == (0, 0, 0)
    assert sorted(Assignment.objects.values_list("pk", "unit_id", "status")) == state
    assert (UnitSuccession.objects.count(), AssignmentEvent.objects.count()) == (links, events)
    assert (again.memberships.moved, again.memberships.ended, again.people_notified) == ([], [], 0)
    assert notes.count() == len(people)


def test_dry_run_writes_nothing_and_prints_the_plan(open_work, capsys):
    state = sorted(Assignment.objects.values_list("pk", "unit_id", "status"))
    events = AssignmentEvent.objects.count()
    in_force = list(StructureInForce.objects.values_list("structure", "in_force_since"))
    call_command("reorganise", "--from", "2025", "--to", "current", "--dry-run")
    out = capsys.readouterr().out
    assert "00007 Phường Cống Vị * → " in out and "Phường Ngọc Hà" in out
    assert "Sẽ thực hiện: 526 đơn vị cũ → 126 đơn vị mới (199 bị chia)" in out
    assert "3 nhiệm vụ chuyển (2 hợp nhất, 0 xung đột)" in out
    merge = next(line for line in out.splitlines() if "→ Phường Hồng Hà (" in line)
    assert "Phường Phúc Xá" in merge and "Phường Phúc Tân" in merge
    assert merge.endswith("(hợp nhất, trạng thái: Chờ tiếp nhận)")
    assert "cơ cấu đang áp dụng: Cơ cấu hiện hành (2 cấp, từ 1/7/2025) từ 01/07/2025." in out
    assert sorted(Assignment.objects.values_list("pk", "unit_id", "status")) == state
    assert AssignmentEvent.objects.count() == events and not UnitSuccession.objects.exists()
    assert not Membership.objects.filter(unit__structure=Structure.CURRENT, unit__kind=UnitKind.COMMUNE).exists()
    assert not Notification.objects.filter(title="Sắp xếp đơn vị hành chính").exists()
    assert list(StructureInForce.objects.values_list("structure", "in_force_since")) == in_force


def test_the_command_runs_and_puts_the_current_structure_in_force(open_work, capsys):
    call_command("reorganise", "--from", "2025", "--to", "current", "--on", "2025-07-01")
    assert "Đã thực hiện" in capsys.readouterr().out
    assert StructureInForce.objects.get().structure == Structure.CURRENT
    assert not _open_on_2025_communes().exists()



# --- the rest of the open work: a district's directive, bulletins not yet out, reporting periods ------------------

def _district(name: str) -> Unit:
    return Unit.objects.get(structure=Structure.Y2025, kind=UnitKind.DISTRICT, name=name)


def _successors_of_communes(district: Unit) -> set[int]:
    return set(UnitSuccession.objects.filter(predecessor__parent=district).values_list("successor_id", flat=True))


def _bulletin(user, spec: dict, status: str) -> Bulletin:
    bulletin = Bulletin.objects.create(title=f"Bản tin {status}", body="<p>Nội dung</p>", created_by=user,
                                       drafting_unit=Unit.objects.get(code="SVHTT-TTBCXB"), status=status,
                                       target_spec=target_spec_clean(spec))
    targets_sync(bulletin)
    return bulletin


def _period(user, *, kind: str, year: int, status: str, reports: dict[str, tuple[str, str, dict]]):
    """A period on the 2025 structure with its directive and, per commune code, (assignment status, report
    status, values): set up as the data stands, the flows are not what this tests."""
    cutoff, due = ((date(year, 5, 30), date(year, 6, 6)) if kind == PeriodKind.HALF_YEAR
                   else (date(year, 11, 30), date(year, 12, 6)))
    directive = Directive.objects.create(
        title=f"Báo cáo {kind} {year}", issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), created_by=user,
        urgency=Urgency.objects.first(), deadline=timezone.make_aware(datetime.combine(due, time(23, 59))),
        target_spec={"sets": ["all_communes"], "structure": "2025"}, relay_through_districts=True,
        status=Directive.Status.CLOSED if status == ReportingPeriod.Status.CLOSED else Directive.Status.IN_PROGRESS)
    period = ReportingPeriod.objects.create(kind=kind, year=year, structure=Structure.Y2025, cutoff_date=cutoff,
                                            due_date=due, status=status, directive=directive,
                                            indicators=indicators_snapshot())
    for code, (a_status, r_status, values) in reports.items():
        a = Assignment.objects.create(directive=directive, unit=old(code), status=a_status, deadline=directive.deadline)
        UnitReport.objects.create(period=period, unit=a.unit, assignment=a, status=r_status, values=values)
    return period


@pytest.fixture
def more_work(demo, user, django_capture_on_commit_callbacks):
    """On the 2025 demo: a directive to the district of Ba Đình, which it has not passed on; bulletins
    scheduled, in draft and published; H1 2025 accepted for three communes and the annual 2025 report open."""
    with django_capture_on_commit_callbacks(execute=True):
        to_district = issue(user("phongtt"), [_district("Quận Ba Đình")], title="Kiểm tra cụm loa")
    with django_capture_on_commit_callbacks(execute=True):
        approve(to_district, user("giamdoc"))
    drafter = user("phongtt")
    bulletins = {
        "scheduled": _bulletin(drafter, {"sets": ["all_communes"], "structure": "2025"}, Bulletin.Status.SCHEDULED),
        "draft": _bulletin(drafter, {"units": [old("00001").pk], "district_communes": [_district("Quận Đống Đa").pk],
                                     "structure": "2025"}, Bulletin.Status.DRAFT),
        "published": _bulletin(drafter, {"sets": ["all_communes"], "structure": "2025"}, Bulletin.Status.PUBLISHED),
    }
    accepted = Assignment.Status.ACCEPTED, UnitReport.Status.ACCEPTED
    h1 = _period(drafter, kind=PeriodKind.HALF_YEAR, year=2025, status=ReportingPeriod.Status.CLOSED, reports={
        "00001": (*accepted, {"clusters_total": 10, "zalo_followers": 100, "web_page": True}),
        "00037": (*accepted, {"clusters_total": 7, "zalo_followers": 50, "web_page": False}),
        "00004": (*accepted, {"clusters_total": 4, "zalo_followers": 1, "web_page": True})})
    annual = _period(drafter, kind=PeriodKind.ANNUAL, year=2025, status=ReportingPeriod.Status.OPEN, reports={
        "00001": (Assignment.Status.REPORTED, UnitReport.Status.SUBMITTED, {"clusters_total": 12})})
    units_sync(specs_current())
    return {"district_directive": to_district, "bulletins": bulletins, "h1": h1, "annual": annual}


def test_a_district_directive_goes_to_the_successors_of_its_communes(more_work):
    directive = more_work["district_directive"]
    ba_dinh = _district("Quận Ba Đình")
    reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    successors = _successors_of_communes(ba_dinh)
    assert len(successors) >= 3
    district = Assignment.objects.get(directive=directive, unit=ba_dinh)
    assert district.status == "cancelled" and "Quận Ba Đình không còn" in district.cancel_reason
    assert district.events.filter(kind=AssignmentEvent.Kind.CANCELLED).count() == 1
    given = Assignment.objects.filter(directive=directive).exclude(status__in=Assignment.CLOSED)
    assert set(given.values_list("unit_id", flat=True)) == successors
    assert all(a.events.filter(kind=AssignmentEvent.Kind.MOVED, comment__contains="Quận Ba Đình").exists()
               for a in given)
    for a in given:  # each in its own queue, and the district's flow ended
        tasks = Task.objects.filter(process__artifact_object_id=a.pk, flow_task_type="HUMAN").exclude(
            status__in=[STATUS.DONE, STATUS.CANCELED])
        assert [(t.flow_task, t.owner_permission_obj_pk) for t in tasks] == [
            (UnitAssignmentFlow.acknowledge, str(a.unit_id))]
    assert not Task.objects.filter(process__artifact_object_id=district.pk, flow_task_type="HUMAN").exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]).exists()
    assert not Assignment.objects.exclude(status__in=Assignment.CLOSED).filter(
        unit__structure=Structure.Y2025).exists()

    again = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert (again.districts.ended, again.districts.created, again.open_left) == ([], [], 0)
    assert Assignment.objects.filter(directive=directive).count() == len(successors) + 1


def test_bulletins_not_yet_out_are_addressed_to_the_new_units(more_work):
    b = more_work["bulletins"]
    reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    for bulletin in b.values():
        bulletin.refresh_from_db()
    scheduled = b["scheduled"]
    assert scheduled.status == Bulletin.Status.SCHEDULED  # the schedule and the approval stand
    assert scheduled.target_spec["structure"] == Structure.CURRENT
    assert set(scheduled.target_units.values_list("structure", "kind").distinct()) == {
        (Structure.CURRENT, UnitKind.COMMUNE)}
    assert scheduled.target_units.count() == 126
    draft = b["draft"]
    assert set(draft.target_units.values_list("pk", flat=True)) == (
        {new("Phường Hồng Hà").pk} | _successors_of_communes(_district("Quận Đống Đa")))
    assert all(x.events.filter(kind="retargeted").count() == 1 for x in (scheduled, draft))
    published = b["published"]  # what went out keeps the units it went to
    assert published.target_spec["structure"] == Structure.Y2025 and published.target_units.count() == 526
    assert not published.events.filter(kind="retargeted").exists()
    again = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert again.bulletins == [] and again.directives == []


def test_open_periods_move_and_previous_figures_are_the_predecessors_sums(more_work, client, user):
    h1, annual = more_work["h1"], more_work["annual"]
    result = reorganise(source=Structure.Y2025, target=Structure.CURRENT)
    assert result.periods.periods == [annual] and result.periods.conflicts == []
    annual.refresh_from_db()
    h1.refresh_from_db()
    assert (annual.structure, h1.structure) == (Structure.CURRENT, Structure.Y2025)  # a closed one is history
    report = UnitReport.objects.get(period=annual)
    assert (report.unit, report.status) == (new("Phường Hồng Hà"), UnitReport.Status.SUBMITTED)

    assert previous_period(annual) == h1
    # Hồng Hà = Phúc Xá + Phúc Tân; a yes/no of two communes has no single value
    period, values = previous_values(annual, new("Phường Hồng Hà"))
    assert period == h1 and (values["clusters_total"], values["zalo_followers"]) == (17, 150)
    assert "web_page" not in values and "station_technology" not in values
    ba_dinh = previous_values(annual, new("Phường Ba Đình"))[1]
    assert (ba_dinh["clusters_total"], ba_dinh["zalo_followers"]) == (4, 1)
    assert previous_values(annual, new("Xã Sóc Sơn"))[1] == {}
    # the city totals of both structures on one page: 3 reports of 2025 communes before, 526 → 126 units
    assert previous_totals(annual, h1, None) == totals(h1, None)
    assert previous_totals(annual, h1, Unit.objects.filter(pk=new("Phường Hồng Hà").pk))["count"] == 2
    client.force_login(user("giamdoc"))
    page = client.get(reverse("reporting:period_detail", args=[annual.pk])).content.decode()
    assert "cộng từ 3 báo cáo xã/phường" in page and "cơ cấu đơn vị trước sắp xếp" in page


def test_a_fan_out_in_progress_holds_the_reorganisation(more_work):
    Directive.objects.filter(pk=more_work["district_directive"].pk).update(status=Directive.Status.FANNING_OUT)
    with pytest.raises(ValidationError, match="đang được gửi"):
        reorganise(source=Structure.Y2025, target=Structure.CURRENT)


# --- the admin page -----------------------------------------------------------------------------------------------

def test_admin_page_previews_then_confirms_once(open_work, client, user):
    url = reverse("reorganise")
    client.force_login(user("admin"))
    assert "Sắp xếp đơn vị hành chính" in client.get(reverse("admin:org_structureinforce_changelist")).content.decode()
    assert client.get(url).status_code == 200
    state = sorted(Assignment.objects.values_list("pk", "unit_id", "status"))
    form = {"source": "2025", "target": "current", "on": "01/07/2025"}
    page = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "Sẽ thực hiện: 526 đơn vị cũ → 126 đơn vị mới" in page and 'id="reorganise-work"' in page
    assert "Phường Hồng Hà" in page and "hợp nhất, trạng thái: Chờ tiếp nhận" in page
    assert sorted(Assignment.objects.values_list("pk", "unit_id", "status")) == state  # nothing written

    response = client.post(url, {**form, "action": "confirm"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:org_structureinforce_changelist")
    assert "Đã thực hiện" in response.content.decode()
    assert StructureInForce.objects.get().structure == Structure.CURRENT
    assert not _open_on_2025_communes().exists()
    moved = AssignmentEvent.objects.filter(kind=AssignmentEvent.Kind.MOVED)
    assert moved.exists() and set(moved.values_list("actor__username", flat=True)) == {"admin"}  # who did it
    state, events = sorted(Assignment.objects.values_list("pk", "unit_id", "status")), AssignmentEvent.objects.count()
    client.post(url, {**form, "action": "confirm"})  # a double click
    assert sorted(Assignment.objects.values_list("pk", "unit_id", "status")) == state
    assert AssignmentEvent.objects.count() == events


def test_admin_page_is_refused_to_everyone_else(demo, client, user):
    url = reverse("reorganise")
    assert client.get(url).status_code == 302  # to the login
    for person in (officer(old("00001")), user("phongtt"), user("giamdoc")):  # a commune, a division, the Director
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"source": "2025", "target": "current", "action": "confirm"}).status_code == 403
    assert StructureInForce.objects.get().structure == Structure.Y2025


def test_admin_page_says_why_in_vietnamese(demo, client, user):
    client.force_login(user("admin"))
    page = client.post(reverse("reorganise"), {"source": "2025", "target": "2025", "action": "preview"})
    assert "Hãy chọn hai cơ cấu khác nhau." in page.content.decode()


def test_a_directive_to_all_526_communes_half_acknowledged_reconciles(demo, user, django_capture_on_commit_callbacks):
    """The Done-when's scale: every open assignment ends on one of the 126 successors, the predecessors counted
    once each; a successor is "received" only if every predecessor had received it."""
    with django_capture_on_commit_callbacks(execute=True):
        directive = issue(user("phongtt"), [], sets=["all_communes"], structure="2025")
    with django_capture_on_commit_callbacks(execute=True):
        approve(directive, user("giamdoc"))
    communes = list(Assignment.objects.filter(directive=directive).select_related("unit").order_by("unit__path"))
    assert len(communes) == 526
    for a in communes[::2]:
        with django_capture_on_commit_callbacks(execute=True):
            acknowledge(a, officer(a.unit))
    received = {a.unit_id for a in communes[::2]}
    units_sync(specs_current())
    result = reorganise(source=Structure.Y2025, target=Structure.CURRENT)

    assert result.assignments.predecessor_count == 526 and result.open_left == 0
    mine = Assignment.objects.filter(directive=directive).exclude(status__in=Assignment.CLOSED)
    assert mine.count() == 126 and set(mine.values_list("unit__structure", flat=True)) == {Structure.CURRENT}
    default = dict(UnitSuccession.objects.filter(is_default=True).values_list("predecessor_id", "successor_id"))
    expected = {}
    for a in communes:
        expected.setdefault(default[a.unit_id], []).append(a.unit_id in received)
    assert {a.unit_id: a.status == "received" for a in mine if a.unit != new("Phường Yên Sở")} == {
        s: all(r) for s, r in expected.items()}
    merged = Assignment.objects.filter(directive=directive, status="cancelled")
    # 125 successors keep one predecessor's; Yên Sở, made of parts of five divided communes and nobody's
    # default successor, gets one of its own: the directive went to all communes
    yen_so = new("Phường Yên Sở")
    assert [a.unit for a in result.topped_up] == [yen_so]
    assert {a.pk for a in mine} - {a.pk for a in communes} == {result.topped_up[0].pk}
    assert merged.count() == 526 - 125
    assert Task.objects.filter(process__artifact_object_id__in=[a.pk for a in mine], flow_task_type="HUMAN").exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]).count() == 126
