"""Flow-level writes: each runs a domain service from `coordination` and moves the viewflow task on.

A task is executed either from its page (the view hands over `request.activation`, already started under
the process lock) or from code (`task_run`: lock, claim, start, then the same function)."""

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination import services as coordination
from coordination.models import Assignment, Directive
from coordination.selectors import fanout_progress_key
from org.audit import history_actor
from org.models import Unit, User
from org.targets import targets_resolve

logger = logging.getLogger(__name__)
_local = threading.local()


@contextlib.contextmanager
def task_notifications_suppressed():
    """Bulk paths (fan-out) notify units once themselves instead of once per created task."""
    previous = getattr(_local, "suppressed", False)
    _local.suppressed = True
    try:
        yield
    finally:
        _local.suppressed = previous


def task_notifications_are_suppressed() -> bool:
    return getattr(_local, "suppressed", False)


def after_commit(callback: Callable[[], None]) -> None:
    """Run after the outermost transaction commits (or now, outside one): a finishing child must not
    resume its parent inside its own transaction."""
    transaction.on_commit(callback)


def _fresh_task(flow_class, task_pk: int) -> Task:
    """Re-read a task under the lock, with its process as the flow's proxy (which knows its artifact)."""
    task = flow_class.task_class._default_manager.get(pk=task_pk)
    task.process = flow_class.process_class._default_manager.get(pk=task.process_id)
    return task


def task_run(task: Task, user: User, action: Callable, **kwargs):
    """Execute a human task from code: take the process lock, claim it for `user` when it is still in the
    queue, start it and run `action(activation, user, **kwargs)`."""
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic(), history_actor(user):
        task = _fresh_task(flow_class, task.pk)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            if not task.flow_task.can_assign(user, task):
                raise PermissionDenied(_("Bạn không được nhận việc này."))
            activation.assign(user)
        elif task.status != STATUS.ASSIGNED:
            raise coordination.AlreadyDone(_("Việc này đã được xử lý."))
        if task.owner_id != user.pk:
            raise PermissionDenied(_("Việc này đã được giao cho người khác."))
        activation.start(None)
        return action(activation, user, **kwargs)


def task_claim(task: Task, user: User) -> None:
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic():
        task = _fresh_task(flow_class, task.pk)
        if task.status != STATUS.NEW:
            raise coordination.AlreadyDone(_("Việc này đã có người nhận."))
        can_assign = getattr(task.flow_task, "can_assign", None)  # only human nodes can be claimed
        if can_assign is None or not can_assign(user, task):
            raise PermissionDenied(_("Bạn không được nhận việc này."))
        task.flow_task.activation_class(task).assign(user)


def open_task(process_artifact, flow_task) -> Task | None:
    from django.contrib.contenttypes.models import ContentType

    return Task.objects.filter(
        flow_task=flow_task, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        process__artifact_content_type=ContentType.objects.get_for_model(process_artifact),
        process__artifact_object_id=process_artifact.pk,
    ).first()


# --- directive ------------------------------------------------------------------------------------------------

def directive_start(*, user: User, **fields) -> Directive:
    from .flows import DirectiveFlow

    with transaction.atomic():
        directive = coordination.directive_create(user=user, **fields)
        DirectiveFlow.start.run(directive=directive)
    return directive


def directive_decide(activation, user: User, *, approve: bool, comment: str = "") -> Directive:
    directive = coordination.directive_decide(
        directive=activation.process.directive, user=user, approve=approve, comment=comment
    )
    activation.execute()
    if approve:
        directive_id = directive.pk
        after_commit(lambda: _enqueue_fan_out(directive_id))
    return directive


def _enqueue_fan_out(directive_id: int) -> None:
    from .tasks import fan_out_job

    fan_out_job(directive_id)


def directive_revise(activation, user: User, **fields) -> Directive:
    directive = coordination.directive_revise(directive=activation.process.directive, user=user, **fields)
    activation.execute()
    return directive


def directive_close(activation, user: User, *, summary: str) -> Directive:
    directive = coordination.directive_close(directive=activation.process.directive, user=user, summary=summary)
    activation.execute()
    return directive


