"""Loudspeaker clusters in the flows. Publishing a bulletin starts a broadcast directive (workflows/bulletin);
each commune, on receipt, says when it will air it and its clusters get that schedule; an emergency goes out
"play now" to every cluster of its targets at publication; a correction or a cancelled directive withdraws
what the clusters hold. Play logs come back (the MQTT gateway, the API) and, once they cover what was asked on
every cluster that got it, confirm the unit's broadcast with the logs as evidence: the unit's report task is
done by the automatic account (engine.machine_task_run). A partial or failed play is recorded and shown, and
the officer confirms by hand as before."""

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from viewflow.workflow.models import Process

from broadcast import selectors as broadcast_selectors
from broadcast import services as broadcast
from broadcast.models import AirPlan, PlayLog
from common.errors import AlreadyDone
from coordination.models import Assignment, Directive
from coordination.services.assignments import BROADCAST_CHANNELS
from editorial.models import Bulletin, BulletinRevision, Priority
from editorial.selectors import confirmed_audio
from org.models import Unit, UnitKind

from .. import engine
from ..bulletin.flow import BulletinFlow
from ..directive import steps as directive_steps
from ..directive.flow import UnitAssignmentFlow

log = logging.getLogger(__name__)
OPEN_FOR_REPORT = (Assignment.Status.RECEIVED, Assignment.Status.RETURNED)


# --- what the clusters play ---------------------------------------------------------------------------------------

def broadcast_bulletin(directive_id: int) -> Bulletin | None:
    """The bulletin whose publication started this broadcast directive, if it is one."""
    process = Process.objects.filter(flow_class=BulletinFlow, data__directive_id=directive_id).first()
    return Bulletin.objects.filter(pk=process.artifact_object_id).first() if process else None


def broadcast_directive(bulletin: Bulletin) -> Directive | None:
    """The broadcast directive of the bulletin's latest publication."""
    process = (Process.objects.filter(flow_class=BulletinFlow, artifact_object_id=bulletin.pk,
                                      data__directive_id__isnull=False).order_by("-pk").first())
    return Directive.objects.filter(pk=process.data["directive_id"]).first() if process else None


def _sha256(audio) -> str:
    key = f"audio-sha256:{audio.pk}"
    digest = cache.get(key)
    if digest is None:
        h = hashlib.sha256()
        with audio.file.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
        cache.set(key, digest, 24 * 3600)
    return digest


def sound_of(bulletin: Bulletin, revision: BulletinRevision | None = None) -> broadcast.Sound | None:
    """The published revision's confirmed recording as the clusters fetch it; None without one (the clusters
    then get nothing and the units confirm their broadcast by hand)."""
    revision = revision or bulletin.published_revision
    audio = confirmed_audio(revision)
    if audio is None or not audio.file:
        return None
    path = reverse("editorial:published_audio", args=[bulletin.pk, audio.pk])
    return broadcast.Sound(bulletin_id=bulletin.pk, revision=revision.number, title=bulletin.title,
                           priority=bulletin.priority, audio_url=settings.SITE_URL.rstrip("/") + path,
                           audio_sha256=_sha256(audio), duration_seconds=float(audio.duration_seconds or 0))


# --- the flows' events --------------------------------------------------------------------------------------------

def on_acknowledged(assignment_id: int) -> AirPlan | None:
    """A unit received a broadcast directive: its clusters get the time it gave. An emergency's plan exists
    already ("play now"): if its clusters have played it in full, the broadcast is confirmed at once."""
    assignment = Assignment.objects.select_related("unit").get(pk=assignment_id)
    bulletin = broadcast_bulletin(assignment.directive_id)
    if bulletin is None or not broadcast_selectors.clusters_of_unit(assignment.unit).exists():
        return None
    sound = sound_of(bulletin)
    if sound is None:
        return None
    planned = parse_datetime(str((assignment.report_figures or {}).get("planned_air_at") or ""))
    if planned is not None:
        plan = broadcast.plan_schedule(unit=assignment.unit, sound=sound, times=[planned],
                                       assignment_id=assignment.pk)
    else:
        plan = broadcast_selectors.plans_of_bulletin(bulletin.pk, sound.revision).filter(
            unit=assignment.unit).first()
        if plan is None:
            return None
    if plan.assignment_id is None:
        broadcast.plans_link_assignments(bulletin_id=bulletin.pk, revision=sound.revision,
                                         assignment_of_unit={assignment.unit_id: assignment.pk})
        plan.assignment_id = assignment.pk
    _after_play(plan)
    return plan


def on_published(bulletin: Bulletin) -> list[AirPlan]:
    """A (corrected) publication: what clusters hold of earlier revisions is withdrawn; an emergency plays
    now on every cluster of its communes."""
    revision = bulletin.published_revision
    broadcast.plans_withdraw(broadcast_selectors.plans_of_bulletin(bulletin.pk).exclude(revision=revision.number))
    if bulletin.priority != Priority.EMERGENCY:
        return []
    sound = sound_of(bulletin, revision)
    if sound is None:
        log.warning("emergency bulletin %s has no confirmed audio: no cluster plays it", bulletin.pk)
        return []
    units = list(Unit.objects.filter(pk__in=bulletin.targets.values("unit_id"), kind=UnitKind.COMMUNE,
                                     clusters__is_active=True).distinct())
    return broadcast.plans_play_now(units=units, sound=sound)


