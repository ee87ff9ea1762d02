"""Who may do what with directives and unit assignments. The flows' human steps and the action pages call
these (for every HTTP method); services keep their own checks before each write."""

from __future__ import annotations

from org import selectors as org_selectors
from org.models import User

from .models import Assignment, Directive


def can_approve(user: User) -> bool:
    """The Director, the Deputies and the division manager approve (or return) directives."""
    return org_selectors.user_holds_permission(user, "coordination.approve_directive")


def can_revise(user: User, directive: Directive) -> bool:
    """A directive returned by a leader goes back to its author, while they still act for the issuing unit."""
    return user.is_authenticated and user.pk == directive.created_by_id and org_selectors.user_acts_for_unit(
        user, directive.issuing_unit)


def can_close(user: User, directive: Directive) -> bool:
    """The issuing unit writes the summary that closes a directive."""
    return org_selectors.user_acts_for_unit(user, directive.issuing_unit)


def can_cancel(user: User, directive: Directive) -> bool:
    """The issuing unit or a leader who approves directives cancels one that is still open."""
    return directive.status not in (Directive.Status.CLOSED, Directive.Status.CANCELLED) and (
        org_selectors.user_acts_for_unit(user, directive.issuing_unit) or can_approve(user))


def reviewing_unit(assignment: Assignment):
    """Who accepts a unit's report: the relaying unit for a relayed assignment, else the issuer."""
    return assignment.parent.unit if assignment.parent_id else assignment.directive.issuing_unit


def can_work_on(user: User, assignment: Assignment) -> bool:
    """The officers of the assigned unit acknowledge and report."""
    return org_selectors.user_acts_for_unit(user, assignment.unit)


def can_review_report(user: User, assignment: Assignment) -> bool:
    return org_selectors.user_acts_for_unit(user, reviewing_unit(assignment))
