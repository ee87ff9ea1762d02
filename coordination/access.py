"""Who may do what with directives and unit assignments: the one place coordination says who may issue, approve,
revise, close and cancel a directive, and who may act on, relay, name the officer of, review, reopen and cancel a
unit's assignment. Pages, the flows' human steps and the services call these; services check before every write.

Two strengths, on purpose:
- `can_*`: what pages offer and what the flows' human steps let through (`.Access(...)`), read from memberships;
  the superuser flag alone does not count (administering the system is not doing the Department's work).
- `may_*`: the guards a service runs before it writes, and the action pages that mirror one service: Django's
  permission check, as the flow nodes' `.Permission(...)` makes it (a unit group's object permission, or the
  superuser flag)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from org import selectors as org_selectors
from org.models import Role, Unit, UnitKind, User

from .models import Assignment, Directive
from .selectors import reviewer_unit

# The Department's own units issue directives; districts and communes relay and report.
ISSUING_KINDS = (UnitKind.DEPARTMENT, UnitKind.DIVISION, UnitKind.BOARD, UnitKind.LEADERSHIP)
APPROVE_PERMISSION = "coordination.approve_directive"


# --- pages and the flows' human steps (memberships) ------------------------------------------------------------

def issuing_units(user: User):
    """The Department units this person issues directives for, through a membership in a working role (the
    system administrator's unit operates the system, it does not direct the communes)."""
    working = {unit for role, unit in org_selectors.user_memberships(user) if role != Role.ADMIN}
    return org_selectors.units_acted_for(user).filter(kind__in=ISSUING_KINDS, pk__in=working)


def can_issue(user: User) -> bool:
    return user.is_authenticated and issuing_units(user).exists()


def uses_directive_flow(user: User) -> bool:
    """Who the "Văn bản chỉ đạo" flow app is for: issuers, approvers and those who supervise every unit."""
    return user.is_authenticated and (can_issue(user) or can_approve(user)
                                      or user.has_perm("org.supervise_all_units"))


def can_approve(user: User) -> bool:
    """The Director, the Deputies and the division manager approve (or return) directives."""
    return org_selectors.user_holds_permission(user, APPROVE_PERMISSION)


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


def can_work_on(user: User, assignment: Assignment) -> bool:
    """The officers of the assigned unit acknowledge and report."""
    return org_selectors.user_acts_for_unit(user, assignment.unit)


def can_review_report(user: User, assignment: Assignment) -> bool:
    """The reviewing unit (the relaying unit for a relayed assignment, else the issuer) accepts or returns."""
    return org_selectors.user_acts_for_unit(user, reviewer_unit(assignment))


# --- services' guards and the action pages that mirror one service (Django's permission check) ----------------

def may_act_for(user: User, unit: Unit) -> bool:
    return org_selectors.user_can_act_for(user, unit)


def may_issue_for(user: User, unit: Unit) -> bool:
    """Issue a directive in the name of `unit`: one of the Department's own units the user acts for."""
    return may_act_for(user, unit) and unit.kind in ISSUING_KINDS


def may_approve(user: User) -> bool:
    """Approve or return a directive: what the DirectiveFlow's approve node asks of its executor."""
    return user.has_perm(APPROVE_PERMISSION)


def may_revise(user: User, directive: Directive) -> bool:
    """A directive returned by a leader is revised by its author."""
    return user == directive.created_by


def may_close(user: User, directive: Directive) -> bool:
    return may_act_for(user, directive.issuing_unit)


def may_work_on(user: User, assignment: Assignment) -> bool:
    """Acknowledge, report on and relay a unit's assignment: the unit's officers."""
    return may_act_for(user, assignment.unit)


def may_relay(user: User, assignment: Assignment) -> bool:
    """A district passes its assignment on to its communes."""
    return may_work_on(user, assignment)


def may_name_officer(user: User, assignment: Assignment) -> bool:
    """The unit that gave the work (the issuer or the relaying district) names who handles it."""
    return may_act_for(user, reviewer_unit(assignment))


def may_review(user: User, assignment: Assignment) -> bool:
    return may_act_for(user, reviewer_unit(assignment))


def may_reopen(user: User, assignment: Assignment) -> bool:
    """Only a relayed assignment is reopened, by the unit that relayed it."""
    return assignment.parent_id is not None and may_act_for(user, assignment.parent.unit)


def may_cancel_assignment(user: User, assignment: Assignment) -> bool:
    return may_act_for(user, reviewer_unit(assignment))


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def require_unit_officer(user: User, assignment: Assignment) -> None:
    require(may_work_on(user, assignment), _("Bạn không thuộc đơn vị được giao nhiệm vụ này."))
