"""DirectiveFlow and UnitAssignmentFlow driven from code: start a directive, fan it out to its units (the
huey job's body), resume it when every unit is done, relay to communes, reopen, name an officer, cancel.
Each runs coordination services and moves the flows on, in one transaction under the process lock."""

import logging
from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination import services as coordination
from coordination.models import Assignment, Directive
from coordination.selectors import fanout_progress_key
from org.models import Unit, User
from org.targets import targets_resolve

from .. import engine
from . import selectors
from .flow import DirectiveFlow, UnitAssignmentFlow

logger = logging.getLogger(__name__)

BULK_CHUNK = 500


def directive_start(*, user: User, **fields) -> Directive:
    """Create a directive and its DirectiveFlow, which waits for a leader's approval."""
    with transaction.atomic():
        directive = coordination.directive_create(user=user, **fields)
        DirectiveFlow.start.run(directive=directive)
    return directive


def fan_out(directive_id: int) -> int:
    """Create one assignment and one UnitAssignmentFlow per target unit, all in one transaction under the
    directive process's lock. A retry after success finds the fan-out task done and does nothing; a failure
    half-way rolls everything back. Returns how many assignments were created."""
    directive = Directive.objects.get(pk=directive_id)
    task = engine.open_task(directive, DirectiveFlow.fan_out)
    if task is None:
        return 0
    with DirectiveFlow.lock(task.process_id), transaction.atomic(), engine.task_notifications_suppressed():
        task = Task.objects.get(pk=task.pk)
        if task.status != STATUS.NEW:
            return 0
        units = targets_resolve(directive.target_spec)
        Directive.objects.filter(pk=directive.pk).update(fanout_total=len(units))
        created = coordination.assignments_create_for_targets(directive, units, actor=directive.approved_by)
        unit_processes_start(created, progress_key=fanout_progress_key(directive.pk))
        # Saved (not updated) so the directive's history records the step, in the approving leader's name.
        directive.status, directive.fanout_total, directive.fanout_done = (
            Directive.Status.IN_PROGRESS, len(units), len(created))
        directive._history_user = directive.approved_by
        directive.save(update_fields=["status", "fanout_total", "fanout_done"])
        DirectiveFlow.fan_out.run(task)
        engine.after_commit(lambda: coordination.assignments_notify_received(directive, created))
        engine.after_commit(lambda: directive_resume_if_done(directive.pk))
    return len(created)


def fan_outs_reconcile(now: datetime | None = None, *, enqueue) -> list[int]:
    """Queue the fan-out again (`enqueue(directive_id)`) for every directive whose job vanished (the periodic
    reconciler). A duplicate of a job that is only slow finds the directive's lock taken (the job retries; a
    later reconcile queues it again if need be) or, once it gets the lock, the fan-out task done: it creates
    nothing. Returns the directives queued."""
    stalled = selectors.fan_outs_stalled(now)
    for directive_id in stalled:
        logger.warning("directive %s: its fan-out job vanished, queued again", directive_id)
        cache.delete(fanout_progress_key(directive_id))  # what the dead job had done was rolled back
        enqueue(directive_id)
    return stalled


def unit_processes_start(assignments: list[Assignment], *, progress_key: str | None = None,
                         orm: bool = False) -> None:
    """Start one UnitAssignmentFlow per assignment in bulk (engine.processes_bulk_start; `orm=True` takes its
    bulk_create path on PostgreSQL too, for the tests), in chunks, saying how far it got under `progress_key`
    for the directive page's progress bar: the total at once, then the count after each chunk."""
    total = len(assignments)
    if progress_key:
        cache.set(progress_key, {"done": 0, "total": total}, 3600)
    for offset in range(0, total, BULK_CHUNK):
        _start_chunk(assignments[offset:offset + BULK_CHUNK], orm=orm)
        if progress_key:
            cache.set(progress_key, {"done": min(offset + BULK_CHUNK, total), "total": total}, 3600)


def _start_chunk(assignments: list[Assignment], *, orm: bool) -> None:
    engine.processes_bulk_start(
        UnitAssignmentFlow, assignments, first=UnitAssignmentFlow.acknowledge, owner_permission="org.act_for_unit",
        permission_object=lambda a: a.unit, owner_id=lambda a: a.assignee_id, orm=orm)


def directive_resume_if_done(directive_id: int) -> bool:
    """Resume the directive's wait once every top-level assignment is closed. Re-checked under the
    directive's lock so two children finishing together resume it exactly once."""
    directive = Directive.objects.get(pk=directive_id)
    open_units = directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED)
    return engine.waiting_task_run(DirectiveFlow, DirectiveFlow.wait_assignments, directive,
                                   ready=lambda: not open_units.exists())


def relay(*, assignment: Assignment, user: User, units: list[Unit]) -> list[Assignment]:
    """A district hands its assignment on to communes: a child assignment and flow for each."""
    with transaction.atomic(), engine.task_notifications_suppressed():
        children = coordination.assignment_relay(assignment=assignment, user=user, units=units)
        unit_processes_start(children)
        engine.after_commit(lambda: coordination.assignments_notify_received(assignment.directive, children))
    return children


def unit_process_reopen(assignment: Assignment) -> None:
    """The unit's process ended with the acceptance: a new one starts at its report step."""
    UnitAssignmentFlow.reopen.run(assignment=assignment)


def officer_name(*, assignment: Assignment, user: User, officer: User) -> Assignment:
    """Name the officer; the unit's open task (receive or report) moves to their inbox."""
    with transaction.atomic():
        assignment = coordination.assignment_name_officer(assignment=assignment, user=user, officer=officer)
        task = (engine.open_task(assignment, UnitAssignmentFlow.acknowledge)
                or engine.open_task(assignment, UnitAssignmentFlow.report))
        if task is not None and task.status in (STATUS.NEW, STATUS.ASSIGNED):
            engine.task_assign_to(UnitAssignmentFlow, task, officer)
    return assignment


def assignment_withdraw(*, assignment: Assignment, user: User, reason: str) -> list[Assignment]:
    """Cancel a unit's assignment (and its communes'), end their flows; the directive may then be done."""
    with transaction.atomic():
        cancelled = coordination.assignment_cancel(assignment=assignment, user=user, reason=reason)
        engine.processes_cancel(UnitAssignmentFlow, cancelled)
        directive_id = assignment.directive_id
        engine.after_commit(lambda: directive_resume_if_done(directive_id))
    return cancelled


def directive_withdraw(*, directive: Directive, user: User, reason: str) -> list[Assignment]:
    """Cancel a directive: every open assignment and every flow of it ends."""
    with transaction.atomic():
        cancelled = coordination.directive_cancel(directive=directive, user=user, reason=reason)
        engine.processes_cancel(UnitAssignmentFlow, cancelled)
        engine.processes_cancel(DirectiveFlow, [directive])
    return cancelled
