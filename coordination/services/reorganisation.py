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
from org.targets import targets_resolve

from ..models import Assignment, AssignmentEvent, AssignmentEvidence, Directive
from .assignments import assignments_create

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
    # the successor's own assignment was closed: the predecessors' merged into it (events, evidence), it stays closed
    conflicts: list[AssignmentMove] = field(default_factory=list)

    @property
    def moved(self) -> list[Assignment]:
        return [m.kept for m in self.moves]

    @property
    def merged(self) -> list[Assignment]:
        """Closed by the move: merged into another's assignment (the flows of these end)."""
        return [a for m in self.moves for a in m.merged] + [a for m in self.conflicts for a in m.predecessors]

    @property
    def predecessor_count(self) -> int:
        return sum(len(m.predecessors) for m in self.moves + self.conflicts)


def _strictest(statuses) -> str:
    return min(statuses, key=STRICTNESS.index)


def _merge(kept: Assignment, others: list[Assignment], actor: User | None, now, *, reason: str) -> None:
    """Close `others` as merged into `kept`, which takes their events and evidence (nothing is deleted)."""
    for other in others:
        AssignmentEvent.objects.filter(assignment=other).update(assignment=kept)
        AssignmentEvidence.objects.filter(assignment=other).update(assignment=kept)
        other.status, other.closed_at, other.cancel_reason = Assignment.Status.CANCELLED, now, reason
        other._change_reason = reason[:100]
        other.save(update_fields=["status", "closed_at", "cancel_reason"])
        AssignmentEvent.objects.create(assignment=other, kind=AssignmentEvent.Kind.MERGED, actor=actor,
                                       comment=reason)
        AssignmentEvent.objects.create(
            assignment=kept, kind=AssignmentEvent.Kind.MERGED, actor=actor,
            comment=_("Nhận nhiệm vụ của %(unit)s.") % {"unit": other.unit.name})


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
            # the successor has finished this directive already: the predecessors' work joins its record
            _merge(existing, predecessors, actor, now, reason=_(
                "%(unit)s đã hoàn thành nhiệm vụ này; hợp nhất vào nhiệm vụ đó (sắp xếp đơn vị hành chính).")
                % {"unit": successor.name})
            result.conflicts.append(AssignmentMove(
                directive_id=directive_id, successor=successor, kept=existing, predecessors=predecessors,
                status_before={a.pk: a.status for a in predecessors}, status=existing.status,
                predecessor_units=[a.unit for a in predecessors]))
            continue
        members = predecessors + ([existing] if existing is not None else [])
        status = _strictest(a.status for a in members)
        kept = existing or next(a for a in predecessors if a.status == status)
        move = AssignmentMove(directive_id=directive_id, successor=successor, kept=kept, predecessors=predecessors,
                              status_before={a.pk: a.status for a in members}, status=status,
                              predecessor_units=[a.unit for a in predecessors])
        _merge(kept, move.merged, actor, now, reason=_(
            "Hợp nhất vào nhiệm vụ của %(unit)s (sắp xếp đơn vị hành chính).") % {"unit": successor.name})
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


@dataclass
class DistrictsEnd:
    ended: list[Assignment] = field(default_factory=list)  # the districts' open assignments, now cancelled
    created: list[Assignment] = field(default_factory=list)  # for successors, where a district had not relayed


@transaction.atomic
def district_assignments_end(*, districts: list[Unit], successors: dict[int, set[int]],
                             actor: User | None = None) -> DistrictsEnd:
    """A district that ceased ends its open assignments with a note. One it had not passed on to any commune
    goes, as a new assignment, to every successor of its communes (`successors`: district id → unit ids) that
    holds none of that directive; what it had relayed already moved with the communes. Idempotent."""
    result = DistrictsEnd()
    open_ = (Assignment.objects.select_for_update().exclude(status__in=Assignment.CLOSED)
             .filter(unit__in=districts).select_related("directive", "unit").order_by("directive_id", "pk"))
    now = timezone.now()
    for assignment in open_:
        reason = _("%(unit)s không còn sau sắp xếp đơn vị hành chính; nhiệm vụ kết thúc.") % {
            "unit": assignment.unit.name}
        if not assignment.children.exists():
            units = list(Unit.objects.filter(pk__in=successors.get(assignment.unit_id, ())).order_by("path"))
            created = assignments_create(assignment.directive, units, actor=actor)
            AssignmentEvent.objects.bulk_create([AssignmentEvent(
                assignment=a, kind=AssignmentEvent.Kind.MOVED, actor=actor,
                comment=_("Nhận từ %(unit)s (sắp xếp đơn vị hành chính).") % {"unit": assignment.unit.name})
                for a in created])
            result.created.extend(created)
            if created:
                reason = _("%(unit)s không còn sau sắp xếp đơn vị hành chính; nhiệm vụ giao cho %(n)d đơn vị "
                           "kế thừa.") % {"unit": assignment.unit.name, "n": len(created)}
        assignment.status, assignment.closed_at, assignment.cancel_reason = Assignment.Status.CANCELLED, now, reason
        assignment._change_reason = reason[:100]
        assignment.save(update_fields=["status", "closed_at", "cancel_reason"])
        AssignmentEvent.objects.create(assignment=assignment, kind=AssignmentEvent.Kind.CANCELLED, actor=actor,
                                       comment=reason)
        result.ended.append(assignment)
    return result


# Not fanned out yet, or out and open: a reorganisation addresses them to the new structure. A fan-out in
# progress is waited for (workflows.reorganisation refuses to start during one).
RETARGETABLE = (Directive.Status.DRAFT, Directive.Status.PENDING_APPROVAL, Directive.Status.RETURNED,
                Directive.Status.IN_PROGRESS)


@transaction.atomic
def directives_retarget(*, source: str, target: str, succeed, actor: User | None = None) -> list[Directive]:
    """Address every open directive naming the `source` structure to `target` (`succeed(spec)`: see
    org.targets.target_spec_succeed): the ones not sent fan out to the new units; for the ones out, the spec
    shows to whom it now goes (their assignments moved). Idempotent."""
    moved = []
    for directive in Directive.objects.select_for_update().filter(
            status__in=RETARGETABLE, target_spec__structure=source).order_by("pk"):
        directive.target_spec = succeed(directive.target_spec)
        directive._change_reason = _("Sắp xếp đơn vị hành chính")
        directive.save(update_fields=["target_spec"])
        moved.append(directive)
    return moved


@transaction.atomic
def directives_top_up(directives: list[Directive], *, actor: User | None = None) -> list[Assignment]:
    """A directive out to a whole set ("all communes") reaches the whole set of the new structure: a unit
    that is nobody's default successor (Yên Sở, made of parts of five divided communes) gets its own
    assignment. Units named one by one are not topped up: their work went to the default successor."""
    created = []
    for directive in directives:
        sets = directive.target_spec.get("sets") or []
        if directive.status != Directive.Status.IN_PROGRESS or not sets:
            continue
        units = targets_resolve({"sets": sets, "structure": directive.target_spec["structure"]})
        new = assignments_create(directive, units, actor=actor)
        AssignmentEvent.objects.bulk_create([AssignmentEvent(
            assignment=a, kind=AssignmentEvent.Kind.MOVED, actor=actor,
            comment=_("Giao bổ sung cho đơn vị mới (sắp xếp đơn vị hành chính).")) for a in new])
        created.extend(new)
    return created
