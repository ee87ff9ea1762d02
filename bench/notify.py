"""Live-notification benchmark: delivery latency and throughput to N websocket clients connected to one daphne
process over channels-redis, against a naive sender (one notify() call per recipient, as a caller looping over
people would write it) measured in the same run. Everything runs on 127.0.0.1, on a fresh test database that is
dropped at the end, within --max-seconds. Three processes, as in production: daphne serving the sockets, a
sender calling notify() (a huey worker or a web request elsewhere), and this one holding the clients.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/notify.py                     # SQLite file
    REDIS_URL=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/notify.py

Latency is from the moment the sender calls notify() (rows written, then pushed) to the moment each client
has the message; both read CLOCK_MONOTONIC (time.monotonic(), system-wide on Linux). The clients share this
process's event loop, so their own scheduling is included. "push ms" is the sender's share: from the call
to the moment the rows are committed and the batch is handed to the channel layer (median). Throughput: rounds sent
back to back, messages received per second. The last line is one JSON object keyed by client count."""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("TEST_DB_NAME", str(ROOT / "var" / "bench_notify.sqlite3"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402

from notifications.testing import WebSocketClient, database_url  # noqa: E402

WAIT_S = 60  # per round, then whatever has not arrived counts as lost
DAPHNE_LOG = ROOT / "var" / "bench_notify_daphne.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    log = open(DAPHNE_LOG, "wb")  # a file, not a pipe nobody reads: a full pipe would stall daphne
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", "config.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"daphne exited: {DAPHNE_LOG.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("daphne did not start within 60 s")


def make_users(n: int) -> list[tuple[int, str]]:
    """n users with a login session each: (user id, session key)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from org.models import User

    User.objects.bulk_create(
        [User(username=f"bench_{i:04d}", full_name=f"Người nhận {i}") for i in range(n)], ignore_conflicts=True
    )
    result = []
    for user in User.objects.filter(username__startswith="bench_").order_by("username")[:n]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        result.append((user.pk, session.session_key))
    return result


async def connect_all(port: int, sessions: list[tuple[int, str]], concurrency: int) -> list[WebSocketClient]:
    gate = asyncio.Semaphore(concurrency)
    origin = f"http://127.0.0.1:{port}"

    async def one(session_key: str) -> WebSocketClient:
        async with gate:
            client = await WebSocketClient.connect(
                f"ws://127.0.0.1:{port}/ws/notifications/", cookie=f"sessionid={session_key}", origin=origin,
                timeout=30,
            )
            await client.hello(None, timeout=30)
            return client

    return await asyncio.gather(*(one(key) for _uid, key in sessions))


class Collector:
    """Receive time of every (title, client) pair, from one reader task per client."""

    def __init__(self, clients: list[WebSocketClient]):
        self.arrivals: dict[str, dict[int, float]] = {}
        self.duplicates = 0
        self.changed = asyncio.Event()
        self.tasks = [asyncio.create_task(self._read(i, c)) for i, c in enumerate(clients)]

    async def _read(self, index: int, client: WebSocketClient) -> None:
        while True:
            message = await client.receive_json(timeout=None)
            if message.get("type") != "notification":
                continue
            seen = self.arrivals.setdefault(message["notification"]["title"], {})
            if index in seen:
                self.duplicates += 1
            seen[index] = time.monotonic()
            self.changed.set()

    async def wait_for(self, titles: list[str], expected: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while any(len(self.arrivals.get(t, {})) < expected for t in titles):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(remaining, 1))
            except TimeoutError:
                pass

    def stop(self) -> None:
        for task in self.tasks:
            task.cancel()


def sender_main() -> None:
    """--sender: read one JSON command per line, notify, answer with the moment notify() was called and the
    moment its rows were committed and the push handed to the channel layer (the first, for the naive one)."""
    from notifications import push
    from notifications.services import notify

    handed_over: list[float] = []
    send = push.send

    def timed_send(deliveries):
        handed_over.append(time.monotonic())
        return send(deliveries)

    push.send = timed_send
    for line in sys.stdin:
        command = json.loads(line)
        handed_over.clear()
        t0 = time.monotonic()
        if command["naive"]:
            for uid in command["users"]:
                notify([uid], kind="task_assigned", title=command["title"])
        else:
            notify(command["users"], kind="task_assigned", title=command["title"])
        print(json.dumps({"t0": t0, "pushed": handed_over[0]}), flush=True)


class Sender:
    """The sender process, fed over a pipe."""

    @classmethod
    async def start(cls) -> "Sender":
        env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT)}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--sender", cwd=ROOT, env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    def __init__(self, proc):
        self.proc = proc

    async def send(self, user_ids: list[int], title: str, naive: bool) -> tuple[float, float]:
        """(notify() called, push handed over), once notify() returned."""
        self.proc.stdin.write((json.dumps({"users": user_ids, "title": title, "naive": naive}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise SystemExit("the sender process died")
        answer = json.loads(line)
        return answer["t0"], answer["pushed"]

    async def stop(self) -> None:
        self.proc.stdin.close()
        await self.proc.wait()


async def measure(collector: Collector, sender: Sender, user_ids: list[int], tag: str, rounds: int,
                  naive: bool) -> dict:
    n = len(user_ids)
    latencies = []
    lost = 0
    # 0. One event nobody measures: the first notify() of a process pays for query compilation and new
    # connections, which a server that has been running has long paid.
    await sender.send(user_ids, f"{tag}:warm-up", naive)
    await collector.wait_for([f"{tag}:warm-up"], n, WAIT_S)
    # 1. Latency: one event at a time, everyone must have it before the next.
    push_ms, round_max_ms = [], []
    for r in range(rounds):
        title = f"{tag}:lat:{r}"
        t0, pushed = await sender.send(user_ids, title, naive)
        await collector.wait_for([title], n, WAIT_S)
        arrived = collector.arrivals.get(title, {})
        latencies += [(t - t0) * 1000 for t in arrived.values()]
        lost += n - len(arrived)
        push_ms.append((pushed - t0) * 1000)
        round_max_ms.append(round((max(arrived.values()) - t0) * 1000) if arrived else None)
    # 2. Throughput: rounds back to back.
    titles = [f"{tag}:tput:{r}" for r in range(rounds)]
    starts = [(await sender.send(user_ids, title, naive))[0] for title in titles]
    await collector.wait_for(titles, n, WAIT_S)
    received = [t for title in titles for t in collector.arrivals.get(title, {}).values()]
    lost += n * rounds - len(received)
    elapsed = (max(received) - starts[0]) if received else float("inf")
    latencies.sort()
    return {
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1) if latencies else None,
        "msgs_per_s": round(len(received) / elapsed) if received else 0,
        "lost": lost,
        "push_p50_ms": round(statistics.median(push_ms), 1),  # notify() called → rows committed, push handed over
        "round_max_ms": round_max_ms,  # the last client's latency, event by event
    }


async def run(port: int, sessions: list[tuple[int, str]], counts: list[int], rounds: int, baseline_rounds: int,
              deadline: float, connect_concurrency: int) -> dict:
    results = {}
    sender = await Sender.start()
    for n in counts:
        if time.monotonic() > deadline:
            print(f"skipped {n} clients: --max-seconds reached", flush=True)
            continue
        connect_start = time.monotonic()
        clients = await connect_all(port, sessions[:n], connect_concurrency)
        connect_s = time.monotonic() - connect_start
        collector = Collector(clients)
        user_ids = [uid for uid, _key in sessions[:n]]
        ours = await measure(collector, sender, user_ids, f"bulk{n}", rounds, naive=False)
        naive = await measure(collector, sender, user_ids, f"naive{n}", baseline_rounds, naive=True)
        ours["duplicates"] = collector.duplicates
        collector.stop()
        await asyncio.gather(*(c.close() for c in clients))
        ratio = ours["msgs_per_s"] / naive["msgs_per_s"] if naive["msgs_per_s"] else None
        results[str(n)] = {**ours, "connect_s": round(connect_s, 2), "naive": naive,
                           "throughput_ratio": round(ratio, 1) if ratio else None}
        print(f"{n:>7} {'bulk notify()':<22}{ours['p50_ms']:>9}{ours['p99_ms']:>9}{ours['push_p50_ms']:>9}"
              f"{ours['msgs_per_s']:>9}{ours['lost']:>6}   connect {connect_s:.1f} s", flush=True)
        print(f"{n:>7} {'naive, one per person':<22}{naive['p50_ms']:>9}{naive['p99_ms']:>9}"
              f"{naive['push_p50_ms']:>9}{naive['msgs_per_s']:>9}{naive['lost']:>6}", flush=True)
    await sender.stop()
    return results


def main() -> None:
    if sys.argv[1:] == ["--sender"]:
        return sender_main()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="200,1000", help="comma-separated client counts")
    parser.add_argument("--rounds", type=int, default=10, help="events per phase for bulk notify()")
    parser.add_argument("--baseline-rounds", type=int, default=3, help="events per phase for the naive sender")
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument("--connect-concurrency", type=int, default=200,
                        help="clients opening their socket at the same moment (a reconnect storm is all of them)")
    args = parser.parse_args()
    if not settings.REDIS_URL:
        raise SystemExit("REDIS_URL is required: the benchmark measures the channels-redis layer.")
    counts = [int(c) for c in args.clients.split(",")]
    deadline = time.monotonic() + args.max_seconds

    settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor != "sqlite":
        settings.DATABASES["default"]["TEST"]["NAME"] = "test_ttcs_bench_notify"
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    daphne = None
    try:
        sessions = make_users(max(counts))
        port = free_port()
        daphne = start_daphne(port)
        print(f"one daphne process on 127.0.0.1:{port}, channels-redis, {connection.vendor}", flush=True)
        print(f"{'clients':>7} {'sender':<22}{'p50 ms':>9}{'p99 ms':>9}{'push ms':>9}{'msg/s':>9}{'lost':>6}",
              flush=True)
        results = asyncio.run(run(port, sessions, counts, args.rounds, args.baseline_rounds, deadline,
                                  args.connect_concurrency))
    finally:
        if daphne is not None:
            daphne.terminate()
            try:
                daphne.wait(10)
            except subprocess.TimeoutExpired:
                daphne.kill()
        connection.close()
        runner.teardown_databases(old)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
