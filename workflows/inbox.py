"""Reads for the one inbox ("Hộp việc") across every flow: the tasks that are mine and the tasks waiting in my
units' queues (and in the queues of the global permissions I hold), each annotated with the directive or
bulletin it is about, the unit, the due date and the urgency; their counts for the home cards; where a task's
work lives (its object's page); and a person's open tasks on one directive or assignment (the directive and
assignment pages show them at the top). Every list costs the same number of queries whatever its length."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination import access as coordination_access
from coordination.models import Assignment, Directive
from editorial.models import Bulletin
from editorial.models.policies import Priority
from feedback.models import Feedback
from org import selectors as org_selectors
from org.models import UnitKind, User

from .bulletin.flow import BulletinFlow
from .deadlines import due_expression
from .directive.flow import DirectiveFlow, UnitAssignmentFlow
from .feedback.flow import FeedbackFlow
from .landing import after_task_url, object_url  # noqa: F401 (the inbox's pages use them from here)

FLOWS = {"bulletin": BulletinFlow, "directive": DirectiveFlow, "assignment": UnitAssignmentFlow,
         "feedback": FeedbackFlow}
FLOW_LABELS = {"bulletin": _("Bản tin"), "directive": _("Văn bản chỉ đạo"), "assignment": _("Nhiệm vụ đơn vị"),
               "feedback": _("Phản ánh, kiến nghị")}
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# a bulletin's priority (Circular 39/2020) read as an urgency rank next to the directives' (thường … hỏa tốc)
PRIORITY_RANK = {Priority.NORMAL: 0, Priority.PRIORITY: 2, Priority.EMERGENCY: 3}


def _of(model, field: str, output_field):
    """A field of the task's artifact, only when the artifact is a `model` (ids repeat across tables)."""
    content_type = ContentType.objects.get_for_model(model)
    value = Subquery(model.objects.filter(pk=OuterRef("process__artifact_object_id")).values(field)[:1],
                     output_field=output_field)
    return When(process__artifact_content_type_id=content_type.pk, then=value)


def _assignment_deadline():
    return Subquery(Assignment.objects.filter(pk=OuterRef("process__artifact_object_id")).values("deadline")[:1],
                    output_field=DateTimeField())


def _text(*whens):
    return Case(*whens, default=None, output_field=CharField())


def _annotated(qs: QuerySet[Task]) -> QuerySet[Task]:
    text, moment, number = CharField(), DateTimeField(), IntegerField()
    priority_rank = Case(*[When(priority=code, then=Value(rank)) for code, rank in PRIORITY_RANK.items()],
                         default=Value(0), output_field=number)
    bulletin_ct = ContentType.objects.get_for_model(Bulletin)
    return qs.select_related("process", "owner").annotate(
        subject=_text(_of(Assignment, "directive__title", text), _of(Directive, "title", text),
                      _of(Bulletin, "title", text), _of(Feedback, "summary", text)),
        unit_name=_text(_of(Assignment, "unit__name", text), _of(Directive, "issuing_unit__name", text),
                        _of(Bulletin, "drafting_unit__name", text), _of(Feedback, "unit__name", text)),
        # a unit's receive and report steps: the assignment's deadline; every other step its own (deadlines.py)
        due=Coalesce(Case(When(flow_task__in=[UnitAssignmentFlow.acknowledge, UnitAssignmentFlow.report],
                                then=_assignment_deadline()),
                           _of(Feedback, "due_at", moment), default=None, output_field=moment),
                     due_expression(), output_field=moment),
        urgency_name=_text(_of(Assignment, "directive__urgency__name", text), _of(Directive, "urgency__name", text)),
        priority=_text(_of(Bulletin, "priority", text)),
        urgency_rank=Coalesce(
            Case(_of(Assignment, "directive__urgency__rank", number), _of(Directive, "urgency__rank", number),
                 When(process__artifact_content_type_id=bulletin_ct.pk, then=Subquery(
                     Bulletin.objects.filter(pk=OuterRef("process__artifact_object_id"))
                     .annotate(rank=priority_rank).values("rank")[:1], output_field=number)),
                 default=None, output_field=number),
            Value(0)),
    )


def _waiting(user: User) -> Q:
    """Mine (claimed by me, not finished) or in a queue I may take from: my units' tasks and tasks asking a
    global permission I hold."""
    unit_pks = [str(pk) for pk in org_selectors.units_acted_for(user).values_list("pk", flat=True)]
    mine = Q(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])
    queue = Q(status=STATUS.NEW) & (
        Q(owner_permission="org.act_for_unit", owner_permission_obj_pk__in=unit_pks)
        | Q(owner_permission__in=user.get_all_permissions(), owner_permission_obj_pk__isnull=True))
    return mine | queue


def inbox_tasks(user: User, *, scope: str = "", flow: str = "", overdue: bool = False,
                now: datetime | None = None) -> QuerySet[Task]:
    """Every waiting human task of every flow that is mine or in my queues, most urgent first: overdue and
    soonest due first, then higher urgency, then newest. `scope` "mine" or "queue", `flow` a key of FLOWS."""
    if not user.is_authenticated:
        return Task.objects.none()
    flows = [FLOWS[flow]] if flow in FLOWS else list(FLOWS.values())
    qs = Task.objects.filter(_waiting(user), flow_task_type="HUMAN", process__flow_class__in=flows)
    if scope == "mine":
        qs = qs.filter(owner=user)
    elif scope == "queue":
        qs = qs.filter(status=STATUS.NEW)
    qs = _annotated(qs)
    if overdue:
        qs = qs.filter(due__lt=now or timezone.now())
    return qs.order_by("due", "-urgency_rank", "-created", "-pk")


