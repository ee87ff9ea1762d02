"""The two coordination flows, declared in the order they run. Nodes call services in services.py."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from coordination import access
from coordination import selectors as coordination_selectors
from coordination.models import Assignment, Directive
from coordination.selectors import reviewer_unit

from . import views
from .models import AssignmentProcess, DirectiveProcess
from .nodes import HumanTask


def current_assignee(activation):
    """Read fresh: the process's cached assignment predates the service that just set the assignee."""
    return Assignment.objects.get(pk=activation.process.artifact_object_id).assignee


def _assignment(task) -> Assignment:
    return Assignment.objects.select_related("unit", "parent__unit", "directive__issuing_unit").get(
        pk=task.process.artifact_object_id)


def _directive(task) -> Directive:
    return Directive.objects.select_related("issuing_unit").get(pk=task.process.artifact_object_id)


def report_accepted(activation) -> bool:
    """Read fresh: the review service saved a locked copy, so the process's cached assignment is stale."""
    return Assignment.objects.filter(pk=activation.process.artifact_object_id,
                                     status=Assignment.Status.ACCEPTED).exists()


class UnitAssignmentFlow(flow.Flow):
    """One unit's share of a directive: receive → report → the reviewer accepts or returns it."""

    process_class = AssignmentProcess
    process_title = _("Nhiệm vụ đơn vị")
    process_description = _("Đơn vị tiếp nhận, thực hiện và báo cáo; đơn vị giao việc chấp nhận hoặc trả lại.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.assignment.unit.name }}: {{ process.assignment.directive.title }}"

    start = flow.StartHandle(this.start_process).Next(this.acknowledge)
    # An accepted child sent back by its relaying unit (workflows.services.assignment_process_reopen)
    reopen = flow.StartHandle(this.start_process).Next(this.report)

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
        HumanTask(views.ReportView.as_view())
        .Annotation(title=_("Thực hiện và báo cáo"))
        .Permission("org.act_for_unit", obj=lambda process: process.assignment.unit)
        .Access(lambda user, task: access.can_work_on(user, _assignment(task)))
        .Assign(current_assignee)
        .Next(this.review)
    )

    # reviewing unit (the issuer, or the district that relayed it)
    review = (
        HumanTask(views.ReviewView.as_view())
        .Annotation(title=_("Xem xét báo cáo"))
        .Permission("org.act_for_unit", obj=lambda process: reviewer_unit(process.assignment))
        .Access(lambda user, task: access.can_review_report(user, _assignment(task)))
        .Next(this.check_review)
    )
    check_review = (
        flow.If(report_accepted)
        .Then(this.end)
        .Else(this.report)
    )
    end = flow.End()

    def has_view_permission(self, user, obj=None):
        """Any signed-in officer opens the app (inbox, queue); a process only if its unit is theirs."""
        if obj is None:
            return user.is_authenticated
        return coordination_selectors.assignment_for_user(user, obj.artifact_object_id) is not None

    def start_process(self, activation, assignment: Assignment):
        activation.process.artifact = assignment
        return activation.process


class DirectiveFlow(flow.Flow):
    """A directive: leader approval → fan-out to units → wait for every unit → close with a summary."""

    process_class = DirectiveProcess
    process_title = _("Văn bản chỉ đạo")
    process_description = _("Duyệt, gửi tới các đơn vị, theo dõi từng đơn vị và tổng kết.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.directive.title }}"

    start = flow.StartHandle(this.start_process).Next(this.approve)

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

    # background job, then waiting for the units
    fan_out = flow.Handle().Annotation(title=_("Gửi tới đơn vị")).Next(this.wait_assignments)
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
    end = flow.End()

    def has_view_permission(self, user, obj=None):
        """The app is for issuers and approvers (units receive their share in UnitAssignmentFlow); a process
        only if its directive is one they may see."""
        if not access.uses_directive_flow(user):
            return False
        return obj is None or coordination_selectors.directive_for_user(user, obj.artifact_object_id) is not None

    def start_process(self, activation, directive: Directive):
        activation.process.artifact = directive
        return activation.process
