"""Readiness: each dependency's state, for the proxy and a monitor. No secrets: names, states, ages, counts."""

import socket
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from huey.contrib.djhuey import HUEY

from .jobs import HEARTBEAT_KEY, last_run_key

# the periodic jobs whose last completion is reported (seconds ago; None: not since the cache was emptied)
PERIODIC_JOBS = ("reconcile_fan_outs_job", "deadline_scan_job", "task_deadlines_job", "offline_scan_job",
                 "publish_due_bulletins", "reconcile_audio_renders", "deliver_zalo_messages_periodic",
                 "email_due_notifications", "outreach_deliver_periodic_job", "outreach_remind_job",
                 "reporting_periods_open_job", "feedback_deadlines_job")


def _check(fn) -> dict:
    started = time.monotonic()
    try:
        detail = fn() or {}
        state = detail.pop("state", "ok")
    except Exception as exc:  # any failure is the answer
        return {"state": "fail", "error": type(exc).__name__, "ms": round((time.monotonic() - started) * 1000)}
    return {"state": state, **detail, "ms": round((time.monotonic() - started) * 1000)}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache.set("ops:ping", 1, 10)
    if cache.get("ops:ping") != 1:
        raise RuntimeError("cache")
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _mqtt():
    from broadcast.mqtt import broker  # noqa: PLC0415 (only where configured)

    where = broker()
    if where is None:
        return {"state": "off"}
    socket.create_connection((where.host, where.port), timeout=2).close()
    return {}


def _queue():
    now = time.time()
    beat = cache.get(HEARTBEAT_KEY)
    age = round(now - beat) if beat else None
    stale = settings.OPS_HEARTBEAT_SECONDS * 3
    jobs = {}
    for name in PERIODIC_JOBS:
        last = cache.get(last_run_key(name))
        jobs[name] = round(now - last) if last else None
    return {"state": "ok" if age is not None and age <= stale else "fail", "consumer_heartbeat_age_s": age,
            "pending": HUEY.pending_count(), "last_run_age_s": jobs}


def readiness() -> dict:
    checks = {"database": _check(_database), "cache": _check(_cache), "queue": _check(_queue),
              "mqtt": _check(_mqtt)}
    ready = all(c["state"] in ("ok", "off") for c in checks.values())
    return {"status": "ready" if ready else "degraded", "checks": checks}
