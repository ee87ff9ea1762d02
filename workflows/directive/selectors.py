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

