"""A reorganisation in one transaction: org links predecessors to successors and puts the new structure in
force; coordination moves the open assignments (merging those of one directive); the units' open flow tasks
follow their assignment to the successor's queue, and the flows of merged assignments end. A dry run does
all of it and rolls it back, so its plan is exactly what a real run would do."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment
from coordination.selectors import reviewer_unit
from coordination.services.reorganisation import AssignmentsMoveResult, assignments_move_to_successors
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
        left = (Assignment.objects.exclude(status__in=Assignment.CLOSED)
                .filter(unit__in=plan.without_successor).count())
        if dry_run:
            transaction.set_rollback(True)
    org_selectors.structure_cache_clear()
    return Reorganisation(plan=plan, assignments=moves, tasks_moved=tasks_moved, open_without_successor=left)
