"""Writes for loudspeaker clusters: the registry, air plans and their commands (the outbox the gateway
publishes), heartbeats, play logs and the offline scan. Every write is idempotent: a plan is one per
(bulletin, revision, unit), a command one per (cluster, plan, kind), a play log one per (cluster, key)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Kind, Level
from notifications.services import notify
from org.models import Unit

from .models import AirPlan, Cluster, Command, PlayLog


@dataclass(frozen=True)
class Sound:
    """What the clusters play: one bulletin revision's audio."""

    bulletin_id: int
    revision: int
    title: str
    priority: str
    audio_url: str
    audio_sha256: str
    duration_seconds: float


def cluster_register(*, unit: Unit, code: str, vendor: str = "", serial: str = "", name: str = "",
                     latitude: float | None = None, longitude: float | None = None) -> Cluster:
    """Create or update a cluster by its code (the simulator, a vendor's import, the admin)."""
    cluster, _created = Cluster.objects.update_or_create(code=code, defaults={
        "unit": unit, "vendor": vendor, "serial": serial, "name": name, "latitude": latitude,
        "longitude": longitude})
    return cluster


def _payload(plan: AirPlan, command_kind: str, command_id: str) -> dict:
    if command_kind == Command.Kind.WITHDRAW:
        return {"id": command_id, "type": command_kind, "bulletin": plan.bulletin_id, "revision": plan.revision}
    return {"id": command_id, "type": command_kind, "bulletin": plan.bulletin_id, "revision": plan.revision,
            "title": plan.title, "priority": plan.priority, "audio_url": plan.audio_url,
            "audio_sha256": plan.audio_sha256, "duration_seconds": plan.duration_seconds, "times": plan.times,
            "repetitions": plan.repetitions}


def _commands_queue(plans: list[AirPlan], kind: str) -> int:
    """One command per active cluster of each plan's unit, in bulk; existing ones stay as they are."""
    clusters = defaultdict(list)
    for c in Cluster.objects.filter(unit__in={p.unit_id for p in plans}, is_active=True).only("pk", "unit_id"):
        clusters[c.unit_id].append(c)
    rows = [Command(cluster=c, plan=p, kind=kind, payload=_payload(p, kind, f"{p.pk}-{kind}-{c.pk}"))
            for p in plans for c in clusters[p.unit_id]]
    before = Command.objects.filter(plan__in=plans, kind=kind).count()
    Command.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return Command.objects.filter(plan__in=plans, kind=kind).count() - before


@transaction.atomic
def plan_schedule(*, unit: Unit, sound: Sound, times: list[datetime], repetitions: int = 1,
                  assignment_id: int | None = None) -> AirPlan:
    """A unit said when it will air a bulletin: its clusters get the schedule. Again with the same revision:
    the same plan (its times updated and sent again if they changed)."""
    if not times:
        raise ValidationError(_("Chưa có thời điểm phát."))
    iso = [timezone.localtime(t).isoformat() for t in sorted(times)]
    plan, created = AirPlan.objects.select_for_update().get_or_create(
        bulletin_id=sound.bulletin_id, revision=sound.revision, unit=unit, defaults={
            "kind": AirPlan.Kind.SCHEDULED, "times": iso, "repetitions": repetitions, "assignment_id": assignment_id,
            **_sound_fields(sound)})
    if not created and (plan.times != iso or plan.status == AirPlan.Status.WITHDRAWN):
        plan.times, plan.repetitions, plan.status, plan.withdrawn_at = iso, repetitions, AirPlan.Status.SENT, None
        plan.assignment_id = plan.assignment_id or assignment_id
        plan.save()
        Command.objects.filter(plan=plan).delete()  # the new times go out as a new command
    _commands_queue([plan], Command.Kind.SCHEDULE)
    return plan


def _sound_fields(sound: Sound) -> dict:
    return {"title": sound.title[:300], "priority": sound.priority, "audio_url": sound.audio_url,
            "audio_sha256": sound.audio_sha256, "duration_seconds": sound.duration_seconds}


