"""The MQTT contract with loudspeaker clusters (documented for vendors in the README, "Loudspeaker clusters").

Topics, all under `ttcs/v1/clusters/<cluster code>/`:
- `commands`  (we publish, QoS 1): {"id", "type": "schedule" | "play_now" | "withdraw", "bulletin", "revision",
  "title", "priority", "audio_url", "audio_sha256", "duration_seconds", "times": [ISO 8601], "repetitions"};
  a withdraw carries only id, type, bulletin and revision.
- `heartbeat` (the cluster publishes, QoS 0 or 1): {"at": ISO 8601, "volume": 0-100, "faults": [codes]}.
- `playlog`   (the cluster publishes, QoS 1): {"id": its own log id, "bulletin", "revision", "started_at": ISO
  8601, "duration_seconds", "result": "ok" | "partial" | "failed"}. Sending a log again is harmless.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.utils.dateparse import parse_datetime

PREFIX = "ttcs/v1/clusters"
HEARTBEAT_FILTER = f"{PREFIX}/+/heartbeat"
PLAYLOG_FILTER = f"{PREFIX}/+/playlog"
COMMANDS_FILTER = f"{PREFIX}/+/commands"


def commands_topic(code: str) -> str:
    return f"{PREFIX}/{code}/commands"


def heartbeat_topic(code: str) -> str:
    return f"{PREFIX}/{code}/heartbeat"


def playlog_topic(code: str) -> str:
    return f"{PREFIX}/{code}/playlog"


def topic_parts(topic: str) -> tuple[str, str] | None:
    """(cluster code, kind) of an incoming topic, None for anything else."""
    parts = topic.split("/")
    if len(parts) != 5 or "/".join(parts[:3]) != PREFIX:
        return None
    return parts[3], parts[4]


class PayloadError(ValueError):
    pass


def decode(payload: bytes) -> dict:
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError("not JSON") from exc
    if not isinstance(data, dict):
        raise PayloadError("not an object")
    return data


def moment(value) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise PayloadError("a time must be ISO 8601 with its offset")
    return parsed


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str | None
    password: str | None


def broker(url: str | None = None) -> Broker | None:
    """The broker of `MQTT_URL` (mqtt://user:pass@host:1883), None when the gateway is off."""
    url = url if url is not None else settings.MQTT_URL
    if not url:
        return None
    parsed = urlparse(url)
    return Broker(host=parsed.hostname or "127.0.0.1", port=parsed.port or 1883, username=parsed.username,
                  password=parsed.password)


def client(client_id: str, url: str | None = None):
    """A connected paho client (network loop not started), or None when MQTT is off."""
    import paho.mqtt.client as mqtt  # noqa: PLC0415 (only the gateway and the simulator need it)

    where = broker(url)
    if where is None:
        return None
    c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    if where.username:
        c.username_pw_set(where.username, where.password)
    c.connect(where.host, where.port, keepalive=30)
    return c
