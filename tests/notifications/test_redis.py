"""The production channel layer (channels-redis) end to end: real sockets on daphne, notifications sent by
another process. Only where REDIS_URL is set (CI's second run)."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings

from notifications.testing import WebSocketClient, database_url
from org.models import User
from tests.notifications.conftest import requires_redis, session_cookie

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
USERS = 200
ROUNDS = 5  # USERS * ROUNDS = 1,000 notifications

SENDER = """
import django, sys
django.setup()
from notifications.services import notify
from org.models import User
users = list(User.objects.filter(username__startswith="burst_").order_by("username"))
for i in range(int(sys.argv[1])):
    notify(users, kind="task_assigned", title=f"Đợt {i}")
"""


def send_from_another_process(rounds: int) -> None:
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
           "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", SENDER, str(rounds)], cwd=ROOT, env=env, check=True, timeout=120)


@pytest.fixture
def burst_users(demo_transactional):
    User.objects.bulk_create(User(username=f"burst_{i:03d}", full_name=f"Người nhận {i}") for i in range(USERS))
    return list(User.objects.filter(username__startswith="burst_").order_by("username"))


async def connect_all(server, cookies: list[str]) -> list[WebSocketClient]:
    """All at once, as browsers do after a server restart (more than redis-py's default pool of 100)."""
    clients = await asyncio.gather(*(
        WebSocketClient.connect(f"{server.ws_url}/ws/notifications/", cookie=f"sessionid={c}", origin=server.url)
        for c in cookies
    ))
    await asyncio.gather(*(c.hello(None) for c in clients))
    return clients


def test_a_burst_of_1000_from_another_process_loses_nothing(asgi_live_server, burst_users, channel_layer):
    cookies = [session_cookie(u) for u in burst_users]

    async def scenario():
        clients = await connect_all(asgi_live_server, cookies)
        sender = asyncio.get_running_loop().run_in_executor(None, send_from_another_process, ROUNDS)

        async def collect(client):
            titles = []
            while len(titles) < ROUNDS:
                message = await client.receive_json(timeout=60)
                if message["type"] == "notification":
                    titles.append(message["notification"]["title"])
            return titles

        received = await asyncio.gather(*(collect(c) for c in clients))
        await sender
        await asyncio.sleep(0.5)
        duplicates = sum(c._messages.qsize() for c in clients)  # anything beyond the expected
        await asyncio.gather(*(c.close() for c in clients))
        return received, duplicates

    received, duplicates = async_to_sync(scenario)()
    assert duplicates == 0
    expected = [f"Đợt {i}" for i in range(ROUNDS)]
    assert sum(len(r) for r in received) == USERS * ROUNDS
    assert all(r == expected for r in received)  # none lost, none twice, in order per user


def test_sockets_vanishing_mid_burst_do_not_stop_the_others(asgi_live_server, burst_users, channel_layer):
    cookies = [session_cookie(u) for u in burst_users]

    async def scenario():
        clients = await connect_all(asgi_live_server, cookies)
        staying, leaving = clients[::2], clients[1::2]
        sender = asyncio.get_running_loop().run_in_executor(None, send_from_another_process, ROUNDS)
        await staying[0].receive_json(timeout=60)  # the burst has begun
        for client in leaving:
            client.abort()

        async def collect(client, titles):
            while len(titles) < ROUNDS:
                message = await client.receive_json(timeout=60)
                if message["type"] == "notification":
                    titles.append(message["notification"]["title"])
            return titles

        received = await asyncio.gather(collect(staying[0], ["Đợt 0"]), *(collect(c, []) for c in staying[1:]))
        await sender
        await asyncio.gather(*(c.close() for c in staying))
        return received

    received = async_to_sync(scenario)()
    assert len(received) == USERS // 2
    assert all(r == [f"Đợt {i}" for i in range(ROUNDS)] for r in received)


def test_an_idle_socket_stays_open(asgi_live_server, burst_users, channel_layer):
    """redis-py 8 drops idle connections at a 5 s socket timeout unless configured higher (settings)."""
    cookie = session_cookie(burst_users[0])

    async def scenario():
        [client] = await connect_all(asgi_live_server, [cookie])
        await asyncio.sleep(15)
        assert not client.closed.is_set()
        sender = asyncio.get_running_loop().run_in_executor(None, send_from_another_process, 1)
        message = await client.receive_json(timeout=30)
        await sender
        await client.send_json({"type": "ping"})
        assert (await client.receive_json())["type"] == "pong"
        await client.close()
        return message

    message = async_to_sync(scenario)()
    assert message["type"] == "notification" and message["notification"]["title"] == "Đợt 0"
