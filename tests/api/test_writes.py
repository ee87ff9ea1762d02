"""Writes: a commune's software confirms its broadcast, a vendor sends play logs and heartbeats. Each is
idempotent by the client's key (same key and body: the same answer, nothing written twice; same key, another
body: 409), needs write access and a unit in scope."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiClient, IdempotentAnswer
from broadcast import services as broadcast
from broadcast.models import AirPlan, Cluster, PlayLog
from coordination.models import Assignment, AssignmentEvent
from tests.cast import person, unit
from tests.clock import hanoi
from tests.editorial.helpers import communes
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import open_task
from workflows import engine
from workflows.directive import steps as directive_steps
from workflows.directive.flow import UnitAssignmentFlow


@pytest.fixture(autouse=True)
def clock():
    """Every write here carries a time set from now (planned and aired times, play logs, heartbeats)."""
    with time_machine.travel(hanoi(2026, 12, 2, 9), tick=False):
        yield


@pytest.fixture
def broadcast_assignments(demo, django_capture_on_commit_callbacks):
    """A published bulletin to Phúc Xá and Minh Phú; Phúc Xá's officer has acknowledged it with an air time."""
    _bulletin, directive = published_bulletin(django_capture_on_commit_callbacks,
                                              target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    px = Assignment.objects.get(directive=directive, unit=unit("phuong_phuc_xa"))
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(open_task(px, UnitAssignmentFlow.acknowledge), person("phuong_phuc_xa"),
                        directive_steps.acknowledge_step,
                        planned_air_at=timezone.now() + timedelta(hours=1))
    return {"px": px, "mp": Assignment.objects.get(directive=directive, unit=unit("xa_minh_phu"))}


def confirmation(assignment, **overrides):
    body = {"assignment_id": assignment.pk, "channels": ["loudspeaker", "zalo"],
            "aired_at": (timezone.now() - timedelta(minutes=5)).isoformat(), "repetitions": 2,
            "note": "Đã phát 2 lần trên đài truyền thanh phường lúc 6 giờ 30"}
    body.update(overrides)
    return body


def test_a_commune_software_confirms_its_broadcast_once_per_key(broadcast_assignments, commune_software):
    px = broadcast_assignments["px"]
    body = confirmation(px)

    first = commune_software.post("/broadcast-confirmations", body, key="px-2026-12-02-1")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "reported" and first.json()["unit"]["code"] == px.unit.code
    px.refresh_from_db()
    assert px.status == Assignment.Status.REPORTED
    assert px.report_figures["broadcast"]["channels"] == ["loudspeaker", "zalo"]
    assert px.report_figures["broadcast"]["repetitions"] == 2

    again = commune_software.post("/broadcast-confirmations", body, key="px-2026-12-02-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert px.events.filter(kind=AssignmentEvent.Kind.REPORTED).count() == 1

    other = commune_software.post("/broadcast-confirmations", confirmation(px, repetitions=3), key="px-2026-12-02-1")
    assert other.status_code == 409
    assert other.json()["code"] == "key_reused" and "đã được dùng" in other.json()["detail"]

    # A new key for a broadcast already reported: 409 "already done", nothing changes.
    late = commune_software.post("/broadcast-confirmations", confirmation(px), key="px-2026-12-02-2")
    assert late.status_code == 409 and late.json()["code"] == "already_done"
    assert IdempotentAnswer.objects.filter(client=commune_software.client).count() == 1


def test_the_key_may_come_in_the_body_and_is_required(broadcast_assignments, commune_software):
    px = broadcast_assignments["px"]
    missing = commune_software.post("/broadcast-confirmations", confirmation(px))
    assert missing.status_code == 422 and missing.json()["code"] == "key_missing"
    assert "Idempotency-Key" in missing.json()["detail"]
    in_body = commune_software.post("/broadcast-confirmations", confirmation(px, key="trong-than"))
    assert in_body.status_code == 201
    assert IdempotentAnswer.objects.get(client=commune_software.client).key == "trong-than"


def test_confirmation_needs_write_access_and_the_unit_in_scope(broadcast_assignments, make_caller,
                                                                commune_software):
    px, mp = broadcast_assignments["px"], broadcast_assignments["mp"]
    reader = make_caller("Chỉ đọc", kind=ApiClient.Kind.COMMUNE_SOFTWARE, units=["phuong_phuc_xa"])
    refused = reader.post("/broadcast-confirmations", confirmation(px), key="k1")
    assert refused.status_code == 403 and refused.json()["detail"] == "Ứng dụng này chỉ có quyền đọc."

    elsewhere = commune_software.post("/broadcast-confirmations", confirmation(mp), key="k2")
    assert elsewhere.status_code == 404
    mp.refresh_from_db()
    assert mp.status == Assignment.Status.PENDING


def test_a_confirmation_before_receipt_or_with_bad_fields_is_refused(broadcast_assignments, make_caller):
    central = make_caller("Trung ương ghi", access=ApiClient.Access.READ_WRITE, all_units=True)
    mp = broadcast_assignments["mp"]  # not acknowledged yet
    response = central.post("/broadcast-confirmations", confirmation(mp), key="k3")
    assert response.status_code == 409 and "chưa được tiếp nhận" in response.json()["detail"]

    bad = central.post("/broadcast-confirmations", confirmation(mp, channels=["loa_keo"], repetitions=0,
                                                                aired_at="2026-12-02T06:30:00"), key="k4")
    assert bad.status_code == 422
    assert {e["loc"][-1] for e in bad.json()["errors"]} >= {"repetitions", "aired_at"}
    assert not IdempotentAnswer.objects.exists()


@pytest.fixture
def clusters(demo):
    return {
        "px1": broadcast.cluster_register(unit=unit("phuong_phuc_xa"), code="PX-01", vendor="Thử nghiệm"),
        "mp1": broadcast.cluster_register(unit=unit("xa_minh_phu"), code="MP-01", vendor="Thử nghiệm"),
    }


@pytest.fixture
def loudspeaker_vendor(make_caller):
    return make_caller("Nhà cung cấp loa Sóc Sơn (ghi)", kind=ApiClient.Kind.LOUDSPEAKER_VENDOR,
                       access=ApiClient.Access.READ_WRITE, units=["huyen_soc_son"])


def play_log(bulletin_id, **overrides):
    body = {"cluster_code": "MP-01", "bulletin_id": bulletin_id, "started_at": timezone.now().isoformat(),
            "duration_seconds": 2.0, "result": "ok"}
    body.update(overrides)
    return body


def test_a_play_log_is_stored_once_and_a_replay_changes_nothing(clusters, loudspeaker_vendor,
                                                                 django_capture_on_commit_callbacks):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks, target_spec=communes("xa_minh_phu"))
    body = play_log(bulletin.pk)

    first = loudspeaker_vendor.post("/play-logs", body, key="MP-01-0001")
    assert first.status_code == 201, first.content
    assert first.json()["created"] is True and first.json()["cluster_code"] == "MP-01"
    [log] = PlayLog.objects.all()
    assert (log.key, log.bulletin_id, log.result) == ("MP-01-0001", bulletin.pk, "ok")

    replay = loudspeaker_vendor.post("/play-logs", body, key="MP-01-0001")
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert PlayLog.objects.count() == 1
    changed = loudspeaker_vendor.post("/play-logs", play_log(bulletin.pk, result="failed"), key="MP-01-0001")
    assert changed.status_code == 409 and PlayLog.objects.count() == 1


def test_play_logs_for_a_cluster_outside_the_scope_or_unknown_are_refused(clusters, loudspeaker_vendor):
    outside = loudspeaker_vendor.post("/play-logs", play_log(1, cluster_code="PX-01"), key="x1")
    assert outside.status_code == 403 and "PX-01" in outside.json()["detail"]
    unknown = loudspeaker_vendor.post("/play-logs", play_log(1, cluster_code="KHONG-CO"), key="x2")
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "Không có cụm loa mã KHONG-CO."
    assert not PlayLog.objects.exists() and not IdempotentAnswer.objects.exists()


def test_a_heartbeat_keeps_the_cluster_online(clusters, loudspeaker_vendor):
    at = timezone.now()
    response = loudspeaker_vendor.post("/heartbeats", {"cluster_code": "MP-01", "at": at.isoformat(), "volume": 70,
                                                       "faults": ["E12"]}, key="hb-MP-01-1")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "online"
    cluster = Cluster.objects.get(code="MP-01")
    assert (cluster.status, cluster.volume, cluster.faults, cluster.last_seen_at) == ("online", 70, ["E12"], at)
    bad = loudspeaker_vendor.post("/heartbeats", {"cluster_code": "MP-01", "at": at.isoformat(), "volume": 101},
                                  key="hb-MP-01-2")
    assert bad.status_code == 422


def test_schedules_of_a_unit_list_its_air_plans(clusters, vendor, django_capture_on_commit_callbacks):
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks, target_spec=communes("xa_minh_phu"))
    mp = Assignment.objects.get(directive=directive)
    air = timezone.now() + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(open_task(mp, UnitAssignmentFlow.acknowledge), person("xa_minh_phu"),
                        directive_steps.acknowledge_step, planned_air_at=air)
    plan = AirPlan.objects.get(unit=unit("xa_minh_phu"))

    response = vendor.get(f"/units/{unit('xa_minh_phu').code}/schedules")
    assert response.status_code == 200, response.content
    [item] = response.json()
    assert (item["id"], item["bulletin_id"], item["kind"]) == (plan.pk, bulletin.pk, "scheduled")
    assert item["audio_url"] == plan.audio_url and len(item["audio_sha256"]) == 64
    assert item["times"] == [str(t) for t in plan.times]
    assert vendor.get(f"/units/{unit('phuong_phuc_xa').code}/schedules").status_code == 403
