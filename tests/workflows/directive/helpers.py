"""Drive the coordination flows from code, as the pages do."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, Directive, Urgency
from org.models import Structure, Unit
from workflows import engine
from workflows.directive import services as directive_services
from workflows.directive import steps as directive_steps
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow


def unit(codename: str) -> Unit:
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


def open_task(obj, flow_task) -> Task:
    task = engine.open_task(obj, flow_task)
    assert task is not None, f"no open {flow_task} for {obj}"
    return task


def issue(user, units, *, title="Tuyên truyền phòng chống bão số 3", urgency="khan", **spec) -> Directive:
    return directive_services.directive_start(
        user=user, issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title=title,
        instructions="<p>Phát bản tin 3 lần/ngày</p><script>alert(1)</script>",
        urgency=Urgency.objects.get(code=urgency), target_spec={"units": [u.pk for u in units], **spec},
    )


def approve(directive, leader, *, approve=True, comment=""):
    task = open_task(directive, DirectiveFlow.approve)
    engine.task_run(task, leader, directive_steps.approve_step, approve=approve, comment=comment)
    directive.refresh_from_db()
    return directive


def assignment_of(directive, codename) -> Assignment:
    return Assignment.objects.get(directive=directive, unit__codename=codename, unit__structure=Structure.Y2025)


def acknowledge(assignment, officer):
    engine.task_run(open_task(assignment, UnitAssignmentFlow.acknowledge), officer, directive_steps.acknowledge_step)


def report(assignment, officer, text="Đã phát 3 lần/ngày trên đài truyền thanh"):
    engine.task_run(open_task(assignment, UnitAssignmentFlow.report), officer, directive_steps.report_step,
                      text=text)


def review(assignment, reviewer, *, accept=True, comment=""):
    engine.task_run(open_task(assignment, UnitAssignmentFlow.review), reviewer, directive_steps.review_step,
                      accept=accept, comment=comment)


def task_statuses(obj):
    return list(Task.objects.filter(process__artifact_object_id=obj.pk).values_list("flow_task", "status"))


__all__ = ["STATUS"]
