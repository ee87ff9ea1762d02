"""What every flow shares: running and claiming a human task from code, finding a process's open task, the
after-commit resume, starting many processes in bulk, and the two node types (DynamicSplit, HumanTask).

A task is executed either from its page (viewflow hands the view `request.activation`, already started under
the process lock) or from code (`task_run`: lock, claim, start, then the same step function). Flow packages
(workflows/bulletin/, workflows/directive/, workflows/reporting/) import this module; it imports none of them."""

import contextlib
import copy
import threading
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, models, transaction
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

from common import bulk
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
    with flow_class.lock(task.process_id), transaction.atomic(), history_actor(user):
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
                         owner_id: Callable[[models.Model], int | None], orm: bool = False) -> None:
    """Start one process per artifact by writing, in bulk, the rows `StartHandle.run()` writes (process, done
    start task, the first human task, their link). It sends no viewflow signals and no Task post_save:
    callers notify people themselves. On PostgreSQL one statement writes them all (common/bulk.py), elsewhere
    (or with `orm=True`) bulk_create does. tests/workflows/directive/test_bulk_start.py compares both paths'
    rows field by field with StartHandle.run()'s, so a change to the flow that makes them drift fails a test."""
    if not artifacts:
        return
    now = timezone.now()
    artifact_ct = ContentType.objects.get_for_model(artifacts[0])
    object_ct = ContentType.objects.get_for_model(permission_object(artifacts[0]))
    process = flow_class.process_class(flow_class=flow_class, status=PROCESS.NEW, created=now, data={},
                                       artifact_content_type=artifact_ct)
    start = Task(flow_task=flow_class.start, flow_task_type="START", status=STATUS.DONE, created=now, started=now,
                 finished=now, token=Token("start"), data={})
    human = Task(flow_task=first, flow_task_type="HUMAN", created=now, token=Token("start"), data={},
                 owner_permission=owner_permission, owner_permission_content_type=object_ct)
    owners = [owner_id(a) for a in artifacts]
    object_pks = [str(permission_object(a).pk) for a in artifacts]
    if orm or not bulk.supported():
        _processes_bulk_create(flow_class, artifacts, owners, object_pks, process, start, human)
    else:
        _processes_insert(flow_class, artifacts, owners, object_pks, process, start, human)


def _processes_insert(flow_class, artifacts, owners, object_pks, process, start, human) -> None:
    """PostgreSQL: one statement. Ids are drawn per artifact in order (process, start task, then human task,
    as StartHandle.run() would) and every table is written from them by data-modifying CTEs."""
    link = Task.previous.through
    field = Task._meta.get_field
    arrays = ", ".join(f"%s::{bulk.sql_type(f)}[]" for f in (
        flow_class.process_class._meta.get_field("artifact_object_id"), field("owner"), field("status"),
        field("owner_permission_obj_pk")))
    head = (
        f"s0 AS MATERIALIZED (SELECT x.*, {bulk.sequence_of(flow_class.process_class)} AS process_id"
        f" FROM unnest({arrays}) WITH ORDINALITY AS x(artifact_id, owner_id, status, object_pk, ord)),"
        f" s1 AS MATERIALIZED (SELECT s0.*, {bulk.sequence_of(Task)} AS start_id FROM s0 ORDER BY ord),"
        f" s AS MATERIALIZED (SELECT s1.*, {bulk.sequence_of(Task)} AS human_id FROM s1 ORDER BY ord)")
    statuses = [STATUS.ASSIGNED if owner else STATUS.NEW for owner in owners]
    sql, params = bulk.statement(head, [[a.pk for a in artifacts], owners, statuses, object_pks], [
        bulk.insert_select(process, "s", {"id": "s.process_id", "artifact_object_id": "s.artifact_id"}),
        bulk.insert_select(start, "s", {"id": "s.start_id", "process_id": "s.process_id"}),
        bulk.insert_select(human, "s", {"id": "s.human_id", "process_id": "s.process_id", "status": "s.status",
                                        "owner_id": "s.owner_id", "owner_permission_obj_pk": "s.object_pk"}),
        bulk.insert_select(link(), "s", {"from_task_id": "s.human_id", "to_task_id": "s.start_id"}),
    ], "SELECT count(*) FROM s")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (count,) = cursor.fetchone()
    assert count == len(artifacts), (count, len(artifacts))


def _processes_bulk_create(flow_class, artifacts, owners, object_pks, process, start, human) -> None:
    """Any database: bulk_create, from copies of the same three templates."""
    processes = flow_class.process_class.objects.bulk_create([
        _copy(process, artifact_object_id=a.pk) for a in artifacts])
    starts = Task.objects.bulk_create([_copy(start, process=p) for p in processes])
    humans = Task.objects.bulk_create([
        _copy(human, process=p, owner_id=owner, status=STATUS.ASSIGNED if owner else STATUS.NEW,
              owner_permission_obj_pk=object_pk)
        for p, owner, object_pk in zip(processes, owners, object_pks, strict=True)
    ])
    link = Task.previous.through
    link.objects.bulk_create([link(from_task_id=task.pk, to_task_id=start_task.pk)
                              for task, start_task in zip(humans, starts, strict=True)])


def _copy(template: models.Model, **fields) -> models.Model:
    """A fresh instance with the template's values (its own copy of a JSON value) and `fields`."""
    values = {f.attname: getattr(template, f.attname) for f in template._meta.concrete_fields}
    obj = type(template)(**{k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in values.items()})
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


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

    @classmethod
    def task_subject(cls, task: Task) -> str:
        """What a notification about `task` calls it: the node's title, then the object (and the unit) it is
        about, so two tasks of one node read differently ("Xem xét báo cáo — <directive> (<unit>)")."""
        title = str(task.flow_task.task_title or task.flow_task)
        about = cls.task_object_name(task)
        return f"{title} — {about}" if about else title

    @classmethod
    def task_object_name(cls, task: Task) -> str:
        return ""

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
    _notice_to = None
    _notice_unless = None

    def __init__(self, view, reassign_view=None, **kwargs):
        super().__init__(view, **kwargs)
        if reassign_view is not None:  # viewflow ships no reassign page; the node mounts ours at .../reassign/
            self.reassign_view = reassign_view

    def Access(self, may_do, may_hand_over=None):  # noqa: N802 (viewflow's node API)
        self._may_do, self._may_hand_over = may_do, may_hand_over
        return self

    def Notify(self, to=None, *, unless=None):  # noqa: N802 (viewflow's node API)
        """Who hears that this task waits in a queue, `to(task)` (default: every holder of its `.Permission`),
        and when its arrival goes unannounced, `unless(task)` (another notice already says it). The rules are
        the table in workflows/signals.py."""
        self._notice_to, self._notice_unless = to, unless
        return self

    def notice_recipients(self, task):
        return self._notice_to(task) if self._notice_to is not None else None

    def notice_suppressed(self, task) -> bool:
        return bool(self._notice_unless is not None and self._notice_unless(task))

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
