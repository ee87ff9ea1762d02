"""What every flow shares: running and claiming a human task from code, finding a process's open task, the
after-commit resume, starting many processes in bulk, and the two node types (DynamicSplit, HumanTask).

A task is executed either from its page (viewflow hands the view `request.activation`, already started under
the process lock) or from code (`task_run`: lock, claim, start, then the same step function). Flow packages
(workflows/bulletin/, workflows/directive/, workflows/reporting/) import this module; it imports none of them."""

import contextlib
import threading
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow import Split
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes.split import SplitActivation
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from common.errors import AlreadyDone
from org import services as org_services
from org.audit import history_actor
from org.models import User

_local = threading.local()


# --- side effects after commit ----------------------------------------------------------------------------------

@contextlib.contextmanager
def task_notifications_suppressed():
    """Bulk paths (fan-out, relay) notify units once themselves instead of once per created task."""
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


# --- running and claiming tasks ---------------------------------------------------------------------------------

def fresh_task(flow_class, task_pk: int) -> Task:
    """Re-read a task under the lock, with its process as the flow's proxy (which knows its artifact)."""
    task = flow_class.task_class._default_manager.get(pk=task_pk)
    task.process = flow_class.process_class._default_manager.get(pk=task.process_id)
    return task


def task_run(task: Task, user: User, step: Callable, **kwargs):
    """Execute a human task from code: take the process lock, claim it for `user` when it is still in the
    queue, start it and run `step(activation, user, **kwargs)`."""
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic(), history_actor(user):
        task = fresh_task(flow_class, task.pk)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            if not task.flow_task.can_assign(user, task):
                raise PermissionDenied(_("Bạn không được nhận việc này."))
            activation.assign(user)
        elif task.status != STATUS.ASSIGNED:
            raise AlreadyDone(_("Việc này đã được xử lý."))
        if task.owner_id != user.pk:
            raise PermissionDenied(_("Việc này đã được giao cho người khác."))
        activation.start(None)
        return step(activation, user, **kwargs)


def machine_task_run(task: Task, step: Callable, **kwargs):
    """Execute a human task for a machine (org.services.machine_user): the play logs of a unit's clusters
    covered its broadcast. The task leaves whoever's inbox held it; only trusted code calls this, never a view."""
    machine = org_services.machine_user()
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic(), history_actor(machine):
        task = fresh_task(flow_class, task.pk)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(machine)
        elif task.status == STATUS.ASSIGNED:
            if task.owner_id != machine.pk:
                activation.reassign(machine)
        else:
            raise AlreadyDone(_("Việc này đã được xử lý."))
        activation.start(None)
        return step(activation, machine, **kwargs)


def task_claim(task: Task, user: User) -> None:
    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id), transaction.atomic():
        task = fresh_task(flow_class, task.pk)
        if task.status != STATUS.NEW:
            raise AlreadyDone(_("Việc này đã có người nhận."))
        can_assign = getattr(task.flow_task, "can_assign", None)  # only human nodes can be claimed
        if can_assign is None or not can_assign(user, task):
            raise PermissionDenied(_("Bạn không được nhận việc này."))
        task.flow_task.activation_class(task).assign(user)


def task_assign_to(flow_class, task: Task, person: User) -> None:
    """Put an open human task in `person`'s inbox: assign it from the queue, or reassign it from its owner."""
    with flow_class.lock(task.process_id):
        task = fresh_task(flow_class, task.pk)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(person)
        elif task.status == STATUS.ASSIGNED and task.owner_id != person.pk:
            activation.reassign(person)


def open_task(artifact: models.Model, flow_task) -> Task | None:
    """The artifact's task at node `flow_task` that is still waiting (new, assigned or started), if any."""
    return Task.objects.filter(
        flow_task=flow_task, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        process__artifact_content_type=ContentType.objects.get_for_model(artifact),
        process__artifact_object_id=artifact.pk,
    ).first()


def waiting_task_run(flow_class, flow_task, artifact: models.Model,
                     ready: Callable[[], bool] = lambda: True) -> bool:
    """Move on a Handle node that waits for `artifact` (every unit is done, the publication time came…)
    once `ready()`, exactly once: both are checked under the process lock, so two callers at the same time
    run it once. False if the node is not waiting or not ready."""
    task = open_task(artifact, flow_task)
    if task is None:
        return False
    with flow_class.lock(task.process_id), transaction.atomic():
        task = Task.objects.get(pk=task.pk)
        if task.status != STATUS.NEW or not ready():
            return False
        flow_task.run(task)
        return True


def processes_of(flow_class, artifacts: Iterable[models.Model], *, running: bool = True):
    """The flow's processes for these artifacts (one model), running ones only unless `running=False`."""
    artifacts = list(artifacts)
    if not artifacts:
        return flow_class.process_class._default_manager.none()
    processes = flow_class.process_class._default_manager.filter(
        flow_class=flow_class, artifact_content_type=ContentType.objects.get_for_model(artifacts[0]),
        artifact_object_id__in=[a.pk for a in artifacts])
    return processes.filter(status=PROCESS.NEW) if running else processes


def processes_cancel(flow_class, artifacts: Iterable[models.Model]) -> None:
    for process in processes_of(flow_class, artifacts):
        flow_class.instance.cancel(process)


# --- starting many processes at once ----------------------------------------------------------------------------

