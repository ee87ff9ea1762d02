"""What a periodic report's report and review nodes do (UnitAssignmentFlow.report and .review, when the
assignment carries a period): one reporting service, then `activation.execute()`."""

from viewflow.workflow.activation import Activation

from coordination import services as coordination
from coordination.models import Assignment, UnitReport
from org.models import User

from ..directive.signals import unit_finished


def report_submit_step(activation: Activation, user: User, *, values: dict | None = None,
                       notes: str = "") -> UnitReport:
    report = coordination.report_submit(assignment=activation.process.assignment, user=user, values=values,
                                        notes=notes)
    activation.execute()
    return report


def report_review_step(activation: Activation, user: User, *, accept: bool, comment: str = "") -> UnitReport:
    report = coordination.report_review(assignment=activation.process.assignment, user=user, accept=accept,
                                        comment=comment)
    activation.execute()
    assignment: Assignment = activation.process.assignment
    if accept and assignment.parent_id is None:
        unit_finished.send(sender=Assignment, directive_id=assignment.directive_id)
    return report
