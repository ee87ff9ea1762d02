"""Every human step has a due time: a unit's receive and report steps their assignment's deadline, the others
(Board review, sign-off, publication, directive approval, report review…) a time from when the step opened,
admin-editable (`TaskDeadline`, defaults below). The inbox orders and flags by it; the minute scan tells whoever
holds a late step (or its queue) once, and the Department's leaders once more when it stays late."""

from datetime import datetime, timedelta

from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, Directive
from editorial.models import Bulletin
from notifications.models import Kind, Level, Notification
from notifications.services import notify
from org import selectors as org_selectors
from org.models import Role, Unit

from .bulletin.flow import BulletinFlow
from .directive.flow import DirectiveFlow, UnitAssignmentFlow
from .models import TaskDeadline

HOUR = 60
# node → (minutes to do it, minutes late before the leaders hear)
DEFAULTS = {
    "bulletin.approve_emergency": (30, 30),
    "bulletin.choose_reviewers": (4 * HOUR, 4 * HOUR),
    "bulletin.review": (24 * HOUR, 24 * HOUR),
    "bulletin.revise": (48 * HOUR, 0),
    "bulletin.prepare_audio": (8 * HOUR, 8 * HOUR),
    "bulletin.sign_off": (24 * HOUR, 24 * HOUR),
    "bulletin.publish": (8 * HOUR, 8 * HOUR),
    "directive.approve": (4 * HOUR, 4 * HOUR),
    "directive.revise": (24 * HOUR, 0),
    "directive.close": (48 * HOUR, 48 * HOUR),
    "assignment.review": (48 * HOUR, 24 * HOUR),
}
FLOWS = {"bulletin": BulletinFlow, "directive": DirectiveFlow, "assignment": UnitAssignmentFlow}
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def node_of(key: str):
    flow, name = key.split(".", 1)
    return getattr(FLOWS[flow], name)


def node_choices() -> list[tuple[str, str]]:
    return [(key, f"{FLOWS[key.split('.')[0]].process_title}: {node_of(key).task_title}") for key in DEFAULTS]


def timings() -> dict[str, tuple[int, int]]:
    """Each step's (minutes, escalate after minutes): the admin's rows over the defaults."""
    values = dict(DEFAULTS)
    for row in TaskDeadline.objects.filter(node__in=list(DEFAULTS)):
        values[row.node] = (row.minutes, row.escalate_after_minutes)
    return values


def due_expression():
    """A task's due time from when it opened, for the steps timed here (None for the others)."""
    whens = [When(flow_task=node_of(key), then=Cast(F("created") + Value(timedelta(minutes=minutes)),
                                                   output_field=DateTimeField()))
             for key, (minutes, _escalate) in timings().items()]
    return Case(*whens, default=None, output_field=DateTimeField())


def _holders(task: Task) -> list:
    """Who to tell about a late step: its owner, else its queue (the unit, or everyone holding the permission)."""
    if task.owner_id:
        return [task.owner]
    if task.owner_permission == "org.act_for_unit" and task.owner_permission_obj_pk:
        unit = Unit.objects.filter(pk=task.owner_permission_obj_pk).first()
        return [unit] if unit else []
    if task.owner_permission:
        return list(org_selectors.people_with_permission(task.owner_permission))
    return []


def _brief(flow_class, task: Task) -> str:
    """What the step is about: the bulletin's or directive's title, and the unit for a unit's assignment."""
    pk = task.process.artifact_object_id
    if flow_class is BulletinFlow:
        return Bulletin.objects.filter(pk=pk).values_list("title", flat=True).first() or ""
    if flow_class is DirectiveFlow:
        return Directive.objects.filter(pk=pk).values_list("title", flat=True).first() or ""
    a = Assignment.objects.filter(pk=pk).select_related("directive", "unit").first()
    return f"{a.directive.title} ({a.unit.name})" if a else ""


def tasks_deadlines_scan(now: datetime | None = None) -> tuple[int, int]:
    """Late steps: the holder told once, the leaders once when `escalate after` has passed too. Returns
    (told, escalated). What was already sent is read in one query, so a quiet minute costs a few queries."""
    now = now or timezone.now()
    told = escalated = 0
    for key, (minutes, escalate) in timings().items():
        node, flow_class = node_of(key), FLOWS[key.split(".")[0]]
        late = list(Task.objects.filter(flow_task=node, status__in=OPEN, created__lt=now - timedelta(
            minutes=minutes)).select_related("owner", "process"))
        if not late:
            continue
        sent = set(Notification.objects.filter(dedupe_key__in=[f"task-overdue:{t.pk}" for t in late]
                                               + [f"task-escalated:{t.pk}" for t in late])
                   .values_list("dedupe_key", flat=True).distinct())
        for task in late:
            if f"task-overdue:{task.pk}" not in sent:
                what = _brief(flow_class, task)
                if notify(_holders(task), kind=Kind.OVERDUE, level=Level.WARNING,
                          title=_("Quá hạn xử lý: %(step)s — %(what)s") % {"step": node.task_title, "what": what},
                          dedupe_key=f"task-overdue:{task.pk}"):
                    told += 1
            if (escalate and task.created < now - timedelta(minutes=minutes + escalate)
                    and f"task-escalated:{task.pk}" not in sent):
                what = _brief(flow_class, task)
                leaders = list(org_selectors.people_with_role(Role.DIRECTOR)) + list(
                    org_selectors.people_with_role(Role.DEPUTY_DIRECTOR))
                if notify(leaders, kind=Kind.ESCALATION, level=Level.URGENT,
                          title=_("Chậm xử lý: %(step)s — %(what)s") % {"step": node.task_title, "what": what},
                          dedupe_key=f"task-escalated:{task.pk}"):
                    escalated += 1
    return told, escalated
