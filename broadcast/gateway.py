"""The MQTT gateway: one long-running process (`manage.py mqtt_gateway`) that publishes the command outbox to
the clusters (QoS 1, marked sent once the broker acknowledged it) and takes in heartbeats and play logs.

Incoming messages are queued by paho's network thread and handled on the gateway's own thread, in order, with
the database; a message that cannot be read is logged and dropped (a cluster sends its next heartbeat anyway,
and a play log again until it is acknowledged by its own retry). The outbox is at-least-once: a gateway
killed between publishing and marking leaves the command queued, and the next claim sends it again; clusters
tell commands apart by their "id"."""

import json
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import close_old_connections

from . import mqtt, services

log = logging.getLogger(__name__)


class Gateway:
    def __init__(self, *, on_play_logs: Callable[[list[services.PlayLogIn]], object], url: str | None = None,
                 client_id: str | None = None, poll_seconds: float = 0.1, batch: int = 1000):
        # each gateway its own MQTT client id: a broker drops the older of two connections with the same id, so
        # two gateways (or two test runs) sharing one would keep cutting each other off
        self.on_play_logs, self.url = on_play_logs, url
        self.client_id = client_id or f"ttcs-gateway-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.poll_seconds, self.batch = poll_seconds, batch
        self.inbox: queue.Queue = queue.Queue()
        self.client = None
        self.handled = 0

    def _on_message(self, client, userdata, message):
        self.inbox.put((message.topic, message.payload))

    def connect(self):
        self.client = mqtt.client(self.client_id, self.url)
        if self.client is None:
            raise RuntimeError("MQTT_URL is not set: the loudspeaker gateway is off")
        self.client.on_message = self._on_message
        self.client.subscribe([(mqtt.HEARTBEAT_FILTER, 1), (mqtt.PLAYLOG_FILTER, 1)])
        self.client.loop_start()
        return self

    def close(self):
        if self.client is not None:
            self.client.loop_stop()
            self.client.disconnect()

    def publish_round(self) -> int:
        """Send what the outbox holds (up to `batch`); returns how many the broker acknowledged."""
        commands = services.commands_claim(self.batch)
        if not commands:
            return 0
        pending = [(c.pk, self.client.publish(mqtt.commands_topic(c.cluster.code),
                                              json.dumps(c.payload, ensure_ascii=False), qos=1))
                   for c in commands]
        sent, failed = [], []
        for pk, info in pending:
            try:
                info.wait_for_publish(timeout=10)
            except (RuntimeError, ValueError):
                pass
            (sent if info.is_published() else failed).append(pk)
        services.commands_sent(sent)
        if failed:
            services.commands_release(failed)
        return len(sent)

    def read(self, topic: str, payload: bytes) -> services.PlayLogIn | None:
        """Handle a heartbeat at once; return a play log for the batch. Unreadable messages are dropped."""
        parts = mqtt.topic_parts(topic)
        if parts is None:
            return None
        code, kind = parts
        try:
            data = mqtt.decode(payload)
            if kind == "heartbeat":
                services.heartbeat_record(cluster_code=code, at=mqtt.moment(data.get("at")),
                                          volume=data.get("volume"), faults=data.get("faults") or [])
            elif kind == "playlog":
                return services.PlayLogIn(
                    cluster_code=code, key=str(data["id"]), bulletin_id=int(data["bulletin"]),
                    revision=int(data["revision"]) if data.get("revision") is not None else None,
                    started_at=mqtt.moment(data.get("started_at")),
                    duration_seconds=float(data["duration_seconds"]), result=str(data["result"]))
        except (mqtt.PayloadError, KeyError, TypeError, ValueError, ValidationError) as exc:
            log.warning("dropped %s from %s: %s", kind, code, exc)
        return None

    def handle(self, topic: str, payload: bytes) -> None:
        """One message on its own (the naive path of the benchmark)."""
        entry = self.read(topic, payload)
        if entry is not None:
            self.on_play_logs([entry])
        self.handled += 1

    def handle_inbox(self, limit: int = 5000) -> int:
        """What arrived since the last round: heartbeats one by one, play logs as one batch."""
        n, logs = 0, []
        while n < limit:
            try:
                topic, payload = self.inbox.get_nowait()
            except queue.Empty:
                break
            entry = self.read(topic, payload)
            if entry is not None:
                logs.append(entry)
            n += 1
        if logs:
            self.on_play_logs(logs)
        self.handled += n
        return n

    def run(self, stop: threading.Event | None = None, *, once: bool = False) -> None:
        stop = stop or threading.Event()
        while not stop.is_set():
            close_old_connections()
            busy = self.publish_round() + self.handle_inbox()
            if once:
                return
            if not busy:
                time.sleep(self.poll_seconds)
