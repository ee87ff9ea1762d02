"""What each human node of DirectiveFlow and UnitAssignmentFlow does: one coordination service, then
`activation.execute()`. Steps are named for their node (`approve_step` runs the `approve` node) so they are
not mistaken for the domain services they call. Announcements go out through signals.py."""

from viewflow.workflow.activation import Activation

from coordination import services as coordination
from coordination.models import Assignment, Directive
from org.models import User

from .signals import directive_approved, unit_acknowledged, unit_finished


def approve_step(activation: Activation, user: User, *, approve: bool, comment: str = "") -> Directive:
    directive = coordination.directive_decide(directive=activation.process.directive, user=user, approve=approve,
                                              comment=comment)
    activation.execute()
    if approve:
        directive_approved.send(sender=Directive, directive_id=directive.pk)
    return directive


def revise_step(activation: Activation, user: User, *, title: str, instructions: str) -> Directive:
    directive = coordination.directive_revise(directive=activation.process.directive, user=user, title=title,
                                              instructions=instructions)
    activation.execute()
    return directive


def close_step(activation: Activation, user: User, *, summary: str) -> Directive:
    directive = coordination.directive_close(directive=activation.process.directive, user=user, summary=summary)
    activation.execute()
    return directive


def acknowledge_step(activation: Activation, user: User, *, planned_air_at=None) -> Assignment:
    assignment = coordination.assignment_acknowledge(assignment=activation.process.assignment, user=user,
                                                     planned_air_at=planned_air_at)
    activation.execute()
    unit_acknowledged.send(sender=Assignment, assignment_id=assignment.pk)
    return assignment


def report_step(activation: Activation, user: User, **report) -> Assignment:
    assignment = coordination.assignment_report(assignment=activation.process.assignment, user=user, **report)
    activation.execute()
    return assignment


def device_report_step(activation: Activation, user: User, **report) -> Assignment:
    """The unit's broadcast confirmed by a machine (workflows.broadcast): `user` is the automatic account."""
    assignment = coordination.assignment_report_by_device(assignment=activation.process.assignment, account=user,
                                                          **report)
    activation.execute()
    return assignment


def review_step(activation: Activation, user: User, *, accept: bool, comment: str = "") -> Assignment:
    assignment = coordination.assignment_review(assignment=activation.process.assignment, user=user,
                                                accept=accept, comment=comment)
    activation.execute()
    if accept and assignment.parent_id is None:
        unit_finished.send(sender=Assignment, directive_id=assignment.directive_id)
    return assignment