def on_directive_cancelled(directive: Directive) -> int:
    """A cancelled broadcast directive takes its schedules off the clusters."""
    if broadcast_bulletin(directive.pk) is None:
        return 0
    return broadcast.plans_withdraw(AirPlan.objects.filter(
        assignment_id__in=list(directive.assignments.values_list("pk", flat=True))))


# --- play logs ----------------------------------------------------------------------------------------------------

def play_log_ingest(*, cluster_code: str, key: str, bulletin_id: int, started_at: datetime, duration_seconds: float,
                    result: str, revision: int | None = None) -> tuple[PlayLog, bool]:
    """Store a play log (once per cluster and key) and see whether the unit's broadcast is now covered."""
    entry, created = broadcast.play_log_record(
        cluster_code=cluster_code, key=key, bulletin_id=bulletin_id, started_at=started_at,
        duration_seconds=duration_seconds, result=result, revision=revision)
    if created and entry.plan_id:
        _after_play(entry.plan)
    return entry, created


def _assignment_of(plan: AirPlan) -> Assignment | None:
    if plan.assignment_id:
        return Assignment.objects.filter(pk=plan.assignment_id).first()
    bulletin = Bulletin.objects.filter(pk=plan.bulletin_id).first()
    directive = broadcast_directive(bulletin) if bulletin else None
    assignment = directive.assignments.filter(unit_id=plan.unit_id).first() if directive else None
    if assignment is not None:
        broadcast.plans_link_assignments(bulletin_id=plan.bulletin_id, revision=plan.revision,
                                         assignment_of_unit={plan.unit_id: assignment.pk})
    return assignment


def _evidence(plan: AirPlan) -> ContentFile:
    lines = [_("Nhật ký phát của cụm loa: %(title)s (phiên bản %(rev)s), %(unit)s") % {
        "title": plan.title, "rev": plan.revision, "unit": plan.unit.name}]
    for entry in plan.play_logs.select_related("cluster").order_by("started_at", "pk"):
        lines.append(f"{entry.cluster.code}\t{timezone.localtime(entry.started_at):%d/%m/%Y %H:%M:%S}\t"
                     f"{entry.duration_seconds:.0f} s\t{entry.get_result_display()}\t{entry.key}")
    return ContentFile("\n".join(lines).encode("utf-8"), name=f"nhat-ky-phat-{plan.pk}.txt")


def _after_play(plan: AirPlan) -> bool:
    """Mark what the logs show; confirm the unit's broadcast when they cover it. True when confirmed now."""
    if not plan.play_logs.exists():
        return False
    coverage = broadcast.plan_coverage(plan)
    assignment = _assignment_of(plan) if coverage.full and plan.confirmed_at is None else None
    task = (engine.open_task(assignment, UnitAssignmentFlow.report)
            if assignment is not None and assignment.status in OPEN_FOR_REPORT else None)
    confirmed = False
    if task is not None:
        first = plan.play_logs.filter(result=PlayLog.Result.OK).order_by("started_at").first()
        try:
            engine.machine_task_run(
                task, directive_steps.device_report_step,
                text=_("nhật ký phát của %(n)d cụm loa, mỗi cụm %(k)d lần") % {
                    "n": len(coverage.clusters), "k": coverage.asked},
                broadcast={"channels": ["ip_loudspeaker"], "aired_at": first.started_at.isoformat(),
                           "repetitions": min(coverage.plays.values())},
                files=[_evidence(plan)])
            confirmed = True
        except AlreadyDone:
            pass  # confirmed meanwhile (by hand, or by another log)
    broadcast.plan_mark(plan, coverage, confirmed=confirmed)
    return confirmed


def broadcast_confirm(*, assignment: Assignment, channels: list[str], aired_at: datetime, repetitions: int,
                      note: str = "", source: str) -> Assignment:
    """A commune's own software reports the broadcast (the API): the unit's report task, done by the automatic
    account. AlreadyDone when it was reported already."""
    if not channels or any(c not in BROADCAST_CHANNELS for c in channels):
        raise ValidationError({"channels": _("Kênh phát không hợp lệ.")})
    if int(repetitions) < 1:
        raise ValidationError({"repetitions": _("Số lần phát phải từ 1 trở lên.")})
    task = engine.open_task(assignment, UnitAssignmentFlow.report)
    if task is None or assignment.status not in OPEN_FOR_REPORT:
        raise AlreadyDone(_("Nhiệm vụ chưa được tiếp nhận, đã báo cáo hoặc đã kết thúc."))
    text = note.strip() or _("báo cáo từ %(source)s") % {"source": source}
    engine.machine_task_run(task, directive_steps.device_report_step, text=text[:2000], broadcast={
        "channels": sorted(set(channels)), "aired_at": aired_at.isoformat(), "repetitions": int(repetitions)})
    assignment.refresh_from_db()
    return assignment
