"""The 2025 reorganisation with open work, on the 2025 demo and the real succession data: every open assignment
ends on a successor, merged ones keep every predecessor's events and evidence in the strictest state, the flows
follow, a second run changes nothing and a dry run writes nothing."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, AssignmentEvent, AssignmentEvidence
from notifications.models import Notification
from org.loaders import specs_current
from org.models import Membership, Structure, StructureInForce, Unit, UnitKind, UnitSuccession
from org.services import units_sync
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
    merge = next(line for line in out.splitlines() if line.strip().startswith("Hợp nhất") and "Phúc Xá" in line)
    assert "Phường Phúc Tân" in merge and merge.endswith("→ Phường Hồng Hà, trạng thái pending")
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