@transaction.atomic
def plans_play_now(*, units: list[Unit], sound: Sound, at: datetime | None = None) -> list[AirPlan]:
    """An emergency: every active cluster of `units` plays it now. In bulk (thousands of clusters);
    idempotent (a second call queues nothing new)."""
    at = at or timezone.now()
    AirPlan.objects.bulk_create([
        AirPlan(unit=u, kind=AirPlan.Kind.PLAY_NOW, times=[timezone.localtime(at).isoformat()], repetitions=1,
                bulletin_id=sound.bulletin_id, revision=sound.revision, **_sound_fields(sound))
        for u in units], batch_size=1000, ignore_conflicts=True)
    plans = list(AirPlan.objects.filter(bulletin_id=sound.bulletin_id, revision=sound.revision,
                                        unit__in=units).exclude(status=AirPlan.Status.WITHDRAWN))
    _commands_queue(plans, Command.Kind.PLAY_NOW)
    return plans


def plans_link_assignments(*, bulletin_id: int, revision: int, assignment_of_unit: dict[int, int]) -> int:
    """Tie a bulletin's plans to the broadcast assignments of their units (an emergency's plans exist before
    its directive fans out)."""
    linked = 0
    for plan in AirPlan.objects.filter(bulletin_id=bulletin_id, revision=revision, assignment_id__isnull=True,
                                       unit_id__in=list(assignment_of_unit)):
        plan.assignment_id = assignment_of_unit[plan.unit_id]
        plan.save(update_fields=["assignment_id"])
        linked += 1
    return linked


@transaction.atomic
def plans_withdraw(plans) -> int:
    """Take plans back (a corrected or cancelled bulletin): their clusters get a withdraw command."""
    plans = list(plans.select_for_update().exclude(status=AirPlan.Status.WITHDRAWN))
    now = timezone.now()
    for plan in plans:
        plan.status, plan.withdrawn_at = AirPlan.Status.WITHDRAWN, now
    AirPlan.objects.bulk_update(plans, ["status", "withdrawn_at"])
    Command.objects.filter(plan__in=plans, status=Command.Status.QUEUED).exclude(
        kind=Command.Kind.WITHDRAW).delete()  # not yet out: never send it
    _commands_queue(plans, Command.Kind.WITHDRAW)
    return len(plans)


# --- the outbox ---------------------------------------------------------------------------------------------------

def commands_claim(limit: int = 500, now: datetime | None = None) -> list[Command]:
    """Queued commands, claimed for this gateway by a conditional UPDATE (two gateways never send the same one
    at once; a claim older than the lease is a dead gateway's)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.COMMAND_CLAIM_LEASE_SECONDS)
    ids = list(Command.objects.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
                                      status=Command.Status.QUEUED).order_by("created_at", "pk")
               .values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    Command.objects.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale), pk__in=ids,
                           status=Command.Status.QUEUED).update(claimed_at=now)
    return list(Command.objects.filter(pk__in=ids, claimed_at=now).select_related("cluster"))


def commands_sent(ids: list[int], now: datetime | None = None) -> int:
    return Command.objects.filter(pk__in=ids, status=Command.Status.QUEUED).update(
        status=Command.Status.SENT, sent_at=now or timezone.now())


def commands_release(ids: list[int]) -> int:
    """The broker did not take them: queue them for the next round."""
    return Command.objects.filter(pk__in=ids, status=Command.Status.QUEUED).update(claimed_at=None)


# --- from the clusters --------------------------------------------------------------------------------------------

def _cluster(code: str) -> Cluster:
    cluster = Cluster.objects.select_related("unit").filter(code=code, is_active=True).first()
    if cluster is None:
        raise ValidationError(_("Không có cụm loa mã %(code)s.") % {"code": code})
    return cluster


def heartbeat_record(*, cluster_code: str, at: datetime, volume: int | None = None,
                     faults: list[str] | None = None) -> Cluster:
    """A cluster is alive: online, last seen `at` (a late heartbeat never moves last seen back)."""
    cluster = _cluster(cluster_code)
    if volume is not None and not 0 <= int(volume) <= 100:
        raise ValidationError(_("Âm lượng phải từ 0 đến 100."))
    updates = {"volume": volume if volume is not None else cluster.volume,
               "faults": [str(f)[:32] for f in (faults or [])][:20]}
    if cluster.last_seen_at is None or at > cluster.last_seen_at:
        updates.update(last_seen_at=at, status=Cluster.Status.ONLINE, offline_since=None)
    Cluster.objects.filter(pk=cluster.pk).update(**updates)
    for name, value in updates.items():
        setattr(cluster, name, value)
    return cluster


def play_log_record(*, cluster_code: str, key: str, bulletin_id: int, started_at: datetime,
                    duration_seconds: float, result: str, revision: int | None = None) -> tuple[PlayLog, bool]:
    """Store a play log once (the same cluster and key again: the stored one, False) and attach it to the
    unit's plan for that bulletin (that revision, else the latest)."""
    cluster = _cluster(cluster_code)
    if result not in PlayLog.Result.values:
        raise ValidationError(_("Kết quả phát không hợp lệ."))
    if not 0 <= float(duration_seconds) <= 24 * 3600:
        raise ValidationError(_("Thời lượng phát không hợp lệ."))
    key = str(key)[:100]
    existing = PlayLog.objects.filter(cluster=cluster, key=key).first()
    if existing is not None:
        return existing, False
    plans = AirPlan.objects.filter(unit_id=cluster.unit_id, bulletin_id=bulletin_id)
    plan = (plans.filter(revision=revision) if revision is not None else plans).order_by("-revision").first()
    log, created = PlayLog.objects.get_or_create(cluster=cluster, key=key, defaults={
        "plan": plan, "bulletin_id": bulletin_id, "revision": revision if revision is not None else (
            plan.revision if plan else None), "started_at": started_at, "duration_seconds": float(duration_seconds),
        "result": result})
    return log, created


