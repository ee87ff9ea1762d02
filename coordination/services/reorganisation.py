"""The reorganisation's share of coordination: every open assignment of a unit that ceased goes to its
(default) successor; where several predecessors of one successor hold the same directive, the successor keeps
ONE assignment carrying all their events and evidence, in the strictest state, and the others close as merged.
Nothing is deleted. The flows follow in workflows.reorganisation."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Unit, User

from ..models import Assignment, AssignmentEvent, AssignmentEvidence

# the least progressed state wins: "received" only if every predecessor had received it
STRICTNESS = [Assignment.Status.PENDING, Assignment.Status.RECEIVED, Assignment.Status.RETURNED,
              Assignment.Status.REPORTED]


@dataclass
class AssignmentMove:
    directive_id: int
    successor: Unit
    kept: Assignment
    predecessors: list[Assignment]  # every open one that went into `kept` (kept itself included when it moved)
    status_before: dict[int, str]
    status: str
    predecessor_units: list[Unit] = field(default_factory=list)  # as they were before the move

    @property
    def merged(self) -> list[Assignment]:
        return [a for a in self.predecessors if a.pk != self.kept.pk]


@dataclass
class AssignmentsMoveResult:
    moves: list[AssignmentMove] = field(default_factory=list)
    conflicts: list[Assignment] = field(default_factory=list)  # the successor's own is closed: left as they are

    @property
    def moved(self) -> list[Assignment]:
        return [m.kept for m in self.moves]

    @property
    def merged(self) -> list[Assignment]:
        return [a for m in self.moves for a in m.merged]

    @property
    def predecessor_count(self) -> int:
        return sum(len(m.predecessors) for m in self.moves)


def _strictest(statuses) -> str:
    return min(statuses, key=STRICTNESS.index)


@transaction.atomic
def assignments_move_to_successors(*, successor_of: dict[int, Unit], actor: User | None = None
                                   ) -> AssignmentsMoveResult:
    """Move every open assignment of a predecessor unit (a key of `successor_of`: unit id → its default
    successor) to that successor. Idempotent: a second run finds no open assignment on a predecessor."""
    result = AssignmentsMoveResult()
    open_ = (Assignment.objects.select_for_update().exclude(status__in=Assignment.CLOSED)
             .filter(unit_id__in=list(successor_of)).order_by("directive_id", "unit__path", "pk"))
    groups: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
    for assignment in open_:
        groups[(assignment.directive_id, successor_of[assignment.unit_id].pk)].append(assignment)
    successors = {u.pk: u for u in successor_of.values()}
    already = {(a.directive_id, a.unit_id): a for a in Assignment.objects.select_for_update().filter(
        unit_id__in=[s for _d, s in groups], directive_id__in=[d for d, _s in groups])}
    now = timezone.now()
    for (directive_id, successor_id), predecessors in groups.items():
        successor = successors[successor_id]
        existing = already.get((directive_id, successor_id))
        if existing is not None and existing.is_closed:
            result.conflicts.extend(predecessors)
            continue
        members = predecessors + ([existing] if existing is not None else [])
        status = _strictest(a.status for a in members)
        kept = existing or next(a for a in predecessors if a.status == status)
        move = AssignmentMove(directive_id=directive_id, successor=successor, kept=kept, predecessors=predecessors,
                              status_before={a.pk: a.status for a in members}, status=status,
                              predecessor_units=[a.unit for a in predecessors])
        for other in move.merged:
            AssignmentEvent.objects.filter(assignment=other).update(assignment=kept)
            AssignmentEvidence.objects.filter(assignment=other).update(assignment=kept)
            other.status, other.closed_at = Assignment.Status.CANCELLED, now
            other.cancel_reason = _("Hợp nhất vào nhiệm vụ của %(unit)s (sắp xếp đơn vị hành chính).") % {
                "unit": successor.name}
            other.save(update_fields=["status", "closed_at", "cancel_reason"])
            AssignmentEvent.objects.create(assignment=other, kind=AssignmentEvent.Kind.MERGED, actor=actor,
                                           comment=other.cancel_reason)
            AssignmentEvent.objects.create(
                assignment=kept, kind=AssignmentEvent.Kind.MERGED, actor=actor,
                comment=_("Nhận nhiệm vụ của %(unit)s.") % {"unit": other.unit.name})
        if kept.unit_id != successor_id:
            comment = _("Chuyển từ %(old)s sang %(new)s (sắp xếp đơn vị hành chính).") % {
                "old": kept.unit.name, "new": successor.name}
            kept.unit, kept.parent = successor, None
            AssignmentEvent.objects.create(assignment=kept, kind=AssignmentEvent.Kind.MOVED, actor=actor,
                                           comment=comment)
        if kept.status != status:
            kept.status = status
            if status == Assignment.Status.PENDING:
                kept.received_at = kept.received_by = None
            if status != Assignment.Status.REPORTED:
                kept.reported_at = None
        kept.save()
        result.moves.append(move)
    return result
