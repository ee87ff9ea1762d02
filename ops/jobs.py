"""What the job queue tells the operator, through huey's signals (in whichever process runs the consumer): the
last completion of each periodic job, a count of failures, an e-mail to the administrators when a job fails for
good (no retry left), and a heartbeat every OPS_HEARTBEAT_SECONDS from each consumer process. Everything is kept
in the cache (Redis in production, shared by every process; the process's own memory in the embedded profile,
where the consumer runs inside the web process)."""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import mail_admins
from django.utils import timezone
from huey import signals as S
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY

log = logging.getLogger("ttcs.job")
HEARTBEAT_KEY = "ops:consumer-heartbeat"
FAILED_KEY = "ops:jobs-failed"
LAST_RUN = "ops:job:{name}"
_beating = threading.Event()


def last_run_key(name: str) -> str:
    return LAST_RUN.format(name=name)


_started: dict[str, float] = {}


def _fields(task, outcome: str, **more) -> dict:
    began = _started.pop(task.id, None)
    return {"event": "job", "job": task.name, "id": task.id, "args": list(task.args or ())[:5],
            "outcome": outcome, "ms": round((time.monotonic() - began) * 1000, 1) if began else None, **more}


def _on_executing(signal, task, *args, **kwargs):
    _started[task.id] = time.monotonic()


def _on_complete(signal, task, *args, **kwargs):
    log.info("job", extra={"fields": _fields(task, "ok")})
    now = time.time()
    if isinstance(task, PeriodicTask):
        cache.set(last_run_key(task.name), now, None)
    cache.set(HEARTBEAT_KEY, now, None)


def _on_error(signal, task, exc=None, *args, **kwargs):
    try:
        cache.incr(FAILED_KEY)
    except ValueError:
        cache.set(FAILED_KEY, 1, None)
    log.warning("job", extra={"fields": _fields(task, "failed", retries_left=task.retries, error=repr(exc)[:300])})
    if not task.retries:  # no retry left: somebody must look
        mail_admins(f"Công việc nền thất bại: {task.name}",
                    f"Công việc {task.name} ({task.id}) thất bại và không còn lần thử lại lúc "
                    f"{timezone.localtime():%d/%m/%Y %H:%M}.\nLỗi: {exc!r}\n"
                    "Xem trang Quản trị → Việc nền lỗi để gửi lại.", fail_silently=True)


def _beat():
    while True:
        cache.set(HEARTBEAT_KEY, time.time(), None)
        time.sleep(settings.OPS_HEARTBEAT_SECONDS)


def _on_startup():
    """Each consumer process beats once (its workers all call this)."""
    if not _beating.is_set():
        _beating.set()
        threading.Thread(target=_beat, name="ops-heartbeat", daemon=True).start()


def connect() -> None:
    HUEY.signal(S.SIGNAL_EXECUTING)(_on_executing)
    HUEY.signal(S.SIGNAL_COMPLETE)(_on_complete)
    HUEY.signal(S.SIGNAL_ERROR)(_on_error)
    HUEY.on_startup("ops-heartbeat")(_on_startup)
