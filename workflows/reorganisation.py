"""A reorganisation in one transaction: org links predecessors to successors and puts the new structure in
force; coordination moves the open assignments (merging those of one directive) and ends the districts' (one a
district had not passed on goes to the successors of its communes); the units' open flow tasks follow their
assignment to the successor's queue, and the flows of merged or ended assignments end; bulletins not yet out,
open directives and open reporting periods are addressed to the new structure; officers' memberships move to the
successor (district officers' end), each person told once. A dry run does all of it and rolls it back, so its
plan is exactly what a real run would do."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, Directive
from coordination.selectors import reviewer_unit
from coordination.services.reorganisation import (
    AssignmentsMoveResult,
    DistrictsEnd,
    assignments_move_to_successors,
    directives_retarget,
    directives_top_up,
    district_assignments_end,
)
from editorial.models import Bulletin
from editorial.services import bulletins_retarget
from notifications.models import Kind
from notifications.services import notify
from org import selectors as org_selectors
from org import services as org
from org.models import Structure, User
from org.targets import target_spec_succeed
from reporting.services import PeriodsRetarget, periods_retarget

from . import engine
from .directive.flow import UnitAssignmentFlow
from .directive.services import unit_processes_start


@dataclass
class Reorganisation:
    plan: org.ReorganisationPlan
    assignments: AssignmentsMoveResult
    tasks_moved: int
    districts: DistrictsEnd
    topped_up: list[Assignment]  # new units that a directive out to a whole set now reaches
    bulletins: list[Bulletin]
    directives: list[Directive]
    periods: PeriodsRetarget
    memberships: org.MembershipsMoveResult
    people_notified: int
    open_left: int  # open assignments still on a unit of the structure left: 0 after a run


def _tasks_follow(assignments: list[Assignment]) -> int:
    """Point the open tasks of the moved assignments' flows at their new unit (the unit queue's object)."""
    moved = 0
    by_pk = {a.pk: a for a in assignments}
    for process in engine.processes_of(UnitAssignmentFlow, assignments):
        assignment = by_pk[int(process.artifact_object_id)]
        for task in Task.objects.filter(process=process).exclude(status__in=[STATUS.DONE, STATUS.CANCELED]):
            unit = reviewer_unit(assignment) if task.flow_task == UnitAssignmentFlow.review else assignment.unit
            if task.owner_permission_obj_pk != str(unit.pk):
                task.owner_permission_obj_pk = str(unit.pk)
                task.save(update_fields=["owner_permission_obj_pk"])
                moved += 1
    return moved


def _people_notify(moves: org.MembershipsMoveResult, key: str) -> int:
    """Tell each person once where they now belong (or that their district membership ended)."""
    new_units: dict[int, set[str]] = defaultdict(set)
    ended: dict[int, set[str]] = defaultdict(set)
    for user, _old, new in moves.moved:
        new_units[user.pk].add(new.name)
    for user, old in moves.ended:
        ended[user.pk].add(old.name)
    bodies: dict[str, list[int]] = defaultdict(list)
    for user_id in new_units.keys() | ended.keys():
        parts = []
        if new_units[user_id]:
            parts.append(_("Đơn vị mới của bạn: %(units)s.") % {"units": ", ".join(sorted(new_units[user_id]))})
        if ended[user_id]:
            parts.append(_("Phân công tại %(units)s đã kết thúc.") % {"units": ", ".join(sorted(ended[user_id]))})
        bodies[" ".join(parts)].append(user_id)
    sent = 0
    for body, user_ids in bodies.items():
        sent += len(notify(user_ids, kind=Kind.UNIT_CHANGED, title=_("Sắp xếp đơn vị hành chính"), body=body,
                           dedupe_key=key))
    return sent


def reorganise(*, source: str, target: str, on: date | None = None, dry_run: bool = False,
               actor: User | None = None) -> Reorganisation:
    """Reorganise `source` into `target` (see the module's docstring). Idempotent: a second run changes nothing.
    Refused while a directive is being sent out (its fan-out would still address the structure left)."""
    if Directive.objects.filter(status=Directive.Status.FANNING_OUT).exists():
        raise ValidationError(_("Có văn bản chỉ đạo đang được gửi tới đơn vị: hãy chờ gửi xong rồi chạy lại."))
    with transaction.atomic():
        plan = org.reorganise(source=source, target=target, on=on)
        plan.dry_run = dry_run
        successor_of = plan.default_successor()
        successors = plan.successor_sets()
        moves = assignments_move_to_successors(successor_of=successor_of, actor=actor)
        tasks_moved = _tasks_follow(moves.moved)
        districts = district_assignments_end(districts=plan.without_successor, successors=successors, actor=actor)
        engine.processes_cancel(UnitAssignmentFlow, moves.merged + districts.ended)
        if districts.created:
            unit_processes_start(districts.created)
        succeed = partial(target_spec_succeed, target=target, successors=successors)
        bulletins = bulletins_retarget(source=source, target=target, succeed=succeed, actor=actor)
        directives = directives_retarget(source=source, target=target, succeed=succeed, actor=actor)
        topped_up = directives_top_up(directives, actor=actor)
        if topped_up:
            unit_processes_start(topped_up)
        periods = periods_retarget(source=source, target=target)
        memberships = org.memberships_move_to_successors(successor_of=successor_of,
                                                         ended_units=plan.without_successor, on=plan.on)
        notified = _people_notify(memberships, f"reorganise:{source}:{target}")
        left = Assignment.objects.exclude(status__in=Assignment.CLOSED).filter(unit__structure=source).count()
        if dry_run:
            transaction.set_rollback(True)
    org_selectors.structure_cache_clear()
    return Reorganisation(plan=plan, assignments=moves, tasks_moved=tasks_moved, districts=districts,
                          topped_up=topped_up,
                          bulletins=bulletins, directives=directives, periods=periods, memberships=memberships,
                          people_notified=notified, open_left=left)


def summary(result: Reorganisation) -> str:
    """One paragraph: what the run did (or, dry, would do)."""
    plan, moves = result.plan, result.assignments
    return _(
        "%(prefix)s%(pred)d đơn vị cũ → %(succ)d đơn vị mới (%(divided)d bị chia); %(links)d liên kết mới; "
        "%(located)d đơn vị được cập nhật vị trí; %(moved)d nhiệm vụ chuyển (%(merged)d hợp nhất, "
        "%(conflicts)d xung đột); %(tasks)d việc trong hàng chờ chuyển; %(ended)d nhiệm vụ của quận/huyện "
        "kết thúc, %(created)d nhiệm vụ giao lại cho đơn vị kế thừa, %(topped)d giao bổ sung cho đơn vị mới; "
        "%(bulletins)d bản tin, %(directives)d văn "
        "bản chỉ đạo và %(periods)d kỳ báo cáo chuyển đơn vị nhận; %(members)d phân công chuyển, %(ended_m)d kết "
        "thúc, %(notified)d người được thông báo; %(left)d nhiệm vụ còn mở ở đơn vị cũ; cơ cấu đang áp dụng: "
        "%(target)s từ %(on)s.") % {
        "prefix": _("Sẽ thực hiện: ") if plan.dry_run else _("Đã thực hiện: "),
        "pred": plan.predecessor_count, "succ": plan.successor_count, "divided": plan.divided_count,
        "links": plan.links_created, "located": plan.units_located, "moved": len(moves.moves),
        "merged": len(moves.merged), "conflicts": len(moves.conflicts), "tasks": result.tasks_moved,
        "ended": len(result.districts.ended), "created": len(result.districts.created),
        "topped": len(result.topped_up),
        "bulletins": len(result.bulletins), "directives": len(result.directives),
        "periods": len(result.periods.periods), "members": len(result.memberships.moved),
        "ended_m": len(result.memberships.ended), "notified": result.people_notified, "left": result.open_left,
        "target": Structure(plan.target).label, "on": plan.on.strftime("%d/%m/%Y")}


def work_rows(result: Reorganisation) -> list[dict]:
    """The open work that moves, one row each (the dry run's table): what, from where, to where, and how."""
    rows = []
    for move in result.assignments.moves:
        rows.append({"what": move.kept.directive.title, "from": ", ".join(u.name for u in move.predecessor_units),
                     "to": move.successor.name,
                     "how": (_("hợp nhất, trạng thái: %(s)s") if move.merged else _("chuyển, trạng thái: %(s)s"))
                     % {"s": Assignment.Status(move.status).label}, "conflict": False})
    for move in result.assignments.conflicts:
        rows.append({"what": move.kept.directive.title, "from": ", ".join(u.name for u in move.predecessor_units),
                     "to": move.successor.name, "conflict": True,
                     "how": _("xung đột: đơn vị kế thừa đã kết thúc nhiệm vụ (%(s)s); hợp nhất vào đó") % {
                         "s": Assignment.Status(move.status).label}})
    for ended in result.districts.ended:
        rows.append({"what": ended.directive.title, "from": ended.unit.name, "to": "", "conflict": False,
                     "how": ended.cancel_reason})
    for added in result.topped_up:
        rows.append({"what": added.directive.title, "from": "", "to": added.unit.name, "conflict": False,
                     "how": _("giao bổ sung: đơn vị mới thuộc nhóm đơn vị nhận")})
    for bulletin in result.bulletins:
        rows.append({"what": bulletin.title, "from": _("bản tin"), "to": _("%(n)d đơn vị nhận") % {
            "n": bulletin.targets.count()}, "how": _("chuyển đơn vị nhận"), "conflict": False})
    for period in result.periods.conflicts:
        rows.append({"what": period.title, "from": Structure(period.structure).label,
                     "to": Structure(result.plan.target).label, "conflict": True,
                     "how": _("xung đột: cơ cấu mới đã có kỳ báo cáo này; giữ nguyên")})
    return rows
