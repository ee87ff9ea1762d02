"""Who may do what with the workflow engine itself: claim a task, have it claimed for them on opening it (they are
its only possible owner), open viewflow's own process/task/assign pages (supervisors and administrators), and
cancel a whole process (whoever may cancel the directive or the unit's assignment it carries)."""

from django.contrib.contenttypes.models import ContentType
from guardian.shortcuts import get_users_with_perms
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from coordination import access as coordination_access
from coordination.models import Assignment, Directive
from org.models import Unit, User
from org.selectors import people_with_permission

SUPERVISE_PERMISSION = "org.supervise_all_units"
UNIT_PERMISSION = "org.act_for_unit"


def may_open_engine_pages(user: User) -> bool:
    """viewflow's process, task-detail and assign pages (a chart, node names, raw data, a cancel button) are a
    supervisor's and an administrator's view of the engine; everyone else works from the inbox and object pages."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or user.has_perm(SUPERVISE_PERMISSION)))


def may_claim(user: User, task: Task) -> bool:
    """Take the task from the queue: it is still unclaimed and the node's access rule lets this person do it."""
    can_assign = getattr(task.flow_task, "can_assign", None)  # only human nodes can be claimed
    return task.status == STATUS.NEW and can_assign is not None and bool(can_assign(user, task))


def may_execute(user: User, task: Task) -> bool:
    can_execute = getattr(task.flow_task, "can_execute", None)
    return (task.owner_id == user.pk and task.status in (STATUS.ASSIGNED, STATUS.STARTED)
            and can_execute is not None and bool(can_execute(user, task)))


def possible_owners(task: Task):
    """The active people the task's queue permission names: the officers of its unit, or the holders of its
    global permission (one or two queries)."""
    if task.owner_permission == UNIT_PERMISSION and task.owner_permission_obj_pk:
        unit = Unit.objects.filter(pk=task.owner_permission_obj_pk).first()
        if unit is None:
            return User.objects.none()
        return get_users_with_perms(unit, only_with_perms_in=["act_for_unit"], with_group_users=True,
                                    with_superusers=False).filter(is_active=True)
    if task.owner_permission:
        return people_with_permission(task.owner_permission)
    return User.objects.none()


def is_only_possible_owner(user: User, task: Task) -> bool:
    """Opening the task claims it for this person: nobody else could ever take it, so nobody is kept from it."""
    if not may_claim(user, task):
        return False
    return list(possible_owners(task).values_list("pk", flat=True)[:2]) == [user.pk]


def may_cancel_process(user: User, process: Process) -> bool:
    """Cancel a running process through its domain object (the directive and its units' work, or one unit's
    assignment and what it relayed); a bulletin's process ends when its author withdraws it, on its page."""
    if process.status != PROCESS.NEW or not user.is_authenticated:
        return False
    artifact = process_artifact(process)
    if isinstance(artifact, Directive):
        return coordination_access.can_cancel(user, artifact)
    if isinstance(artifact, Assignment):
        return not artifact.is_closed and coordination_access.may_cancel_assignment(user, artifact)
    return False


def process_artifact(process: Process):
    """The domain object a process carries (a directive, an assignment, a bulletin), or None."""
    if not process.artifact_content_type_id:
        return None
    model = ContentType.objects.get_for_id(process.artifact_content_type_id).model_class()
    related = {Assignment: ("unit", "parent__unit", "directive"), Directive: ("issuing_unit", "urgency")}.get(model, ())
    return model._default_manager.select_related(*related).filter(pk=process.artifact_object_id).first()
