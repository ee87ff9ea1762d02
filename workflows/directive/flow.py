"""DirectiveFlow and UnitAssignmentFlow, declared in the order they run. A directive: a leader approves it,
a background job creates one UnitAssignmentFlow per target unit, the flow waits for every unit, then the
issuing unit closes it. Human nodes run a step of steps.py from a page of views.py; the two Handle nodes are
moved on by services.py (named at each node)."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from coordination import access
from coordination import selectors as coordination_selectors
from coordination.models import Assignment, Directive
from coordination.selectors import reviewer_unit

from ..engine import ArtifactFlow, HumanTask
from ..models import AssignmentProcess, DirectiveProcess
from ..reporting import views as reporting_views
from . import views


def current_assignee(activation):
    """Read fresh: the process's cached assignment predates the service that just set the assignee."""
    return Assignment.objects.get(pk=activation.process.artifact_object_id).assignee


def _assignment(task) -> Assignment:
    return Assignment.objects.select_related("unit", "parent__unit", "directive__issuing_unit").get(
        pk=task.process.artifact_object_id)


def _directive(task) -> Directive:
    return Directive.objects.select_related("issuing_unit").get(pk=task.process.artifact_object_id)


def report_returned(task) -> bool:
    return Assignment.objects.filter(pk=task.process.artifact_object_id, status=Assignment.Status.RETURNED).exists()


def report_accepted(activation) -> bool:
    """Read fresh: the review service saved a locked copy, so the process's cached assignment is stale."""
    return Assignment.objects.filter(pk=activation.process.artifact_object_id,
                                     status=Assignment.Status.ACCEPTED).exists()


class UnitAssignmentFlow(ArtifactFlow):
    """One unit's share of a directive: receive → report → the reviewer accepts or returns it."""

    process_class = AssignmentProcess
    process_title = _("Nhiệm vụ đơn vị")
    process_description = _("Đơn vị tiếp nhận, thực hiện và báo cáo; đơn vị giao việc chấp nhận hoặc trả lại.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.assignment.unit.name }}: {{ process.assignment.directive.title }}"

    # started in bulk by the fan-out (services.unit_processes_start) or one by one when a district relays
    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.acknowledge)
    # an accepted child sent back by its relaying unit (services.unit_process_reopen)
    reopen = flow.StartHandle(this.start_process).Annotation(title=_("Mở lại để báo cáo")).Next(this.report)

    # unit officers
    acknowledge = (
        HumanTask(views.AcknowledgeView.as_view())
        .Annotation(title=_("Tiếp nhận"))
        .Permission("org.act_for_unit", obj=lambda process: process.assignment.unit)
        .Access(lambda user, task: access.can_work_on(user, _assignment(task)))
        .Assign(current_assignee)
        .Next(this.report)
    )
    report = (
        HumanTask(reporting_views.report_page)  # the ordinary report page, or a period's indicator form
        .Annotation(title=_("Thực hiện và báo cáo"))
        .Permission("org.act_for_unit", obj=lambda process: process.assignment.unit)
        .Access(lambda user, task: access.can_work_on(user, _assignment(task)))
        .Assign(current_assignee)
        .Notify(unless=report_returned)  # "Báo cáo bị trả lại" (with the reason) already told the unit
        .Next(this.review)
    )

    # reviewing unit (the issuer, or the district that relayed it)
    review = (
        HumanTask(reporting_views.review_page)  # the ordinary review page, or a period's figures to review
        .Annotation(title=_("Xem xét báo cáo"))
        .Permission("org.act_for_unit", obj=lambda process: reviewer_unit(process.assignment))
        .Access(lambda user, task: access.can_review_report(user, _assignment(task)))
        .Next(this.check_review)
    )
    check_review = (
        flow.If(report_accepted)
        .Annotation(title=_("Báo cáo được chấp nhận?"))
        .Then(this.end)
        .Else(this.report)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    @classmethod
    def task_object_name(cls, task) -> str:
        assignment = Assignment.objects.select_related("unit", "directive").only(
            "unit__name", "directive__title").get(pk=task.process.artifact_object_id)
        return f"{assignment.directive.title} ({assignment.unit.name})"

    def artifact_visible_to(self, user, artifact_pk: int) -> bool:
        """Any signed-in officer opens the app (inbox, queue); a process only if its unit is theirs."""
        return coordination_selectors.assignment_for_user(user, artifact_pk) is not None


class DirectiveFlow(ArtifactFlow):
    """A directive: leader approval → fan-out to units → wait for every unit → close with a summary."""

    process_class = DirectiveProcess
    process_title = _("Văn bản chỉ đạo")
    process_description = _("Duyệt, gửi tới các đơn vị, theo dõi từng đơn vị và tổng kết.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.directive.title }}"

    # services.directive_start (the compose page, a bulletin's distribution, a reporting period)
    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.approve)

    # leaders
    approve = (
        HumanTask(views.ApproveDirectiveView.as_view())
        .Annotation(title=_("Lãnh đạo duyệt"))
        .Permission("coordination.approve_directive")
        .Access(lambda user, task: access.can_approve(user))
        .Next(this.check_approval)
    )
    check_approval = (
        flow.If(lambda activation: activation.process.directive.status != Directive.Status.RETURNED)
        .Annotation(title=_("Được duyệt?"))
        .Then(this.fan_out)
        .Else(this.revise)
    )

    # author
    revise = (
        HumanTask(views.ReviseDirectiveView.as_view())
        .Annotation(title=_("Sửa theo ý kiến lãnh đạo"))
        .Access(lambda user, task: access.can_revise(user, _directive(task)))
        .Assign(lambda activation: activation.process.directive.created_by)
        .Next(this.approve)
    )

    # the huey job workflows.tasks.fan_out_job (queued by receivers.py on approval) runs services.fan_out,
    # which creates the units' assignments and flows and moves this node on
    fan_out = flow.Handle().Annotation(title=_("Gửi tới đơn vị")).Next(this.wait_assignments)
    # services.directive_resume_if_done moves it on once every top-level assignment is closed
    wait_assignments = flow.Handle().Annotation(title=_("Chờ các đơn vị hoàn thành")).Next(this.close)

    # issuing unit
    close = (
        HumanTask(views.CloseDirectiveView.as_view())
        .Annotation(title=_("Tổng kết"))
        .Permission("org.act_for_unit", obj=lambda process: process.directive.issuing_unit)
        .Access(lambda user, task: access.can_close(user, _directive(task)))
        .Assign(lambda activation: activation.process.directive.created_by)
        .Next(this.end)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    @classmethod
    def task_object_name(cls, task) -> str:
        return Directive.objects.only("title").get(pk=task.process.artifact_object_id).title

    def may_use_app(self, user) -> bool:
        """The app is for issuers and approvers (units receive their share in UnitAssignmentFlow)."""
        return access.uses_directive_flow(user)

    def artifact_visible_to(self, user, artifact_pk: int) -> bool:
        return coordination_selectors.directive_for_user(user, artifact_pk) is not None
