"""A reorganisation in one transaction: org links predecessors to successors and puts the new structure in
force; coordination moves the open assignments (merging those of one directive); the units' open flow tasks
follow their assignment to the successor's queue, and the flows of merged assignments end; officers'
memberships move to the successor (district officers' end), each person told once. A dry run does
all of it and rolls it back, so its plan is exactly what a real run would do."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment
from coordination.selectors import reviewer_unit
from coordination.services.reorganisation import AssignmentsMoveResult, assignments_move_to_successors
from notifications.models import Kind
from notifications.services import notify
from org import selectors as org_selectors
from org import services as org
from org.models import User

from . import engine
from .directive.flow import UnitAssignmentFlow


@dataclass
class Reorganisation:
    plan: org.ReorganisationPlan
    assignments: AssignmentsMoveResult
    tasks_moved: int
    open_without_successor: int  # open assignments of units with no successor (districts): left as they are
    memberships: org.MembershipsMoveResult
    people_notified: int


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
        sent += len(notify(user_ids, kind=Kind.QUEUE_TASK, title=_("Sắp xếp đơn vị hành chính"), body=body,
                           dedupe_key=key))
    return sent


def reorganise(*, source: str, target: str, on: date | None = None, dry_run: bool = False,
               actor: User | None = None) -> Reorganisation:
    """Reorganise `source` into `target` (see the module's docstring). Idempotent: a second run changes nothing."""
    with transaction.atomic():
        plan = org.reorganise(source=source, target=target, on=on)
        plan.dry_run = dry_run
        successor_of = plan.default_successor()
        moves = assignments_move_to_successors(successor_of=successor_of, actor=actor)
        tasks_moved = _tasks_follow(moves.moved)
        engine.processes_cancel(UnitAssignmentFlow, moves.merged)
        memberships = org.memberships_move_to_successors(successor_of=successor_of,
                                                         ended_units=plan.without_successor, on=plan.on)
        notified = _people_notify(memberships, f"reorganise:{source}:{target}")
        left = (Assignment.objects.exclude(status__in=Assignment.CLOSED)
                .filter(unit__in=plan.without_successor).count())
        if dry_run:
            transaction.set_rollback(True)
    org_selectors.structure_cache_clear()
    return Reorganisation(plan=plan, assignments=moves, tasks_moved=tasks_moved, open_without_successor=left,
                          memberships=memberships, people_notified=notified)