def directive_fan_out(directive_id: int) -> int:
    """Create one assignment and one UnitAssignmentFlow per target unit, all in one transaction under the
    directive process's lock. A retry after success finds the fan-out task done and does nothing; a failure
    half-way rolls everything back. Returns how many assignments were created."""
    from .flows import DirectiveFlow

    directive = Directive.objects.get(pk=directive_id)
    task = open_task(directive, DirectiveFlow.fan_out)
    if task is None:
        return 0
    with DirectiveFlow.lock(task.process_id), transaction.atomic(), task_notifications_suppressed():
        task = Task.objects.get(pk=task.pk)
        if task.status != STATUS.NEW:
            return 0
        units = targets_resolve(directive.target_spec)
        Directive.objects.filter(pk=directive.pk).update(fanout_total=len(units))
        created = coordination.assignments_create_for_targets(directive, units, actor=directive.approved_by)
        assignment_processes_start(created, progress_key=fanout_progress_key(directive.pk))
        # Saved (not updated) so the directive's history records the step, in the approving leader's name.
        directive.status, directive.fanout_total, directive.fanout_done = (
            Directive.Status.IN_PROGRESS, len(units), len(created))
        directive._history_user = directive.approved_by
        directive.save(update_fields=["status", "fanout_total", "fanout_done"])
        DirectiveFlow.fan_out.run(task)
        after_commit(lambda: coordination.assignments_notify_received(directive, created))
        after_commit(lambda: directive_resume_if_done(directive.pk))
    return len(created)


def fan_outs_reconcile(now: datetime | None = None) -> list[int]:
    """Queue the fan-out again for every directive whose job vanished (the periodic reconciler). A duplicate
    of a job that is only slow finds the directive's lock taken (the job retries; a later reconcile queues it
    again if need be) or, once it gets the lock, the fan-out task done: it creates nothing.
    Returns the directives queued."""
    from . import selectors

    stalled = selectors.fan_outs_stalled(now)
    for directive_id in stalled:
        logger.warning("directive %s: its fan-out job vanished, queued again", directive_id)
        cache.delete(fanout_progress_key(directive_id))  # what the dead job had done was rolled back
        _enqueue_fan_out(directive_id)
    return stalled


BULK_CHUNK = 500


def assignment_processes_start(assignments: list[Assignment], *, progress_key: str | None = None) -> None:
    """Start one UnitAssignmentFlow per assignment by writing, in bulk, the rows StartHandle.run() writes
    (process, done start task, acknowledge task, their link). It sends no viewflow signals and no Task
    post_save: callers notify units themselves. tests/workflows/test_bulk_start.py compares these rows field
    by field with StartHandle.run()'s, so a change to the flow that makes them drift fails a test."""
    total = len(assignments)
    for offset in range(0, total, BULK_CHUNK):
        _bulk_start_chunk(assignments[offset:offset + BULK_CHUNK])
        if progress_key:
            cache.set(progress_key, {"done": min(offset + BULK_CHUNK, total), "total": total}, 3600)


def _bulk_start_chunk(assignments: list[Assignment]) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from viewflow.workflow.status import PROCESS
    from viewflow.workflow.token import Token

    from .flows import UnitAssignmentFlow
    from .models import AssignmentProcess

    now = timezone.now()
    assignment_ct = ContentType.objects.get_for_model(Assignment)
    unit_ct = ContentType.objects.get_for_model(Unit)
    processes = AssignmentProcess.objects.bulk_create([
        AssignmentProcess(flow_class=UnitAssignmentFlow, status=PROCESS.NEW, created=now, data={},
                          artifact_content_type=assignment_ct, artifact_object_id=a.pk)
        for a in assignments
    ])
    starts = Task.objects.bulk_create([
        Task(process=p, flow_task=UnitAssignmentFlow.start, flow_task_type="START", status=STATUS.DONE,
             created=now, started=now, finished=now, token=Token("start"), data={})
        for p in processes
    ])
    acknowledges = Task.objects.bulk_create([
        Task(process=p, flow_task=UnitAssignmentFlow.acknowledge, flow_task_type="HUMAN",
             status=STATUS.ASSIGNED if a.assignee_id else STATUS.NEW, owner_id=a.assignee_id, created=now,
             token=Token("start"), data={}, owner_permission="org.act_for_unit",
             owner_permission_content_type=unit_ct, owner_permission_obj_pk=str(a.unit_id))
        for p, a in zip(processes, assignments, strict=True)
    ])
    link = Task.previous.through
    link.objects.bulk_create([link(from_task_id=ack.pk, to_task_id=start.pk)
                              for ack, start in zip(acknowledges, starts, strict=True)])


