"""Reads of the directive flows: stalled fan-outs (for the reconciler), which acknowledge tasks ask for a
planned air time (for the bulk queue page)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination import selectors as coordination_selectors
from coordination.models import Directive

from .flow import DirectiveFlow, UnitAssignmentFlow


def fan_outs_stalled(now: datetime | None = None) -> list[int]:
    """Directives approved but not sent to their units ("Đang gửi tới đơn vị") whose fan-out task has waited
    longer than FAN_OUT_GRACE_SECONDS: the job was lost with its worker (or failed for good). Oldest first."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.FAN_OUT_GRACE_SECONDS)
    directive_ct = ContentType.objects.get_for_model(Directive)
    return list(
        Task.objects.filter(flow_task=DirectiveFlow.fan_out, status=STATUS.NEW, created__lt=cutoff,
                            process__artifact_content_type=directive_ct)
        .order_by("created", "pk").values_list("process__artifact_object_id", flat=True)
    )


def tasks_asking_air_time(tasks) -> set[int]:
    """The pks of the acknowledge tasks among `tasks` whose directive asks for a planned air time."""
    acknowledges = {t.process.artifact_object_id: t.pk for t in tasks if t.flow_task == UnitAssignmentFlow.acknowledge}
    return {acknowledges[pk] for pk in coordination_selectors.assignments_asking_air_time(acknowledges)}


def unit_work_rows(user, *, directive=None, assignment=None) -> list[dict]:
    """What a unit officer can do next on a directive (or one assignment): one row per open task of their units
    (the task, the unit it names, the form's link or the claim link) plus "relay to communes" where their unit
    may relay and has not yet (a few queries, whatever the directive's size)."""
    from django.urls import reverse  # noqa: PLC0415

    from coordination import access as coordination_access  # noqa: PLC0415
    from coordination.models import Assignment  # noqa: PLC0415
    from org.models import UnitKind  # noqa: PLC0415

    from ..inbox import directive_tasks, unit_tasks  # noqa: PLC0415 (inbox reads the flows)

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