def inbox_counts(user: User, now: datetime | None = None) -> dict[str, int]:
    """What waits, counted in one query: mine, in my queues, overdue, and per flow (the home cards)."""
    if not user.is_authenticated:
        return {"total": 0, "mine": 0, "queue": 0, "overdue": 0, **dict.fromkeys(FLOWS, 0)}
    now = now or timezone.now()
    per_flow = {key: Count("pk", filter=Q(process__flow_class=flow_class)) for key, flow_class in FLOWS.items()}
    return _annotated(Task.objects.filter(_waiting(user), flow_task_type="HUMAN",
                                          process__flow_class__in=list(FLOWS.values()))).aggregate(
        total=Count("pk"), mine=Count("pk", filter=Q(owner=user)), queue=Count("pk", filter=Q(status=STATUS.NEW)),
        overdue=Count("pk", filter=Q(due__lt=now)), **per_flow)


@dataclass(frozen=True)
class InboxRow:
    task: Task
    flow: str
    title: str
    subject: str
    unit_name: str
    due: datetime | None
    urgency: str
    urgency_rank: int
    mine: bool
    overdue: bool
    url: str  # the form (mine) or "claim and open" (queue, POST)


def flow_key(flow_class) -> str:
    return next((key for key, cls in FLOWS.items() if cls is flow_class), "")


def inbox_rows(tasks, user: User, now: datetime | None = None) -> list[InboxRow]:
    """The page's rows from `inbox_tasks(...)` (no query beyond the list's own)."""
    now = now or timezone.now()
    rows = []
    for task in tasks:
        mine = task.owner_id == user.pk
        key = flow_key(task.process.flow_class)
        urgency = task.urgency_name or (Priority(task.priority).label if task.priority else "")
        rows.append(InboxRow(
            task=task, flow=str(FLOW_LABELS.get(key, "")), title=str(task.flow_task.task_title or task.flow_task),
            subject=task.subject or "", unit_name=task.unit_name or "", due=task.due, urgency=str(urgency),
            urgency_rank=task.urgency_rank or 0, mine=mine, overdue=bool(task.due and task.due < now),
            url=(task.flow_task.reverse("execute", args=[task.process_id, task.pk]) if mine
                 else reverse("work:task_claim", args=[task.pk]))))
    return rows


# --- where the work lives ---------------------------------------------------------------------------------

def human_task(task_pk: int) -> Task | None:
    return Task.objects.filter(pk=task_pk, flow_task_type="HUMAN",
                               process__flow_class__in=list(FLOWS.values())).select_related("process").first()


# --- a person's open tasks on one directive or assignment ---------------------------------------------------

def unit_tasks(user: User, assignments: QuerySet[Assignment]) -> QuerySet[Task]:
    """The open tasks of UnitAssignmentFlow on these assignments that are this person's or in their units'
    queue (two queries)."""
    return Task.objects.filter(
        _waiting(user), flow_task_type="HUMAN", process__flow_class=UnitAssignmentFlow, status__in=OPEN,
        process__artifact_content_type=ContentType.objects.get_for_model(Assignment),
        process__artifact_object_id__in=assignments.values("pk"),
    ).select_related("process").order_by("created", "pk")


def directive_tasks(user: User, directive: Directive) -> QuerySet[Task]:
    """My units' open tasks on a directive (acknowledge, report, review a commune's report)."""
    units = org_selectors.units_acted_for(user).values("pk")
    mine = Assignment.objects.filter(directive=directive).filter(
        Q(unit__in=units) | Q(parent__unit__in=units) | Q(parent__isnull=True, directive__issuing_unit__in=units))
    return _annotated(unit_tasks(user, mine))


def unit_work_rows(user, *, directive=None, assignment=None) -> list[dict]:
    """What a unit officer can do next on a directive (or one assignment): one row per open task of their units
    (the task, the unit it names, the form's link or the claim link) plus "relay to communes" where their unit
    may relay and has not yet (a few queries, whatever the directive's size)."""
    if not user.is_authenticated:
        return []
    if assignment is not None:
        tasks = list(unit_tasks(user, Assignment.objects.filter(pk=assignment.pk)))
    else:
        tasks = list(directive_tasks(user, directive))
    ids = {t.process.artifact_object_id for t in tasks}
    assignments = Assignment.objects.select_related("unit", "parent__unit", "directive").in_bulk(ids)
    rows = []
    for task in tasks:
        a = assignments.get(task.process.artifact_object_id)
        if a is None:
            continue
        mine = task.owner_id == user.pk
        rows.append({
            "title": str(task.flow_task.task_title), "unit": a.unit.name, "mine": mine,
            "url": (task.flow_task.reverse("execute", args=[task.process_id, task.pk]) if mine
                    else reverse("work:task_claim", args=[task.pk])),
            "relay_url": (reverse("unitassignment:relay", args=[a.pk])
                          if task.flow_task is UnitAssignmentFlow.report and not a.relayed
                          and a.unit.kind == UnitKind.DISTRICT and coordination_access.can_work_on(user, a) else ""),
        })
    return rows
