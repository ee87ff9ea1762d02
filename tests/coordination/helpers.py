"""Drive the coordination flows from code, as the pages do."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, Directive, Urgency
from org.models import Structure, Unit
from workflows import services
from workflows.flows import DirectiveFlow, UnitAssignmentFlow


def unit(codename: str) -> Unit:
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


def open_task(obj, flow_task) -> Task:
    task = services.open_task(obj, flow_task)
    assert task is not None, f"no open {flow_task} for {obj}"
    return task


def issue(user, units, *, title="Tuyên truyền phòng chống bão số 3", urgency="khan", **spec) -> Directive:
    return services.directive_start(
        user=user, issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title=title,
        instructions="<p>Phát bản tin 3 lần/ngày</p><script>alert(1)</script>",
        urgency=Urgency.objects.get(code=urgency), target_spec={"units": [u.pk for u in units], **spec},
    )


def approve(directive, leader, *, approve=True, comment=""):
    task = open_task(directive, DirectiveFlow.approve)
    services.task_run(task, leader, services.directive_decide, approve=approve, comment=comment)
    directive.refresh_from_db()
    return directive


def assignment_of(directive, codename) -> Assignment:
    return Assignment.objects.get(directive=directive, unit__codename=codename, unit__structure=Structure.Y2025)


def acknowledge(assignment, officer):
    services.task_run(open_task(assignment, UnitAssignmentFlow.acknowledge), officer, services.assignment_acknowledge)


def report(assignment, officer, text="Đã phát 3 lần/ngày trên đài truyền thanh"):
    services.task_run(open_task(assignment, UnitAssignmentFlow.report), officer, services.assignment_report,
                      text=text)


def review(assignment, reviewer, *, accept=True, comment=""):
    services.task_run(open_task(assignment, UnitAssignmentFlow.review), reviewer, services.assignment_review,
                      accept=accept, comment=comment)


def task_statuses(obj):
    return list(Task.objects.filter(process__artifact_object_id=obj.pk).values_list("flow_task", "status"))


__all__ = ["STATUS"]
