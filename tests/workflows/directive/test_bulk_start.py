"""The bulk fan-out writes exactly the rows viewflow's StartHandle.run() writes, and flows go on from them."""

from datetime import timedelta

import time_machine
from django.forms.models import model_to_dict
from django.utils import timezone
from viewflow.workflow.models import Task

from coordination.models import Assignment, Directive, Urgency
from org.models import Structure, Unit, User
from tests.clock import hanoi
from workflows.directive import services as directive_services
from workflows.directive.flow import UnitAssignmentFlow
from workflows.models import AssignmentProcess

IGNORED = {"id", "created", "started", "finished", "artifact_object_id", "process", "previous",
           "owner_permission_obj_pk"}


def _rows(assignment):
    process = AssignmentProcess.objects.get(flow_class=UnitAssignmentFlow, artifact_object_id=assignment.pk)
    tasks = list(Task.objects.filter(process=process).order_by("pk"))
    links = [(t.flow_task, [p.flow_task for p in t.previous.all()]) for t in tasks]
    clean = lambda obj: {k: str(v) for k, v in model_to_dict(obj).items() if k not in IGNORED}  # noqa: E731
    return clean(process), [clean(t) for t in tasks], links, [t.owner_permission_obj_pk for t in tasks]


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the directive's deadline is set from now
def test_bulk_rows_equal_start_handle_rows(demo):
    directive = Directive.objects.create(
        title="So sánh", issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), urgency=Urgency.objects.first(),
        created_by=User.objects.get(username="phongtt"), deadline=timezone.now() + timedelta(days=30))
    a, b = (Assignment.objects.create(directive=directive, unit=u, deadline=directive.deadline) for u in
            Unit.objects.filter(structure=Structure.Y2025, kind="commune")[:2])
    UnitAssignmentFlow.start.run(assignment=a)
    directive_services.unit_processes_start([b])
    process_a, tasks_a, links_a, perm_a = _rows(a)
    process_b, tasks_b, links_b, perm_b = _rows(b)
    assert process_a == process_b
    assert tasks_a == tasks_b
    assert links_a == links_b
    assert perm_a == [None, str(a.unit_id)] and perm_b == [None, str(b.unit_id)]