def processes_bulk_start(flow_class, artifacts: list[models.Model], *, first, owner_permission: str,
                         permission_object: Callable[[models.Model], models.Model],
                         owner_id: Callable[[models.Model], int | None]) -> None:
    """Start one process per artifact by writing, in bulk, the rows `StartHandle.run()` writes (process, done
    start task, the first human task, their link). It sends no viewflow signals and no Task post_save:
    callers notify people themselves. tests/workflows/directive/test_bulk_start.py compares these rows field by
    field with StartHandle.run()'s, so a change to the flow that makes them drift fails a test."""
    if not artifacts:
        return
    now = timezone.now()
    artifact_ct = ContentType.objects.get_for_model(artifacts[0])
    object_ct = ContentType.objects.get_for_model(permission_object(artifacts[0]))
    processes = flow_class.process_class.objects.bulk_create([
        flow_class.process_class(flow_class=flow_class, status=PROCESS.NEW, created=now, data={},
                                 artifact_content_type=artifact_ct, artifact_object_id=a.pk)
        for a in artifacts
    ])
    starts = Task.objects.bulk_create([
        Task(process=p, flow_task=flow_class.start, flow_task_type="START", status=STATUS.DONE,
             created=now, started=now, finished=now, token=Token("start"), data={})
        for p in processes
    ])
    firsts = Task.objects.bulk_create([
        Task(process=p, flow_task=first, flow_task_type="HUMAN",
             status=STATUS.ASSIGNED if owner_id(a) else STATUS.NEW, owner_id=owner_id(a), created=now,
             token=Token("start"), data={}, owner_permission=owner_permission,
             owner_permission_content_type=object_ct, owner_permission_obj_pk=str(permission_object(a).pk))
        for p, a in zip(processes, artifacts, strict=True)
    ])
    link = Task.previous.through
    link.objects.bulk_create([link(from_task_id=task.pk, to_task_id=start.pk)
                              for task, start in zip(firsts, starts, strict=True)])


# --- what every flow class shares -------------------------------------------------------------------------------

class ArtifactFlow(flow.Flow):
    """A flow whose process carries one domain object (viewflow's artifact columns). Subclasses say who may
    open the flow's app and which artifacts a user may see; a process is visible only if its artifact is."""

    def start_process(self, activation, **artifact):
        (activation.process.artifact,) = artifact.values()
        return activation.process

    def may_use_app(self, user) -> bool:
        return user.is_authenticated

    def artifact_visible_to(self, user, artifact_pk: int) -> bool:
        raise NotImplementedError

    def has_view_permission(self, user, obj=None):
        if not self.may_use_app(user):
            return False
        return obj is None or self.artifact_visible_to(user, obj.artifact_object_id)


def artifact_property(model, *related: str):
    """`directive = artifact_property(Directive, "issuing_unit")`: the process's artifact, loaded once."""

    def read(process: Process):
        return model.objects.select_related(*related).get(pk=process.artifact_object_id)

    return cached_property(read)


# --- node types -------------------------------------------------------------------------------------------------

class DynamicSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class DynamicSplit(Split):
    """A parallel split with one branch per item of a list known only at run time:
    `.Next(this.review, data_source=lambda activation: [{"reviewer": 1}, ...])` creates one `review` task per
    item, with the item as `task.data` (which `.Assign(callable)` can read). The open-source build documents
    `Split.Next(..., data_source=...)` but does not implement it; this extends the Material `flow.Split`, whose
    index/detail pages every task list and task page links to (the bare `nodes.Split` has none)."""

    activation_class = DynamicSplitActivation

    def Next(self, node, case=None, data_source=None):  # noqa: N802 (viewflow's node API)
        self._activate_next.append((node, case, data_source))
        return self


class HumanTask(flow.View):
    """A human step limited to the people an access rule names. viewflow's own check lets anyone signed in
    claim an unassigned task that has no `.Permission(...)`, and lets a superuser claim every task; here
    `may_do(user, task)` (a function of editorial/access.py or coordination/access.py) decides who may be
    assigned and who may execute, and `may_hand_over(user, task)` who besides the owner and the flow's
    managers may release or reassign it. `.Permission(...)` still names who sees the task in the unit queue.

        review = HumanTask(views.Review.as_view()).Access(lambda user, task: ...).Next(...)
    """

    _may_do = None
    _may_hand_over = None

    def __init__(self, view, reassign_view=None, **kwargs):
        super().__init__(view, **kwargs)
        if reassign_view is not None:  # viewflow ships no reassign page; the node mounts ours at .../reassign/
            self.reassign_view = reassign_view

    def Access(self, may_do, may_hand_over=None):  # noqa: N802 (viewflow's node API)
        self._may_do, self._may_hand_over = may_do, may_hand_over
        return self

    def may_do(self, user, task) -> bool:
        if self._may_do is None:
            raise ImproperlyConfigured(f"{self.flow_class.__name__}.{self.name} has no access rule")
        return bool(user is not None and user.is_authenticated and user.is_active and self._may_do(user, task))

    def can_assign(self, user, task):
        return not task.owner_id and self.may_do(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and self.may_do(user, task)

    def can_unassign(self, user, task):
        if super().can_unassign(user, task):
            return True
        return bool(task.owner_id and user is not None and user.is_authenticated and self._may_hand_over
                    and self._may_hand_over(user, task))
