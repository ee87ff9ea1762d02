"""Who may do what with directives and unit assignments. The flows' human steps and the action pages call
these (for every HTTP method); services keep their own checks before each write."""

from __future__ import annotations

from org import selectors as org_selectors
from org.models import Membership, Role, UnitKind, User

from .models import Assignment, Directive

# The Department's own units issue directives; districts and communes relay and report.
ISSUING_KINDS = (UnitKind.DEPARTMENT, UnitKind.DIVISION, UnitKind.BOARD, UnitKind.LEADERSHIP)


def issuing_units(user: User):
    """The Department units this person issues directives for, through a membership in a working role (the
    system administrator's unit operates the system, it does not direct the communes)."""
    working = Membership.objects.filter(user=user).exclude(role=Role.ADMIN).values("unit_id") \
        if user.is_authenticated else Membership.objects.none().values("unit_id")
    return org_selectors.units_acted_for(user).filter(kind__in=ISSUING_KINDS, pk__in=working)


def can_issue(user: User) -> bool:
    return user.is_authenticated and issuing_units(user).exists()


def uses_directive_flow(user: User) -> bool:
    """Who the "Văn bản chỉ đạo" flow app is for: issuers, approvers and those who supervise every unit."""
    return user.is_authenticated and (can_issue(user) or can_approve(user)
                                      or user.has_perm("org.supervise_all_units"))


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


CANCELLABLE = (Directive.Status.PENDING_APPROVAL, Directive.Status.RETURNED, Directive.Status.IN_PROGRESS)


def can_cancel(user: User, directive: Directive) -> bool:
    """The issuing unit or a leader who approves directives cancels one that is still open (not while its
    assignments are being created)."""
    return directive.status in CANCELLABLE and (
        org_selectors.user_acts_for_unit(user, directive.issuing_unit) or can_approve(user))


def reviewing_unit(assignment: Assignment):
    """Who accepts a unit's report: the relaying unit for a relayed assignment, else the issuer."""
    return assignment.parent.unit if assignment.parent_id else assignment.directive.issuing_unit


def can_work_on(user: User, assignment: Assignment) -> bool:
    """The officers of the assigned unit acknowledge and report."""
    return org_selectors.user_acts_for_unit(user, assignment.unit)


def can_review_report(user: User, assignment: Assignment) -> bool:
    return org_selectors.user_acts_for_unit(user, reviewing_unit(assignment))
