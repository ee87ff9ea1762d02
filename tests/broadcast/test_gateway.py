"""The loudspeaker loop through a real MQTT broker (Mosquitto; `make test` starts one): the gateway publishes
schedules, simulated clusters play them and send play logs, the logs confirm every commune's broadcast with no
officer action; an emergency reaches every cluster's "play now"; a replayed log changes nothing; a cluster that
stops heartbeating turns offline and its commune is told."""

import json
import os
import socket
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from broadcast import mqtt
from broadcast import services as broadcast
from broadcast.gateway import Gateway
from broadcast.models import AirPlan, Cluster, Command, PlayLog
from broadcast.simulator import Simulator
from coordination.models import Assignment
from editorial.models import Bulletin
from notifications.models import Notification
from org.models import Membership, Structure, Unit, UnitKind
from tests.broadcast.helpers import publish_emergency
from tests.clock import hanoi
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import open_task
from workflows import engine
from workflows.broadcast.services import play_logs_ingest
from workflows.directive import steps as directive_steps
from workflows.directive.flow import UnitAssignmentFlow

BROKER = "mqtt://127.0.0.1:1883"
N = 126


@pytest.fixture(autouse=True)
def clock():
    """Air times, play logs and heartbeats are set from now: a fixed start in Hanoi, the clock running (the broker's
    keepalives, the gateway's polls and the simulator's heartbeats need time to flow)."""
    with time_machine.travel(hanoi(2026, 12, 2, 9), tick=True):
        yield


@pytest.fixture
def broker(settings):
    try:
        socket.create_connection(("127.0.0.1", 1883), timeout=2).close()
    except OSError:
        pytest.fail("no MQTT broker on 127.0.0.1:1883 (Debian package mosquitto; `make test` starts it)")
    settings.MQTT_URL = BROKER
    return BROKER


def wait_for(condition, timeout=90.0, step=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def loop(demo_transactional, broker, settings, tmp_path):
    """126 communes with one simulated cluster each, the gateway and the simulator running."""
    settings.ZALO_SENDER = ""
    settings.MEDIA_ROOT = tmp_path
    communes = list(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE,
                                        memberships__isnull=False).distinct().order_by("path")[:N])
    codes = []
    run = os.getpid()  # parallel runs on one broker must not hear each other's clusters
    for unit in communes:
        broadcast.cluster_register(unit=unit, code=f"T{run}-{unit.code}", vendor="Mô phỏng")
        codes.append(f"T{run}-{unit.code}")
    gateway = Gateway(on_play_logs=play_logs_ingest, url=broker, poll_seconds=0.05).connect()
    stop = threading.Event()
    thread = threading.Thread(target=gateway.run, args=(stop,), daemon=True)
    thread.start()
    simulator = Simulator(codes, url=broker, fast=True, silent={codes[-1]}).start()
    time.sleep(0.3)  # both subscriptions in place
    yield {"communes": communes, "codes": codes, "gateway": gateway, "simulator": simulator}
    simulator.stop()
    stop.set()
    thread.join(timeout=10)
    gateway.close()


def test_126_communes_confirmed_from_play_logs(loop, django_capture_on_commit_callbacks):
    communes, simulator = loop["communes"], loop["simulator"]
    spec = {"units": [c.pk for c in communes], "structure": "2025"}
    bulletin, directive = published_bulletin(django_capture_on_commit_callbacks, target_spec=spec)
    assignments = list(Assignment.objects.filter(directive=directive).select_related("unit"))
    assert len(assignments) == N
    air = timezone.now() + timedelta(minutes=30)
    for a in assignments:  # each commune says when it will air it; nobody reports
        officer = Membership.objects.filter(unit=a.unit).select_related("user").first().user
        engine.task_run(open_task(a, UnitAssignmentFlow.acknowledge), officer, directive_steps.acknowledge_step,
                        planned_air_at=air)

    reported = Assignment.objects.filter(directive=directive, status=Assignment.Status.REPORTED)
    assert wait_for(lambda: reported.count() == N), (
        f"{reported.count()} of {N} confirmed; commands queued "
        f"{Command.objects.filter(status='queued').count()}, logs {PlayLog.objects.count()}")
    assert AirPlan.objects.filter(status=AirPlan.Status.PLAYED, confirmed_at__isnull=False).count() == N
    assert not Assignment.objects.filter(directive=directive, events__kind="reported").exclude(
        events__actor__username="he_thong_tu_dong").exists()
    assert all(len(c.received) == 1 and c.received[0]["type"] == "schedule" for c in simulator.clusters.values())

    # a replayed log (the cluster did not see our acknowledgement) changes nothing
    logs, events = PlayLog.objects.count(), Assignment.objects.get(pk=assignments[0].pk).events.count()
    entry = PlayLog.objects.filter(cluster__unit=assignments[0].unit).first()
    simulator.client.publish(mqtt.playlog_topic(entry.cluster.code), json.dumps({
        "id": entry.key, "bulletin": entry.bulletin_id, "revision": entry.revision,
        "started_at": entry.started_at.isoformat(), "duration_seconds": entry.duration_seconds,
        "result": "ok"}), qos=1)
    before = loop["gateway"].handled
    assert wait_for(lambda: loop["gateway"].handled > before, timeout=10)
    assert PlayLog.objects.count() == logs
    assert Assignment.objects.get(pk=assignments[0].pk).events.count() == events


def test_an_emergency_reaches_every_cluster_at_once(loop, django_capture_on_commit_callbacks):
    communes, simulator = loop["communes"], loop["simulator"]
    started = time.monotonic()
    bulletin = publish_emergency({"units": [c.pk for c in communes], "structure": "2025"},
                                 django_capture_on_commit_callbacks)
    assert AirPlan.objects.filter(bulletin_id=bulletin.pk, kind=AirPlan.Kind.PLAY_NOW).count() == N
    assert wait_for(lambda: all(any(c["type"] == "play_now" for c in s.received)
                                for s in simulator.clusters.values()), timeout=60)
    latencies = sorted(max(s.received_at) - started for s in simulator.clusters.values())
    assert len(latencies) == N
    assert Bulletin.objects.get(pk=bulletin.pk).priority == "emergency"


def test_a_silent_cluster_turns_offline_and_its_commune_is_told(loop):
    simulator, silent = loop["simulator"], loop["codes"][-1]
    simulator.heartbeat()  # round 0: every cluster, the silent one too
    assert wait_for(lambda: Cluster.objects.filter(status=Cluster.Status.ONLINE).count() == N, timeout=30)
    later = timezone.now() + timedelta(minutes=settings.CLUSTER_OFFLINE_MINUTES - 1)
    simulator.heartbeat(at=later)  # the others keep beating; the silent one does not
    assert wait_for(lambda: Cluster.objects.filter(last_seen_at=later).count() == N - 1, timeout=30)
    gone = broadcast.offline_scan(now=later + timedelta(minutes=2))
    assert [c.code for c in gone] == [silent]
    cluster = Cluster.objects.get(code=silent)
    told = Notification.objects.filter(kind="cluster_offline")
    assert set(told.values_list("recipient_id", flat=True)) == set(
        Membership.objects.filter(unit=cluster.unit).values_list("user_id", flat=True))
    assert broadcast.offline_scan(now=later + timedelta(minutes=3)) == []