@dataclass
class Coverage:
    """How far a plan's clusters played it: each cluster's full plays against the repetitions asked."""

    plan: AirPlan
    asked: int
    plays: dict[int, int] = field(default_factory=dict)  # cluster id → full plays
    clusters: list[int] = field(default_factory=list)  # the clusters the plan went to

    @property
    def full(self) -> bool:
        return bool(self.clusters) and all(self.plays.get(c, 0) >= self.asked for c in self.clusters)


def plan_coverage(plan: AirPlan) -> Coverage:
    clusters = list(Command.objects.filter(plan=plan).exclude(kind=Command.Kind.WITHDRAW)
                    .values_list("cluster_id", flat=True).distinct())
    plays: dict[int, int] = defaultdict(int)
    for cluster_id, result, duration in PlayLog.objects.filter(plan=plan).values_list(
            "cluster_id", "result", "duration_seconds"):
        if result == PlayLog.Result.OK and duration >= 0.9 * plan.duration_seconds:
            plays[cluster_id] += 1
    return Coverage(plan=plan, asked=plan.repetitions, plays=dict(plays), clusters=sorted(clusters))


def plan_mark(plan: AirPlan, coverage: Coverage, *, confirmed: bool = False) -> AirPlan:
    """Record what the logs show: played in full, or partly (the officer then confirms by hand)."""
    status = AirPlan.Status.PLAYED if coverage.full else AirPlan.Status.PARTIAL
    updates = {"status": status} if plan.status != AirPlan.Status.WITHDRAWN else {}
    if confirmed and plan.confirmed_at is None:
        updates["confirmed_at"] = timezone.now()
    if updates:
        AirPlan.objects.filter(pk=plan.pk).update(**updates)
        for name, value in updates.items():
            setattr(plan, name, value)
    return plan


def offline_scan(now: datetime | None = None) -> list[Cluster]:
    """Clusters silent for CLUSTER_OFFLINE_MINUTES turn offline; each unit's officers are told once per
    outage. Idempotent."""
    now = now or timezone.now()
    silent_since = now - timedelta(minutes=settings.CLUSTER_OFFLINE_MINUTES)
    gone = list(Cluster.objects.select_related("unit").filter(
        is_active=True, status=Cluster.Status.ONLINE, last_seen_at__lt=silent_since))
    if not gone:
        return []
    Cluster.objects.filter(pk__in=[c.pk for c in gone], status=Cluster.Status.ONLINE).update(
        status=Cluster.Status.OFFLINE, offline_since=now)
    for cluster in gone:
        cluster.status, cluster.offline_since = Cluster.Status.OFFLINE, now
        seen = timezone.localtime(cluster.last_seen_at).strftime("%H:%M %d/%m/%Y")
        notify(cluster.unit, kind=Kind.CLUSTER_OFFLINE, level=Level.WARNING,
               title=_("Cụm loa %(code)s mất kết nối") % {"code": cluster.code},
               body=_("%(unit)s: cụm loa %(code)s không gửi tín hiệu từ %(seen)s.") % {
                   "unit": cluster.unit.name, "code": cluster.code, "seen": seen},
               dedupe_key=f"cluster-offline:{cluster.pk}:{cluster.last_seen_at.isoformat()}")
    return gone
