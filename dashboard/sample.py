"""Generated work for the dashboard's demo, tests, screenshots and benchmark: N assignments over a year's directives
to the units of a structure, written in bulk (bulk_create: no signals, no history rows, no flow tasks). Part of
the directives are bulletins' broadcasts (a published bulletin on a plan topic whose process names the directive),
part of those confirmed by play logs (the automatic account's REPORTED event); late open work carries the
deadline engine's events up to the escalation step its lateness reached. A unit that received a bulletin's
broadcast gave the time it will air it (`report_figures["planned_air_at"]`, the air-schedule calendar); two units
in three have IP clusters, whose air plan carries that time (an emergency's plays at once). Deterministic for a
given seed.

Only for a demo or test database: it writes rows that no flow drives (`manage.py dashboard_sample`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from broadcast.models import AirPlan
from coordination.models import Assignment, AssignmentEvent, Directive, Urgency
from editorial.models import Bulletin, PlanTopic, Priority
from org.models import Structure, Unit, UnitKind, User
from org.services import machine_user
from workflows.bulletin.flow import BulletinFlow

SAMPLE_TITLE_PREFIX = "[Mẫu] "
ISSUERS = ("SVHTT-TTBCXB", "SVHTT-TTS")
AIR_SLOTS = ((6, 0), (6, 30), (11, 0), (17, 0), (17, 30))  # when communes air their bulletins


@dataclass
class SampleResult:
    directives: int
    assignments: int
    bulletins: int
    events: int
    plans: int = 0


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(max(1, int((end - start).total_seconds()))))


@transaction.atomic
def work_sample_create(*, assignments: int, structure: str, now: datetime, year: int | None = None,
                       seed: int = 2025) -> SampleResult:
    """Write `assignments` assignments (one per unit per directive, the last directive partial) dated in `year`
    (now's year by default) up to `now`."""
    rng = random.Random(seed)
    year = year or now.year
    units = list(Unit.objects.filter(structure=structure, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE],
                                     is_active=True).order_by("path"))
    if not units:
        raise ValueError(f"no units loaded for structure {structure}")
    issuers = list(Unit.objects.filter(structure=Structure.CITY, code__in=ISSUERS).order_by("code"))
    author = User.objects.filter(username="phongtt").first() or User.objects.order_by("pk").first()
    urgencies = list(Urgency.objects.order_by("rank"))
    topics = list(PlanTopic.objects.filter(year=year).order_by("number"))
    machine = machine_user()
    year_start = now.replace(year=year, month=1, day=1, hour=8, minute=0, second=0, microsecond=0)
    latest = min(now, year_start.replace(year=year + 1)) - timedelta(hours=1)
    count = -(-assignments // len(units))

    directives, bulletin_of = [], {}
    for i in range(count):
        urgency = urgencies[i % len(urgencies)]
        created = _moment(rng, year_start, latest)
        deadline = created + timedelta(hours=urgency.sla_hours)
        directives.append(Directive(
            title=f"{SAMPLE_TITLE_PREFIX}Văn bản chỉ đạo số {i + 1}/{year}", issuing_unit=issuers[i % len(issuers)],
            created_by=author, urgency=urgency, deadline=deadline, status=Directive.Status.IN_PROGRESS,
            created_at=created, approved_at=created, approved_by=author, report_requirements=["text"],
            fanout_total=len(units), fanout_done=len(units)))
    Directive.objects.bulk_create(directives, batch_size=500)

    bulletins = []
    for i, directive in enumerate(directives):
        if topics and i % 2 == 0:  # every other directive is a bulletin's broadcast
            topic = topics[(i // 2) % len(topics)]
            bulletins.append(Bulletin(
                title=f"{SAMPLE_TITLE_PREFIX}Bản tin {topic.number}", plan_topic=topic, body="<p>Bản tin mẫu.</p>",
                priority=Priority.EMERGENCY if directive.urgency.code == "hoa_toc" else Priority.NORMAL,
                drafting_unit=directive.issuing_unit, created_by=author, created_at=directive.created_at,
                status=Bulletin.Status.PUBLISHED, published_at=directive.created_at,
                first_published_at=directive.created_at))
            bulletin_of[len(bulletins) - 1] = directive
    Bulletin.objects.bulk_create(bulletins, batch_size=500)
    bulletin_type = ContentType.objects.get_for_model(Bulletin)
    Process.objects.bulk_create([
        Process(flow_class=BulletinFlow, status=PROCESS.DONE, artifact_content_type=bulletin_type,
                artifact_object_id=bulletin.pk, data={"directive_id": bulletin_of[k].pk})
        for k, bulletin in enumerate(bulletins)], batch_size=500)
    broadcast_ids = {d.pk for d in bulletin_of.values()}

    rows, plans = [], []
    for i in range(assignments):
        directive = directives[i // len(units)]
        unit = units[i % len(units)]
        rows.append(_assignment(rng, directive, unit, now))
        plans.append(directive.pk in broadcast_ids)
    # the air times come from a random stream of their own: the work above is the same with or without them
    air_rng = random.Random(seed + 1)
    bulletin_by_directive = {bulletin_of[k].pk: b for k, b in enumerate(bulletins)}
    for assignment, is_broadcast in zip(rows, plans, strict=True):
        bulletin = bulletin_by_directive.get(assignment.directive_id) if is_broadcast else None
        if bulletin is not None and bulletin.priority != Priority.EMERGENCY and assignment.received_at:
            assignment.report_figures = {"planned_air_at": _air_time(air_rng, assignment.received_at).isoformat()}
    Assignment.objects.bulk_create(rows, batch_size=2000)
    with_clusters = {u.pk for u in units if air_rng.random() < 2 / 3}
    air_plans = [_air_plan(air_rng, a, bulletin_by_directive[a.directive_id]) for a, is_broadcast in
                 zip(rows, plans, strict=True) if is_broadcast and a.unit_id in with_clusters
                 and (a.report_figures.get("planned_air_at") or
                      bulletin_by_directive[a.directive_id].priority == Priority.EMERGENCY)]
    AirPlan.objects.bulk_create(air_plans, batch_size=2000)

    events = []
    policy_parent, policy_issuer = timedelta(hours=24), timedelta(hours=48)
    for assignment, is_broadcast in zip(rows, plans, strict=True):
        if assignment.reported_at:
            by_log = is_broadcast and rng.random() < 0.45
            events.append(AssignmentEvent(assignment=assignment, kind=AssignmentEvent.Kind.REPORTED,
                                          actor=machine if by_log else None, at=assignment.reported_at))
        elif assignment.status not in Assignment.CLOSED and assignment.deadline < now:
            late = now - assignment.deadline
            keys = [("overdue", AssignmentEvent.Kind.OVERDUE), ("escalate:leaders", AssignmentEvent.Kind.ESCALATED)]
            if late >= policy_parent:
                keys.append(("escalate:parent", AssignmentEvent.Kind.ESCALATED))
            if late >= policy_issuer:
                keys.append(("escalate:issuer", AssignmentEvent.Kind.ESCALATED))
            events += [AssignmentEvent(assignment=assignment, kind=kind, once_key=key, at=assignment.deadline)
                       for key, kind in keys]
    AssignmentEvent.objects.bulk_create(events, batch_size=5000)
    return SampleResult(directives=len(directives), assignments=len(rows), bulletins=len(bulletins),
                        events=len(events), plans=len(air_plans))


def _air_time(rng: random.Random, received_at: datetime) -> datetime:
    """A slot on the day after receipt or the one after that, Hanoi time."""
    hour, minute = rng.choice(AIR_SLOTS)
    day = timezone.localtime(received_at).date() + timedelta(days=rng.randrange(1, 3))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _air_plan(rng: random.Random, assignment: Assignment, bulletin: Bulletin) -> AirPlan:
    emergency = bulletin.priority == Priority.EMERGENCY
    at = assignment.created_at if emergency else datetime.fromisoformat(assignment.report_figures["planned_air_at"])
    played = assignment.reported_at is not None
    return AirPlan(
        unit_id=assignment.unit_id, bulletin_id=bulletin.pk, revision=1, assignment_id=assignment.pk,
        title=bulletin.title, priority=bulletin.priority, audio_url="sample",
        kind=AirPlan.Kind.PLAY_NOW if emergency else AirPlan.Kind.SCHEDULED,
        times=[timezone.localtime(at).isoformat()], repetitions=rng.choice((1, 1, 2)),
        duration_seconds=float(rng.randrange(120, 900)), created_at=assignment.received_at or assignment.created_at,
        status=AirPlan.Status.PLAYED if played else AirPlan.Status.SENT,
        confirmed_at=assignment.reported_at if played else None)


def _assignment(rng: random.Random, directive: Directive, unit: Unit, now: datetime) -> Assignment:
    created = directive.created_at
    deadline = directive.deadline
    span = deadline - created
    fate = rng.random()
    status, received_at, reported_at, closed_at = Assignment.Status.PENDING, None, None, None
    if fate > 0.12:
        received_at = min(now, created + span * rng.uniform(0.01, 0.4))
        status = Assignment.Status.RECEIVED
    if fate > 0.30:
        # most report in time; a unit's code decides how slow it tends to be, so some units stand out
        slowness = (int(unit.code[-2:]) % 7) / 6 if unit.code[-2:].isdigit() else 0.5
        reported_at = created + span * rng.uniform(0.2, 0.8 + 1.2 * slowness)
        if reported_at > now:
            reported_at = None
        else:
            status = Assignment.Status.REPORTED
            if fate > 0.45:
                status, closed_at = Assignment.Status.ACCEPTED, min(now, reported_at + timedelta(hours=2))
    overdue_since = deadline if reported_at is None and deadline < now else None
    return Assignment(directive=directive, unit=unit, status=status, deadline=deadline, created_at=created,
                      received_at=received_at, reported_at=reported_at, closed_at=closed_at,
                      overdue_since=overdue_since)


def work_sample_delete() -> int:
    """Remove what `work_sample_create` wrote (by its title prefix)."""
    directives = Directive.objects.filter(title__startswith=SAMPLE_TITLE_PREFIX)
    count = Assignment.objects.filter(directive__in=directives).count()
    bulletins = Bulletin.objects.filter(title__startswith=SAMPLE_TITLE_PREFIX)
    AirPlan.objects.filter(bulletin_id__in=bulletins.values("pk")).delete()
    Process.objects.filter(flow_class=BulletinFlow, artifact_object_id__in=bulletins.values("pk")).delete()
    bulletins.delete()
    directives.delete()
    return count
