"""What a periodic report's report and review nodes do (UnitAssignmentFlow.report and .review, when the
assignment carries a period): one reporting service, then `activation.execute()`."""

from viewflow.workflow.activation import Activation

from coordination.models import Assignment
from org.models import User
from reporting import services as reporting_services
from reporting.models import UnitReport

from ..directive.signals import unit_finished


def report_submit_step(activation: Activation, user: User, *, values: dict | None = None,
                       notes: str = "") -> UnitReport:
    report = reporting_services.report_submit(assignment=activation.process.assignment, user=user, values=values,
                                              notes=notes)
    activation.execute()
    return report


def report_review_step(activation: Activation, user: User, *, accept: bool, comment: str = "") -> UnitReport:
    report = reporting_services.report_review(assignment=activation.process.assignment, user=user, accept=accept,
                                              comment=comment)
    activation.execute()
    assignment: Assignment = activation.process.assignment
    if accept and assignment.parent_id is None:
        unit_finished.send(sender=Assignment, directive_id=assignment.directive_id)
    return report
