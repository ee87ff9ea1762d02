"""Loudspeaker clusters in the flows, without a broker (the gateway's own tests use Mosquitto): a commune's
receipt schedules its clusters, play logs that cover every cluster confirm its broadcast with no officer, a
partial play leaves it to the officer, a replayed log changes nothing, an emergency plays now everywhere, a
correction withdraws, a silent cluster turns offline and its commune is told once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from broadcast import services as broadcast
from broadcast.models import AirPlan, Cluster, Command, PlayLog
from coordination.models import Assignment, AssignmentEvent
from notifications.models import Notification
from org.services import MACHINE_USERNAME
from tests.editorial.helpers import communes, draft, u
from tests.workflows.bulletin.helpers import bulletin_task, publish_now, published_bulletin
from tests.workflows.directive.helpers import open_task, unit
from workflows import engine
from workflows.broadcast.services import play_log_ingest
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow
from workflows.directive import steps as directive_steps
from workflows.directive.flow import UnitAssignmentFlow


@pytest.fixture(autouse=True)
def no_zalo(settings, tmp_path):
    settings.ZALO_SENDER = ""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clusters(demo):
    """Phúc Xá has two clusters, Minh Phú one."""
    return {
        "px1": broadcast.cluster_register(unit=unit("phuong_phuc_xa"), code="PX-01", vendor="Thử nghiệm"),
        "px2": broadcast.cluster_register(unit=unit("phuong_phuc_xa"), code="PX-02", vendor="Thử nghiệm"),
        "mp1": broadcast.cluster_register(unit=unit("xa_minh_phu"), code="MP-01", vendor="Thử nghiệm"),
    }


def _acknowledge(assignment, officer, capture, at):
    with capture(execute=True):
        engine.task_run(open_task(assignment, UnitAssignmentFlow.acknowledge), officer,
                        directive_steps.acknowledge_step, planned_air_at=at)


def _log(cluster, plan, key, *, result="ok", seconds=None, started=None):
    return play_log_ingest(cluster_code=cluster.code, key=key, bulletin_id=plan.bulletin_id, revision=plan.revision,
                           started_at=started or timezone.now(),
                           duration_seconds=plan.duration_seconds if seconds is None else seconds, result=result)


def test_play_logs_of_every_cluster_confirm_the_broadcast(clusters, django_capture_on_commit_callbacks):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                             target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    bulletin.refresh_from_db()
    px = Assignment.objects.get(directive=directive, unit=unit("phuong_phuc_xa"))
    air = timezone.now() + timedelta(hours=2)
    _acknowledge(px, u("phuong_phuc_xa"), django_capture_on_commit_callbacks, air)

    plan = AirPlan.objects.get(unit=unit("phuong_phuc_xa"))
    assert (plan.bulletin_id, plan.revision, plan.assignment_id, plan.kind) == (
        bulletin.pk, bulletin.published_revision.number, px.pk, AirPlan.Kind.SCHEDULED)
    assert plan.audio_url.endswith(".wav") and len(plan.audio_sha256) == 64 and plan.duration_seconds > 0
    commands = Command.objects.filter(plan=plan)
    assert sorted(c.cluster.code for c in commands) == ["PX-01", "PX-02"]
    payload = commands.first().payload
    assert payload["type"] == "schedule" and payload["times"] == [timezone.localtime(air).isoformat()]
    assert not AirPlan.objects.filter(unit=unit("xa_minh_phu")).exists()  # it has not said when yet

    _log(clusters["px1"], plan, "a")
    px.refresh_from_db()
    plan.refresh_from_db()
    assert (px.status, plan.status, plan.confirmed_at) == ("received", AirPlan.Status.PARTIAL, None)
    _log(clusters["px2"], plan, "b")
    px.refresh_from_db()
    plan.refresh_from_db()
    assert px.status == "reported" and plan.status == AirPlan.Status.PLAYED and plan.confirmed_at is not None
    assert px.report_figures["broadcast"]["channels"] == ["ip_loudspeaker"]
    reported = px.events.get(kind=AssignmentEvent.Kind.REPORTED)
    assert reported.actor.username == MACHINE_USERNAME and "Xác nhận tự động" in reported.comment
    [evidence] = px.evidence.all()
    text = evidence.file.read().decode()
    assert "PX-01" in text and "PX-02" in text and evidence.name.endswith(".txt")
    # the next step is the issuer's review, in its queue as after any report
    assert open_task(px, UnitAssignmentFlow.review) is not None

    again, created = _log(clusters["px2"], plan, "b")  # the same log twice: stored once, nothing moves
    assert not created and PlayLog.objects.count() == 2
    assert px.events.filter(kind=AssignmentEvent.Kind.REPORTED).count() == 1


def test_a_partial_play_leaves_the_broadcast_to_the_officer(clusters, django_capture_on_commit_callbacks):
    _bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                              target_spec=communes("xa_minh_phu"))
    mp = Assignment.objects.get(directive=directive)
    _acknowledge(mp, u("xa_minh_phu"), django_capture_on_commit_callbacks, timezone.now() + timedelta(hours=1))
    plan = AirPlan.objects.get(unit=unit("xa_minh_phu"))
    _log(clusters["mp1"], plan, "cut", result="partial", seconds=3)
    _log(clusters["mp1"], plan, "short", result="ok", seconds=plan.duration_seconds * 0.5)
    mp.refresh_from_db()
    plan.refresh_from_db()
    assert (mp.status, plan.status) == ("received", AirPlan.Status.PARTIAL)
    engine.task_run(open_task(mp, UnitAssignmentFlow.report), u("xa_minh_phu"), directive_steps.report_step,
                    text="Đã phát bù", broadcast={"channels": ["loudspeaker"], "aired_at": timezone.now().isoformat(),
                                                  "repetitions": 1})
    mp.refresh_from_db()
    assert mp.status == "reported"


def test_an_emergency_plays_now_on_every_cluster_and_confirms_on_receipt(clusters,
                                                                         django_capture_on_commit_callbacks):
    bulletin = draft(priority="emergency", title="Khẩn cấp: lũ quét",
                     target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    with django_capture_on_commit_callbacks(execute=True):  # the leader's approval renders the recording
        engine.task_run(bulletin_task(bulletin, BulletinFlow.approve_emergency), u("phogiamdoc"),
                        bulletin_steps.approve_emergency_step)
    directive = publish_now(bulletin, django_capture_on_commit_callbacks)
    plans = AirPlan.objects.filter(bulletin_id=bulletin.pk)
    assert {p.kind for p in plans} == {AirPlan.Kind.PLAY_NOW} and plans.count() == 2
    assert sorted(Command.objects.filter(kind="play_now").values_list("cluster__code", flat=True)) == [
        "MP-01", "PX-01", "PX-02"]
    mp_plan = plans.get(unit=unit("xa_minh_phu"))
    _log(clusters["mp1"], mp_plan, "k1")  # played before anyone at the commune looked
    mp = Assignment.objects.get(directive=directive, unit=unit("xa_minh_phu"))
    assert mp.status == "pending"
    _acknowledge(mp, u("xa_minh_phu"), django_capture_on_commit_callbacks, None)
    mp.refresh_from_db()
    assert mp.status == "reported"  # the logs were there: confirmed on receipt


def test_a_correction_withdraws_the_earlier_schedule(clusters, django_capture_on_commit_callbacks):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks, target_spec=communes("xa_minh_phu"))
    mp = Assignment.objects.get(directive=directive)
    _acknowledge(mp, u("xa_minh_phu"), django_capture_on_commit_callbacks, timezone.now() + timedelta(hours=1))
    plan = AirPlan.objects.get()
    Command.objects.update(status=Command.Status.SENT)
    broadcast.plans_withdraw(AirPlan.objects.filter(pk=plan.pk))
    plan.refresh_from_db()
    assert plan.status == AirPlan.Status.WITHDRAWN
    withdraw = Command.objects.get(kind="withdraw")
    assert withdraw.payload == {"id": withdraw.payload["id"], "type": "withdraw", "bulletin": bulletin.pk,
                                "revision": plan.revision}
    assert broadcast.plans_withdraw(AirPlan.objects.filter(pk=plan.pk)) == 0  # once


def test_a_silent_cluster_turns_offline_and_its_commune_is_told_once(clusters):
    start = timezone.now()
    broadcast.heartbeat_record(cluster_code="MP-01", at=start, volume=80, faults=[])
    assert Cluster.objects.get(code="MP-01").status == Cluster.Status.ONLINE
    with time_machine.travel(start + timedelta(minutes=5)):
        assert broadcast.offline_scan() == []
    with time_machine.travel(start + timedelta(minutes=11)):
        [gone] = broadcast.offline_scan()
        assert gone.code == "MP-01" and broadcast.offline_scan() == []
    notes = Notification.objects.filter(kind="cluster_offline")
    assert set(notes.values_list("recipient__username", flat=True)) == {"xa_minh_phu"}
    assert notes.count() == 1 and "MP-01" in notes.get().title
    broadcast.heartbeat_record(cluster_code="MP-01", at=start + timedelta(minutes=12))
    assert Cluster.objects.get(code="MP-01").status == Cluster.Status.ONLINE
    broadcast.heartbeat_record(cluster_code="MP-01", at=start)  # late: last seen does not go back
    assert Cluster.objects.get(code="MP-01").last_seen_at == start + timedelta(minutes=12)
