"""Live-notification benchmark: delivery latency and throughput to N websocket clients connected to one daphne
process over channels-redis, against a naive sender (one notify() call per recipient, as a caller looping over
people would write it) measured in the same run. Everything runs on 127.0.0.1, on a fresh test database that is
dropped at the end, within --max-seconds. Three processes, as in production: daphne serving the sockets, a
sender calling notify() (a huey worker or a web request elsewhere), and this one holding the clients.

    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/notify.py                     # SQLite file
    REDIS_URL=... DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/notify.py

Two baselines, on the same machine, the same client count and the same clients (one server at a time holds
them; the others are idle):
- floor: the sockets served by a bare websocket server (bench/floor_ws.py, asyncio and the standard library:
  no database, no channel layer) that on a trigger writes one pre-encoded frame to every socket. The physical
  limit of this box; latency from the moment it read the trigger.
- stock: what most Django projects do (bench/stock_asgi.py on a second daphne): one channels group per user,
  and per recipient the row created with the ORM, then async_to_sync(channel_layer.group_send)("user.<id>").

--processes 2: the production shape instead (deploy/prod-local.sh via bench/prodlocal.py: nginx in front of 2
daphne processes and 2 huey consumers on this run's database and Redis); the clients connect through nginx, which
spreads them over both processes, and only bulk notify() is measured (the baselines are for one process):

    REDIS_URL=... DATABASE_URL=postgres://... .venv/bin/python bench/notify.py --processes 2 --clients 5000

Latency is from the moment the sender calls notify() (rows written, then pushed) to the moment each client
has the message; both read CLOCK_MONOTONIC (time.monotonic(), system-wide on Linux). The clients share this
process's event loop, so their own scheduling is included. "push ms" is the sender's share: from the call
to the moment the rows are committed and the batch is handed to the channel layer (median; the first
recipient's for the naive and stock senders, every socket written for the floor). Throughput: rounds sent
back to back, messages received per second. The last line is one JSON object keyed by client count: bulk
notify()'s figures, "naive", "floor" and "stock" (p50_ms, p99_ms, msgs_per_s, lost, ...), and "p99_over_floor",
"p99_over_stock": bulk notify()'s p99 divided by theirs. With --processes 2: bulk notify()'s figures, "processes"
and "proxy"."""

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
STOCK_DAPHNE_LOG = ROOT / "var" / "bench_notify_stock_daphne.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(port: int, app: str = "config.asgi:application", log_path: Path = DAPHNE_LOG) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    log = open(log_path, "wb")  # a file, not a pipe nobody reads: a full pipe would stall daphne
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", app],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"daphne exited: {log_path.read_text()[-2000:]}")
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
    moment its rows were committed and the push handed to the channel layer (the first, for the naive one and
    the stock one). Modes: "bulk" (one notify() to everyone), "naive" (one notify() per person), "stock" (per
    person: the row by the ORM, then one group_send to the person's group; bench/stock_asgi.py)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from notifications import push
    from notifications.models import Notification
    from notifications.payloads import notification_payloads
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
        if command["mode"] == "naive":
            for uid in command["users"]:
                notify([uid], kind="task_assigned", title=command["title"])
        elif command["mode"] == "stock":
            layer = get_channel_layer()
            for uid in command["users"]:
                row = Notification.objects.create(recipient_id=uid, kind="task_assigned", title=command["title"])
                if not handed_over:
                    handed_over.append(time.monotonic())
                async_to_sync(layer.group_send)(
                    f"user.{uid}", {"type": "notification.message", "notification": notification_payloads([row])[0]}
                )
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

    async def send(self, user_ids: list[int], title: str, mode: str) -> tuple[float, float]:
        """(notify() called, push handed over), once notify() returned."""
        self.proc.stdin.write((json.dumps({"users": user_ids, "title": title, "mode": mode}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise SystemExit("the sender process died")
        answer = json.loads(line)
        return answer["t0"], answer["pushed"]

    async def stop(self) -> None:
        self.proc.stdin.close()
        await self.proc.wait()


class Floor:
    """The bare websocket server (bench/floor_ws.py) in its own process: the same interface as Sender, the
    trigger a line on its stdin; "pushed" is the moment every socket had been written."""

    @classmethod
    async def start(cls, port: int) -> "Floor":
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "floor_ws.py"), "--port", str(port), cwd=ROOT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        if not line.startswith(b"ready"):
            proc.kill()
            raise SystemExit(f"the floor server did not start: {line!r}")
        return cls(proc)

    def __init__(self, proc):
        self.proc = proc

    async def send(self, user_ids: list[int], title: str, mode: str) -> tuple[float, float]:
        self.proc.stdin.write((json.dumps({"title": title}) + "\n").encode())
        await self.proc.stdin.drain()
        line = await self.proc.stdout.readline()
        if not line:
            raise SystemExit("the floor server died")
        answer = json.loads(line)
        return answer["t0"], answer["pushed"]

    async def stop(self) -> None:
        self.proc.stdin.close()
        await self.proc.wait()


async def measure(collector: Collector, sender: Sender | Floor, user_ids: list[int], tag: str, rounds: int,
                  mode: str) -> dict:
    n = len(user_ids)
    latencies = []
    lost = 0
    # 0. One event nobody measures: the first notify() of a process pays for query compilation and new
    # connections, which a server that has been running has long paid.
    await sender.send(user_ids, f"{tag}:warm-up", mode)
    await collector.wait_for([f"{tag}:warm-up"], n, WAIT_S)
    # 1. Latency: one event at a time, everyone must have it before the next.
    push_ms, round_max_ms = [], []
    for r in range(rounds):
        title = f"{tag}:lat:{r}"
        t0, pushed = await sender.send(user_ids, title, mode)
        await collector.wait_for([title], n, WAIT_S)
        arrived = collector.arrivals.get(title, {})
        latencies += [(t - t0) * 1000 for t in arrived.values()]
        lost += n - len(arrived)
        push_ms.append((pushed - t0) * 1000)
        round_max_ms.append(round((max(arrived.values()) - t0) * 1000) if arrived else None)
    # 2. Throughput: rounds back to back.
    titles = [f"{tag}:tput:{r}" for r in range(rounds)]
    starts = [(await sender.send(user_ids, title, mode))[0] for title in titles]
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


def row(n: int, label: str, r: dict, extra: str = "") -> str:
    return (f"{n:>7} {label:<22}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['push_p50_ms']:>9}{r['msgs_per_s']:>9}"
            f"{r['lost']:>6}{extra}")


def p99_ratio(ours: dict, other: dict) -> float | None:
    return round(ours["p99_ms"] / other["p99_ms"], 2) if ours["p99_ms"] and other["p99_ms"] else None


async def on_server(port: int, sessions: list[tuple[int, str]], concurrency: int, phases: list[tuple]
                    ) -> tuple[list[dict], float]:
    """Connect the clients to one server, measure each phase (sender, tag, rounds, mode) in turn, disconnect;
    returns (the phases' results, seconds the connect storm took)."""
    connect_start = time.monotonic()
    clients = await connect_all(port, sessions, concurrency)
    connect_s = time.monotonic() - connect_start
    collector = Collector(clients)
    user_ids = [uid for uid, _key in sessions]
    results = [await measure(collector, sender, user_ids, tag, phase_rounds, mode)
               for sender, tag, phase_rounds, mode in phases]
    for r in results:
        r["duplicates"] = collector.duplicates
    collector.stop()
    await asyncio.gather(*(c.close() for c in clients))
    return results, connect_s


async def run(ports: dict[str, int], sessions: list[tuple[int, str]], counts: list[int], rounds: int,
              baseline_rounds: int, deadline: float, connect_concurrency: int, proxied: bool = False) -> dict:
    results = {}
    sender = await Sender.start()
    floor_server = None if proxied else await Floor.start(ports["floor"])
    try:
        for n in counts:
            if time.monotonic() > deadline:
                print(f"skipped {n} clients: --max-seconds reached", flush=True)
                continue
            if proxied:
                (ours,), connect_s = await on_server(ports["ours"], sessions[:n], connect_concurrency, [
                    (sender, f"bulk{n}", rounds, "bulk")])
                results[str(n)] = {**ours, "connect_s": round(connect_s, 2), "processes": 2, "proxy": "nginx"}
                print(row(n, "bulk, 2 daphne, nginx", ours, f"   connect {connect_s:.1f} s"), flush=True)
                continue
            (ours, naive), connect_s = await on_server(ports["ours"], sessions[:n], connect_concurrency, [
                (sender, f"bulk{n}", rounds, "bulk"), (sender, f"naive{n}", baseline_rounds, "naive")])
            (floor,), floor_connect_s = await on_server(ports["floor"], sessions[:n], connect_concurrency, [
                (floor_server, f"floor{n}", rounds, "floor")])
            (stock,), stock_connect_s = await on_server(ports["stock"], sessions[:n], connect_concurrency, [
                (sender, f"stock{n}", baseline_rounds, "stock")])
            del naive["duplicates"]
            ratio = ours["msgs_per_s"] / naive["msgs_per_s"] if naive["msgs_per_s"] else None
            floor["connect_s"], stock["connect_s"] = round(floor_connect_s, 2), round(stock_connect_s, 2)
            results[str(n)] = {**ours, "connect_s": round(connect_s, 2), "naive": naive,
                               "throughput_ratio": round(ratio, 1) if ratio else None,
                               "floor": floor, "stock": stock,
                               "p99_over_floor": p99_ratio(ours, floor), "p99_over_stock": p99_ratio(ours, stock)}
            print(row(n, "bulk notify()", ours, f"   connect {connect_s:.1f} s"), flush=True)
            print(row(n, "naive, one per person", naive), flush=True)
            print(row(n, "floor: bare websocket", floor, f"   connect {floor_connect_s:.1f} s"), flush=True)
            print(row(n, "stock: group per user", stock, f"   connect {stock_connect_s:.1f} s"), flush=True)
            print(f"{n:>7} ours p99 / floor p99 = {results[str(n)]['p99_over_floor']}, "
                  f"ours p99 / stock p99 = {results[str(n)]['p99_over_stock']}", flush=True)
    finally:
        if floor_server is not None:
            await floor_server.stop()
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
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1,
                        help="2: through nginx to 2 daphne processes (deploy/prod-local.sh; PostgreSQL only)")
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
    if args.processes == 2 and connection.vendor != "postgresql":
        raise SystemExit("--processes 2 needs PostgreSQL (DATABASE_URL): SQLite has one writer at a time.")
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    servers = []
    try:
        sessions = make_users(max(counts))
        if args.processes == 2:
            from bench.prodlocal import ProdLocal

            port = free_port()
            servers.append(ProdLocal(port, (free_port(), free_port()), database_url()).__enter__())
            print(f"nginx on 127.0.0.1:{port} in front of 2 daphne processes (deploy/prod-local.sh), "
                  f"channels-redis, {connection.vendor}", flush=True)
            ports = {"ours": port}
        else:
            ports = {"ours": free_port(), "stock": free_port(), "floor": free_port()}
            servers.append(start_daphne(ports["ours"]))
            servers.append(start_daphne(ports["stock"], "bench.stock_asgi:application", STOCK_DAPHNE_LOG))
            print(f"one daphne process on 127.0.0.1:{ports['ours']}, channels-redis, {connection.vendor}; "
                  f"stock: a second daphne on :{ports['stock']}; floor: bench/floor_ws.py on :{ports['floor']}",
                  flush=True)
        print(f"{'clients':>7} {'sender':<22}{'p50 ms':>9}{'p99 ms':>9}{'push ms':>9}{'msg/s':>9}{'lost':>6}",
              flush=True)
        results = asyncio.run(run(ports, sessions, counts, args.rounds, args.baseline_rounds, deadline,
                                  args.connect_concurrency, proxied=args.processes == 2))
    finally:
        for server in servers:
            if isinstance(server, subprocess.Popen):
                server.terminate()
                try:
                    server.wait(10)
                except subprocess.TimeoutExpired:
                    server.kill()
            else:
                server.__exit__()
        connection.close()
        runner.teardown_databases(old)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
