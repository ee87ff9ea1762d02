"""Simulated loudspeaker clusters for the demo and the tests (`manage.py loudspeaker_sim`): they subscribe to
their commands, heartbeat, "play" a schedule at its times (or at once, `fast`) and a "play now" at once by
publishing play logs, and some stop heartbeating. One MQTT connection carries them all."""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from . import mqtt


@dataclass
class SimCluster:
    code: str
    silent: bool = False  # heartbeats once, then stops (it goes offline)
    received: list[dict] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)  # time.monotonic() of each command


class Simulator:
    def __init__(self, codes: list[str], *, url: str | None = None, silent: set[str] = frozenset(),
                 fast: bool = False, fail: set[str] = frozenset(), heartbeat_seconds: float = 30):
        self.clusters = {c: SimCluster(code=c, silent=c in silent) for c in codes}
        self.url, self.fast, self.fail, self.heartbeat_seconds = url, fast, set(fail), heartbeat_seconds
        self.client = None
        self.timers: list[threading.Timer] = []
        self.lock = threading.Lock()
        self.plays = 0
        self.rounds = 0

    def start(self):
        self.client = mqtt.client(f"ttcs-sim-{uuid.uuid4().hex[:8]}", self.url)
        if self.client is None:
            raise RuntimeError("MQTT_URL is not set")
        self.client.on_message = self._on_message
        self.client.subscribe(mqtt.COMMANDS_FILTER, qos=1)
        self.client.loop_start()
        return self

    def stop(self):
        for t in self.timers:
            t.cancel()
        if self.client is not None:
            self.client.loop_stop()
            self.client.disconnect()

    def heartbeat(self, at: datetime | None = None) -> int:
        at = at or timezone.now()
        sent = 0
        for c in self.clusters.values():
            if not c.silent or self.rounds == 0:
                self.client.publish(mqtt.heartbeat_topic(c.code), json.dumps(
                    {"at": at.isoformat(), "volume": 80, "faults": []}), qos=0)
                sent += 1
        self.rounds += 1
        return sent

    def _on_message(self, client, userdata, message):
        parts = mqtt.topic_parts(message.topic)
        if parts is None or parts[0] not in self.clusters:
            return
        cluster = self.clusters[parts[0]]
        try:
            command = mqtt.decode(message.payload)
        except mqtt.PayloadError:
            return
        with self.lock:
            cluster.received.append(command)
            cluster.received_at.append(time.monotonic())
        if command.get("type") == "play_now":
            self._play(cluster, command, 0)
        elif command.get("type") == "schedule":
            for time_text in command.get("times") or []:
                delay = 0 if self.fast else max(0.0, (mqtt.moment(time_text) - timezone.now()).total_seconds())
                for repetition in range(int(command.get("repetitions") or 1)):
                    self._later(delay, cluster, command, repetition)

    def _later(self, delay: float, cluster: SimCluster, command: dict, repetition: int):
        if delay <= 0:
            self._play(cluster, command, repetition)
            return
        timer = threading.Timer(delay, self._play, args=(cluster, command, repetition))
        timer.daemon = True
        self.timers.append(timer)
        timer.start()

    def _play(self, cluster: SimCluster, command: dict, repetition: int):
        duration = float(command.get("duration_seconds") or 0)
        failed = cluster.code in self.fail
        started = timezone.now() - timedelta(seconds=duration)
        self.client.publish(mqtt.playlog_topic(cluster.code), json.dumps({
            "id": f"{command['id']}-{repetition}", "bulletin": command["bulletin"], "revision": command.get("revision"),
            "started_at": started.isoformat(), "duration_seconds": 0 if failed else duration,
            "result": "failed" if failed else "ok"}), qos=1)
        with self.lock:
            self.plays += 1