def directive_resume_if_done(directive_id: int) -> bool:
    """Resume the directive's wait once every top-level assignment is closed. Re-checks under the
    directive's lock so two children finishing together resume it exactly once."""
    from .flows import DirectiveFlow

    directive = Directive.objects.get(pk=directive_id)
    task = open_task(directive, DirectiveFlow.wait_assignments)
    if task is None:
        return False
    with DirectiveFlow.lock(task.process_id), transaction.atomic():
        task = Task.objects.get(pk=task.pk)
        if task.status != STATUS.NEW:
            return False
        if directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED).exists():
            return False
        DirectiveFlow.wait_assignments.run(task)
        return True


# --- unit assignment --------------------------------------------------------------------------------------------

def assignment_acknowledge(activation, user: User, *, planned_air_at=None) -> Assignment:
    assignment = coordination.assignment_acknowledge(assignment=activation.process.assignment, user=user,
                                                     planned_air_at=planned_air_at)
    activation.execute()
    return assignment


def assignment_report(activation, user: User, **report) -> Assignment:
    assignment = coordination.assignment_report(assignment=activation.process.assignment, user=user, **report)
    activation.execute()
    return assignment


def assignment_review(activation, user: User, *, accept: bool, comment: str = "") -> Assignment:
    assignment = coordination.assignment_review(assignment=activation.process.assignment, user=user,
                                                accept=accept, comment=comment)
    activation.execute()
    if accept and assignment.parent_id is None:
        directive_id = assignment.directive_id
        after_commit(lambda: directive_resume_if_done(directive_id))
    return assignment


def assignment_relay(*, assignment: Assignment, user: User, units: list[Unit]) -> list[Assignment]:
    with transaction.atomic(), task_notifications_suppressed():
        children = coordination.assignment_relay(assignment=assignment, user=user, units=units)
        assignment_processes_start(children)
        after_commit(lambda: coordination.assignments_notify_received(assignment.directive, children))
    return children


def assignment_process_reopen(assignment: Assignment) -> None:
    """The unit's process ended with the acceptance: a new one starts at its report step."""
    from .flows import UnitAssignmentFlow

    UnitAssignmentFlow.reopen.run(assignment=assignment)


def assignment_name_officer(*, assignment: Assignment, user: User, officer: User) -> Assignment:
    """Name the officer; the unit's open task (receive or report) moves to their inbox."""
    from .flows import UnitAssignmentFlow

    with transaction.atomic():
        assignment = coordination.assignment_name_officer(assignment=assignment, user=user, officer=officer)
        task = open_task(assignment, UnitAssignmentFlow.acknowledge) or open_task(assignment, UnitAssignmentFlow.report)
        if task is not None and task.status in (STATUS.NEW, STATUS.ASSIGNED):
            with UnitAssignmentFlow.lock(task.process_id):
                task = _fresh_task(UnitAssignmentFlow, task.pk)
                activation = task.flow_task.activation_class(task)
                if task.status == STATUS.NEW:
                    activation.assign(officer)
                elif task.owner_id != officer.pk:
                    activation.reassign(officer)
    return assignment


def _cancel_processes(assignments: list[Assignment]) -> None:
    from django.contrib.contenttypes.models import ContentType

    from .flows import UnitAssignmentFlow
    from .models import AssignmentProcess

    processes = AssignmentProcess.objects.filter(
        artifact_content_type=ContentType.objects.get_for_model(Assignment),
        artifact_object_id__in=[a.pk for a in assignments], status=STATUS.NEW,
    )
    for process in processes:
        UnitAssignmentFlow.instance.cancel(process)


def assignment_cancel(*, assignment: Assignment, user: User, reason: str) -> list[Assignment]:
    with transaction.atomic():
        cancelled = coordination.assignment_cancel(assignment=assignment, user=user, reason=reason)
        _cancel_processes(cancelled)
        directive_id = assignment.directive_id
        after_commit(lambda: directive_resume_if_done(directive_id))
    return cancelled


def directive_cancel(*, directive: Directive, user: User, reason: str) -> list[Assignment]:
    from .flows import DirectiveFlow
    from .models import DirectiveProcess

    with transaction.atomic():
        cancelled = coordination.directive_cancel(directive=directive, user=user, reason=reason)
        _cancel_processes(cancelled)
        for process in DirectiveProcess.objects.filter(
            flow_class=DirectiveFlow, artifact_object_id=directive.pk, status=STATUS.NEW
        ):
            DirectiveFlow.instance.cancel(process)
    return cancelled
