"""Loudspeaker benchmark through a real MQTT broker (Mosquitto on 127.0.0.1:1883, `make test` starts it):

- emergency fan-out: "play now" to every cluster, from the call to each simulated cluster receiving it (p50/p99),
  for 126 and 3,321 clusters: our gateway (one connection, the outbox claimed in batches, QoS 1 pipelined)
  against a naive sender that opens a connection per cluster (paho's publish.single);
- play-log ingest (logs/s): our gateway (the network thread only queues; the gateway thread stores) against a
  naive one that stores inside paho's message callback, both through workflows.broadcast.play_log_ingest.

    .venv/bin/python bench/loudspeakers.py [--clusters 126 3321]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/loudspeakers.py
The last line is one JSON object with every figure."""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "1"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ttcs-bench-media-"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="ttcs-bench-private-"))
os.environ.setdefault("MQTT_URL", "mqtt://127.0.0.1:1883")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

UNITS = 126


def build(clusters: int, tag: str) -> list[str]:
    from broadcast.services import cluster_register
    from org.loaders import city_spec
    from org.models import Structure, Unit, UnitKind
    from org.services import UnitSpec, units_sync

    units_sync([city_spec()] + [UnitSpec(code=f"B{i:03d}", name=f"Phường Thử {i}", kind=UnitKind.COMMUNE,
                                         structure=Structure.CURRENT, parent_code="01",
                                         parent_structure=Structure.CITY) for i in range(UNITS)])
    units = list(Unit.objects.filter(structure=Structure.CURRENT, code__startswith="B").order_by("code"))
    codes = [f"{tag}-{i}" for i in range(clusters)]
    for i, code in enumerate(codes):
        cluster_register(unit=units[i % UNITS], code=code, vendor="bench")
    return codes


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait(condition, timeout: float = 300) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end and not condition():
        time.sleep(0.01)
    return condition()


def emergency(codes: list[str], bulletin_id: int, *, naive: bool) -> dict:
    import paho.mqtt.publish as single

    from broadcast import mqtt
    from broadcast.gateway import Gateway
    from broadcast.models import Cluster, Command
    from broadcast.services import Sound, plans_play_now
    from broadcast.simulator import Simulator
    from org.models import Unit
    from workflows.broadcast.services import play_logs_ingest

    simulator = Simulator(codes).start()
    simulator.client.on_message_orig = simulator.client.on_message
    # the clusters only record what they get here (no play logs): this measures the commands' way out
    simulator._play = lambda *a, **k: None
    gateway = stop = thread = None
    if not naive:
        gateway = Gateway(on_play_logs=play_logs_ingest, client_id=f"bench-gw-{os.getpid()}-{bulletin_id}",
                          poll_seconds=0.01)
        gateway.connect()
        stop = threading.Event()
        thread = threading.Thread(target=gateway.run, args=(stop,), daemon=True)
        thread.start()
    time.sleep(0.5)
    units = list(Unit.objects.filter(pk__in=Cluster.objects.filter(code__in=codes).values("unit_id")))
    sound = Sound(bulletin_id=bulletin_id, revision=1, title="Khẩn cấp", priority="emergency",
                  audio_url="http://127.0.0.1/a.wav", audio_sha256="0" * 64, duration_seconds=30)
    start = time.monotonic()
    plans_play_now(units=units, sound=sound)
    if naive:
        where = mqtt.broker()
        for command in Command.objects.filter(plan__bulletin_id=bulletin_id).select_related("cluster"):
            single.single(mqtt.commands_topic(command.cluster.code), json.dumps(command.payload), qos=1,
                          hostname=where.host, port=where.port)
    ok = wait(lambda: all(c.received_at for c in simulator.clusters.values()))
    latencies = [(c.received_at[0] - start) * 1000 for c in simulator.clusters.values() if c.received_at]
    if stop:
        stop.set()
        thread.join(10)
        gateway.close()
    simulator.stop()
    return {"clusters": len(codes), "received": len(latencies), "complete": ok,
            "p50_ms": round(percentile(latencies, 50), 1), "p99_ms": round(percentile(latencies, 99), 1),
            "total_s": round(max(latencies) / 1000, 3)}


def ingest(codes: list[str], bulletin_id: int, *, naive: bool) -> dict:
    from broadcast import mqtt
    from broadcast.gateway import Gateway
    from broadcast.models import PlayLog
    from broadcast.simulator import Simulator
    from workflows.broadcast.services import play_logs_ingest

    gateway = Gateway(on_play_logs=play_logs_ingest, client_id=f"bench-in-{os.getpid()}-{bulletin_id}",
                      poll_seconds=0.01)
    gateway.connect()
    stop = threading.Event()
    if naive:  # store inside the network thread's callback
        gateway.client.on_message = lambda c, u, m: gateway.handle(m.topic, m.payload)
        thread = None
    else:
        thread = threading.Thread(target=gateway.run, args=(stop,), daemon=True)
        thread.start()
    simulator = Simulator(codes).start()
    time.sleep(0.5)
    before = PlayLog.objects.count()
    start = time.monotonic()
    for i, code in enumerate(codes):
        simulator.client.publish(mqtt.playlog_topic(code), json.dumps({
            "id": f"bench-{bulletin_id}-{i}", "bulletin": bulletin_id, "revision": 1,
            "started_at": "2026-12-02T08:00:00+07:00", "duration_seconds": 30, "result": "ok"}), qos=1)
    ok = wait(lambda: PlayLog.objects.count() - before >= len(codes), timeout=120)
    seconds = time.monotonic() - start
    stored = PlayLog.objects.count() - before
    stop.set()
    if thread:
        thread.join(10)
    gateway.close()
    simulator.stop()
    return {"logs": stored, "complete": ok, "seconds": round(seconds, 3), "logs_per_s": round(stored / seconds, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clusters", type=int, nargs="+", default=[126, 3321])
    parser.add_argument("--naive-logs", type=int, default=500, help="logs sent to the naive ingest")
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    results = {"db": connection.vendor, "emergency": [], "ingest": []}
    try:
        bulletin = 1000
        for n in args.clusters:
            codes = build(n, f"E{n}")
            for naive in (False, True):
                bulletin += 1
                results["emergency"].append({"method": "naive" if naive else "gateway",
                                             **emergency(codes, bulletin, naive=naive)})
        codes = build(max(args.clusters), "L")
        from broadcast.services import Sound, plans_play_now
        from org.models import Unit

        for naive in (False, True):
            bulletin += 1
            plans_play_now(units=list(Unit.objects.filter(code__startswith="B")), sound=Sound(
                bulletin_id=bulletin, revision=1, title="x", priority="emergency", audio_url="http://x/a.wav",
                audio_sha256="", duration_seconds=30))
            sample = codes[:args.naive_logs] if naive else codes  # the naive one is slow: a sample of it
            results["ingest"].append({"method": "naive" if naive else "gateway",
                                      **ingest(sample, bulletin, naive=naive)})
    finally:
        runner.teardown_databases(old)
    print(f"{'emergency play-now':<22}{'clusters':>9}{'p50 ms':>9}{'p99 ms':>9}{'total s':>9}")
    for row in results["emergency"]:
        print(f"{row['method']:<22}{row['clusters']:>9}{row['p50_ms']:>9}{row['p99_ms']:>9}{row['total_s']:>9}")
    print(f"{'play-log ingest':<22}{'logs':>9}{'seconds':>9}{'logs/s':>9}")
    for row in results["ingest"]:
        print(f"{row['method']:<22}{row['logs']:>9}{row['seconds']:>9}{row['logs_per_s']:>9}")
    print(f"on {results['db']}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
