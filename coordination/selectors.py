"""Reads for directive and assignment pages; query counts do not depend on the number of rows."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from org import selectors as org_selectors
from org.audit import HistoryEntry, history_entries
from org.models import Unit, UnitKind, User

from .models import (
    Assignment,
    AssignmentEvidence,
    DeadlinePolicy,
    Directive,
    DirectiveAttachment,
    ReportRequirement,
)


def directives_visible_to(user: User) -> QuerySet[Directive]:
    """The issuer's unit and people who supervise everything see a directive; units see those addressed
    to them (or to the units below them)."""
    qs = Directive.objects.select_related("issuing_unit", "urgency", "created_by")
    if user.is_superuser or user.has_perm("org.supervise_all_units"):
        return qs
    units = org_selectors.units_visible_to(user).values("pk")
    return qs.filter(Q(issuing_unit__in=units) | Q(assignments__unit__in=units)).distinct()


def directive_for_user(user: User, pk: int) -> Directive | None:
    return directives_visible_to(user).filter(pk=pk).first()


def user_sees_whole_directive(user: User, directive: Directive) -> bool:
    return user.is_superuser or user.has_perm("org.supervise_all_units") or org_selectors.user_can_see_unit(
        user, directive.issuing_unit
    )


def directive_attachment_for_user(user: User, directive_pk: int, pk: int) -> DirectiveAttachment | None:
    """An attachment goes to whoever may see its directive."""
    directive = directive_for_user(user, directive_pk)
    return None if directive is None else directive.attachments.filter(pk=pk).first()


def evidence_for_user(user: User, assignment_pk: int, pk: int) -> AssignmentEvidence | None:
    """Report evidence goes to the assignment's unit (and the units above it), the unit that reviews the report
    (the relaying unit or the issuer) and whoever sees the whole directive."""
    evidence = (AssignmentEvidence.objects.select_related("assignment__unit", "assignment__parent__unit",
                                                          "assignment__directive__issuing_unit")
                .filter(pk=pk, assignment_id=assignment_pk).first())
    if evidence is None or not user.is_authenticated:
        return None
    assignment = evidence.assignment
    if (org_selectors.user_can_see_unit(user, assignment.unit)
            or org_selectors.user_can_see_unit(user, reviewer_unit(assignment))
            or user_sees_whole_directive(user, assignment.directive)):
        return evidence
    return None


def assignment_rows(directive: Directive, user: User, *, status: str | None = None, overdue: bool = False,
                    parent_unit: int | None = None, now: datetime | None = None) -> QuerySet[Assignment]:
    """The per-unit table: everything for the issuer, only the user's own units (and below) otherwise."""
    now = now or timezone.now()
    qs = directive.assignments.select_related("unit", "unit__parent", "assignee", "parent__unit").order_by(
        "unit__path")
    if not user_sees_whole_directive(user, directive):
        qs = qs.filter(unit__in=org_selectors.units_visible_to(user).values("pk"))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.exclude(status__in=Assignment.CLOSED).filter(deadline__lt=now)
    if parent_unit:
        qs = qs.filter(unit__parent_id=parent_unit)
    return qs


def directive_districts(directive: Directive) -> QuerySet[Unit]:
    """The districts the directive reached, or whose communes it reached (the per-unit table's filter)."""
    units = directive.assignments.values("unit_id")
    parents = directive.assignments.values("unit__parent_id")
    return Unit.objects.filter(Q(pk__in=units) | Q(pk__in=parents), kind=UnitKind.DISTRICT).order_by("path")


def directive_progress(directive: Directive) -> dict:
    counts = directive.assignments.aggregate(
        total=Count("pk"),
        received=Count("pk", filter=Q(received_at__isnull=False)),
        reported=Count("pk", filter=Q(reported_at__isnull=False)),
        done=Count("pk", filter=Q(status=Assignment.Status.ACCEPTED)),
        cancelled=Count("pk", filter=Q(status=Assignment.Status.CANCELLED)),
        overdue=Count("pk", filter=Q(deadline__lt=timezone.now()) & ~Q(status__in=Assignment.CLOSED)),
    )
    return counts


def assignment_detail(pk: int) -> Assignment:
    return Assignment.objects.select_related(
        "directive__issuing_unit", "directive__urgency", "unit", "parent__unit", "assignee", "received_by"
    ).prefetch_related("events__actor", "children__unit", "evidence").get(pk=pk)


def assignment_for_user(user: User, pk: int) -> Assignment | None:
    assignment = Assignment.objects.select_related("directive__issuing_unit", "unit").filter(pk=pk).first()
    if assignment is None:
        return None
    if org_selectors.user_can_see_unit(user, assignment.unit) or user_sees_whole_directive(user, assignment.directive):
        return assignment_detail(pk)
    return None


def directive_history(directive: Directive) -> list[HistoryEntry]:
    """Every version of the directive (each leader comment, each text), oldest first."""
    return history_entries(directive)


def assignment_history(assignment: Assignment) -> list[HistoryEntry]:
    return history_entries(assignment)


def assignments_asking_air_time(assignment_ids) -> set[int]:
    """Which of these assignments ask for a planned air time when acknowledged (a normal bulletin's broadcast)."""
    rows = Assignment.objects.filter(pk__in=list(assignment_ids)).values_list("pk", "directive__report_requirements")
    return {pk for pk, requirements in rows if ReportRequirement.SCHEDULE in (requirements or [])}


def reviewer_unit(assignment: Assignment) -> Unit:
    """Who accepts a unit's report: the relaying unit for a relayed assignment, else the issuer."""
    return assignment.parent.unit if assignment.parent_id else assignment.directive.issuing_unit


def officer_candidates(assignment: Assignment) -> QuerySet[User]:
    """Who may be named for a unit's assignment: the active people of that unit."""
    return org_selectors.people_of_unit(assignment.unit)


def relay_candidates(assignment: Assignment) -> list[Unit]:
    """The communes under the assigned unit, which it may pass its assignment on to."""
    return list(org_selectors.units_under(assignment.unit).filter(kind=UnitKind.COMMUNE).order_by("path"))


@dataclass(frozen=True)
class Rollup:
    total: int
    received: int
    done: int
    cancelled: int
    late: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.cancelled


def assignment_rollup(assignment: Assignment, now: datetime | None = None) -> Rollup:
    """Where the assignments relayed from this one stand (a district reports once its communes are done)."""
    now = now or timezone.now()
    children = list(assignment.children.all())
    return Rollup(
        total=len(children),
        received=sum(1 for c in children if c.received_at),
        done=sum(1 for c in children if c.status == Assignment.Status.ACCEPTED),
        cancelled=sum(1 for c in children if c.status == Assignment.Status.CANCELLED),
        late=sum(1 for c in children if c.late_by(now)),
    )


def deadline_policy() -> DeadlinePolicy:
    """The reminder and escalation timings (the first row; the defaults when there is none)."""
    return DeadlinePolicy.objects.order_by("pk").first() or DeadlinePolicy()


def fanout_progress_key(directive_id: int) -> str:
    """The cache key under which the fan-out job counts the assignments it has created so far (the workflow
    engine writes it while it runs; the directive page polls fanout_progress)."""
    return f"fanout-progress:{directive_id}"


def fanout_progress(directive: Directive) -> dict:
    """How far the fan-out is: the running job's count while it runs, else what the directive row says."""
    live = cache.get(fanout_progress_key(directive.pk)) or {}
    return {"status": directive.status, "done": live.get("done", directive.fanout_done),
            "total": live.get("total", directive.fanout_total)}
