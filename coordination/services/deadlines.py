"""The deadline scan that runs every minute: reminders before an assignment's deadline, marking it overdue, and
escalation (the unit's leaders, then the parent unit, then the issuer), each step once per assignment."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind, Level
from notifications.services import notify
from org import selectors as org_selectors
from org.models import UnitKind

from .. import selectors
from ..models import Assignment, AssignmentEvent, DeadlinePolicy, Urgency
from .assignments import assignment_link


def _once(assignment: Assignment, kind: str, key: str, comment: str = "") -> bool:
    """Record an event at most once per key; True only for the call that recorded it."""
    _obj, created = AssignmentEvent.objects.get_or_create(
        assignment=assignment, once_key=key, defaults={"kind": kind, "comment": comment}
    )
    return created


@dataclass
class DeadlineScan:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    unacknowledged: int = 0  # urgent assignments escalated for not being received in time


def deadlines_scan(now: datetime | None = None) -> DeadlineScan:
    """Reminders before the deadline, overdue marking, escalation (unit leaders → parent unit → issuer).
    Runs every minute; each step happens once per assignment (unique once_key)."""
    now = now or timezone.now()
    policy = selectors.deadline_policy()
    result = DeadlineScan()
    open_qs = Assignment.objects.exclude(status__in=Assignment.CLOSED + (Assignment.Status.REPORTED,)).select_related(
        "directive", "unit", "parent__unit", "directive__issuing_unit")
    horizon = max(policy.reminder_offsets or [0])
    due_soon = list(open_qs.filter(deadline__gt=now, deadline__lte=now + timedelta(hours=horizon)))
    late = list(open_qs.filter(deadline__lte=now))
    # One query for what already happened, so a minute with nothing new costs two queries, not five per unit.
    done = set(AssignmentEvent.objects.filter(assignment__in=due_soon + late, once_key__isnull=False)
               .values_list("assignment_id", "once_key"))
    for assignment in due_soon:
        due_in = assignment.deadline - now
        passed = [h for h in policy.reminder_offsets if due_in <= timedelta(hours=h)]
        if passed and (assignment.pk, f"remind:{min(passed)}") not in done and _remind(assignment, min(passed)):
            result.reminded += 1
    for assignment in late:
        steps = [key for key in _late_steps(assignment, now, policy) if (assignment.pk, key) not in done]
        if not steps:
            continue
        with transaction.atomic():
            if "overdue" in steps:
                result.overdue += _mark_overdue(assignment, now)
            result.escalated += _escalate(assignment, [s for s in steps if s != "overdue"])
    result.unacknowledged = _unacknowledged_escalate(now, policy)
    return result


ACK_LATE = "escalate:not-received"


def _unacknowledged_escalate(now: datetime, policy: DeadlinePolicy) -> int:
    """An urgent directive (thượng khẩn, hỏa tốc; an emergency bulletin's broadcast) not received by a unit within
    `acknowledge_within_minutes`: its leaders and the issuer are told, once; the event names who was told (the
    emergency board shows it)."""
    minutes = policy.acknowledge_within_minutes
    if not minutes:
        return 0
    waiting = list(Assignment.objects.filter(
        status=Assignment.Status.PENDING, directive__urgency__rank__gte=Urgency.URGENT_RANK,
        created_at__lte=now - timedelta(minutes=minutes)).exclude(events__once_key=ACK_LATE)
        .select_related("directive__issuing_unit", "unit"))
    count = 0
    for assignment in waiting:
        leaders = list(org_selectors.people_of_unit(assignment.unit, leaders_only=True))
        issuer = assignment.directive.issuing_unit
        told = ", ".join([str(p) for p in leaders] + [issuer.name])
        with transaction.atomic():
            if not _once(assignment, AssignmentEvent.Kind.ESCALATED, ACK_LATE,
                         _("Chưa tiếp nhận sau %(m)s phút: đã báo %(told)s") % {"m": minutes, "told": told}):
                continue
            notify(leaders + [issuer], kind=Kind.ESCALATION, level=Level.URGENT,
                   title=_("%(unit)s chưa tiếp nhận sau %(m)s phút: %(t)s") % {
                       "unit": assignment.unit.name, "m": minutes, "t": _title(assignment)},
                   link=assignment_link(assignment), dedupe_key=f"{ACK_LATE}:{assignment.pk}")
        count += 1
    return count


def _late_steps(assignment: Assignment, now: datetime, policy: DeadlinePolicy) -> list[str]:
    """The once-keys due for a late assignment: overdue, then escalation to leaders, parent unit, issuer."""
    late = now - assignment.deadline
    steps = ["overdue", "escalate:leaders"]
    if late >= timedelta(hours=policy.escalate_parent_after_hours):
        steps.append("escalate:parent")
    if late >= timedelta(hours=policy.escalate_issuer_after_hours):
        steps.append("escalate:issuer")
    return steps


def _title(assignment: Assignment) -> str:
    return assignment.directive.title


def _remind(assignment: Assignment, hours: int) -> bool:
    with transaction.atomic():
        if not _once(assignment, AssignmentEvent.Kind.REMINDED, f"remind:{hours}"):
            return False
        notify([assignment.assignee] if assignment.assignee else [assignment.unit], kind=Kind.DUE_SOON,
               level=Level.WARNING,
               title=_("Sắp đến hạn (%(h)s giờ): %(t)s") % {"h": hours, "t": _title(assignment)},
               link=assignment_link(assignment), dedupe_key=f"remind:{assignment.pk}:{hours}")
        return True


def _mark_overdue(assignment: Assignment, now: datetime) -> int:
    if not _once(assignment, AssignmentEvent.Kind.OVERDUE, "overdue"):
        return 0
    # Saved on a fresh row (not the scan's possibly stale copy) so the history snapshot is true.
    fresh = Assignment.objects.get(pk=assignment.pk)
    fresh.overdue_since, fresh._change_reason = assignment.deadline, _("Quá hạn")
    fresh.save(update_fields=["overdue_since"])
    notify([assignment.unit], kind=Kind.OVERDUE, level=Level.URGENT,
           title=_("Quá hạn: %(t)s") % {"t": _title(assignment)},
           link=assignment_link(assignment), dedupe_key=f"overdue:{assignment.pk}")
    return 1


def _escalate(assignment: Assignment, keys: list[str]) -> int:
    """Tell the next people up, once per step. A step with nobody to tell is recorded all the same, so the
    next minute does not look again."""
    count = 0
    for key in keys:
        step = key.split(":", 1)[1]
        recipients = _escalation_recipients(assignment, step)
        if not _once(assignment, AssignmentEvent.Kind.ESCALATED, key, step if recipients else f"{step}: —"):
            continue
        if not recipients:
            continue
        notify(recipients, kind=Kind.ESCALATION, level=Level.URGENT,
               title=_("%(unit)s quá hạn: %(t)s") % {"unit": assignment.unit.name, "t": _title(assignment)},
               link=assignment_link(assignment), dedupe_key=f"escalate:{assignment.pk}:{step}")
        count += 1
    return count


def _escalation_recipients(assignment: Assignment, step: str) -> list:
    if step == "leaders":
        return list(org_selectors.people_of_unit(assignment.unit, leaders_only=True))
    if step == "parent":
        parent = assignment.parent.unit if assignment.parent_id else assignment.unit.parent
        return [parent] if parent and parent.kind != UnitKind.CITY else []
    return [assignment.directive.issuing_unit]


