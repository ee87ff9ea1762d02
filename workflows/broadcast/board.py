"""The emergency board: for an urgent directive (thượng khẩn, hỏa tốc; an emergency bulletin's broadcast), each
target unit's state at a glance, counters on top, refreshed live (consumers.py pushes "changed"; the page fetches
the rows again). In a fixed number of queries whatever the number of units."""

from dataclasses import dataclass

from django.db.models import Count, Q

from broadcast.models import Cluster
from coordination import selectors as coordination_selectors
from coordination.models import Assignment, AssignmentEvent, Directive, Urgency
from coordination.services.deadlines import ACK_LATE
from org import selectors as org_selectors
from org.models import User
from org.services import MACHINE_USERNAME


def board_directive(user: User, pk: int) -> Directive | None:
    """The urgent directive `user` may follow unit by unit; None otherwise (the page answers 404)."""
    directive = coordination_selectors.directive_for_user(user, pk)
    if directive is None or directive.urgency.rank < Urgency.URGENT_RANK:
        return None
    return directive if coordination_selectors.user_sees_whole_directive(user, directive) else None


def urgent_directives(user: User):
    """The open urgent directives `user` may follow unit by unit, newest first, with their counts."""
    qs = coordination_selectors.directives_visible_to(user).filter(
        urgency__rank__gte=Urgency.URGENT_RANK,
        status__in=[Directive.Status.FANNING_OUT, Directive.Status.IN_PROGRESS])
    if not (user.is_superuser or user.has_perm("org.supervise_all_units")):
        qs = qs.filter(issuing_unit__in=org_selectors.units_visible_to(user).values("pk"))
    return qs.annotate(
        units=Count("assignments", filter=Q(assignments__parent=None), distinct=True),
        waiting=Count("assignments", distinct=True, filter=Q(
            assignments__parent=None, assignments__status=Assignment.Status.PENDING))).order_by("-created_at")


def is_urgent(directive: Directive) -> bool:
    return directive.urgency.rank >= Urgency.URGENT_RANK


@dataclass
class BoardRow:
    assignment: Assignment
    aired: str  # "", "hand" or "log"
    clusters: int
    offline: int
    escalated: str  # who was told, when a unit was late to receive it


@dataclass
class Board:
    rows: list[BoardRow]
    total: int
    received: int
    aired: int
    aired_by_log: int
    waiting: int
    escalated: int
    offline_units: int


def board(directive: Directive) -> Board:
    assignments = list(directive.assignments.filter(parent=None).select_related("unit").order_by("unit__path"))
    units = [a.unit_id for a in assignments]
    by_machine = set(AssignmentEvent.objects.filter(
        assignment__directive=directive, kind=AssignmentEvent.Kind.REPORTED,
        actor__username=MACHINE_USERNAME).values_list("assignment_id", flat=True))
    escalated = dict(AssignmentEvent.objects.filter(assignment__directive=directive, once_key=ACK_LATE)
                     .values_list("assignment_id", "comment"))
    clusters = {row["unit_id"]: row for row in Cluster.objects.filter(unit_id__in=units, is_active=True)
                .values("unit_id").annotate(n=Count("pk"), off=Count("pk", filter=Q(status=Cluster.Status.OFFLINE)))}
    done = (Assignment.Status.REPORTED, Assignment.Status.ACCEPTED)
    rows = []
    for a in assignments:
        aired = ("log" if a.pk in by_machine else "hand") if a.status in done else ""
        c = clusters.get(a.unit_id, {"n": 0, "off": 0})
        rows.append(BoardRow(assignment=a, aired=aired, clusters=c["n"], offline=c["off"],
                             escalated=escalated.get(a.pk, "")))
    return Board(rows=rows, total=len(rows), received=sum(1 for r in rows if r.assignment.received_at),
                 aired=sum(1 for r in rows if r.aired), aired_by_log=sum(1 for r in rows if r.aired == "log"),
                 waiting=sum(1 for r in rows if r.assignment.status == Assignment.Status.PENDING),
                 escalated=sum(1 for r in rows if r.escalated), offline_units=sum(1 for r in rows if r.offline))


def board_group(directive_id: int) -> str:
    return f"board.{directive_id}"
