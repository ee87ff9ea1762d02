"""Fixtures for the notification tests: a clean channel layer and session cookies for websocket clients (the
live ASGI server and the browser are shared fixtures: tests/live.py)."""


import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import Client

from notifications.push import RELAY_GROUP
from tests.live import run_in_thread

requires_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs REDIS_URL (channels-redis); CI's second run has it"
)


def clear_layer(layer) -> None:
    """Forget queued messages and groups, but not the membership of the relays that listen now: a relay of the
    live server outlives a test (it listens while any socket is open) and would go deaf (notifications/push.py).
    channels-redis' own flush() also closes the connection pools of every event loop, daphne's included, from
    the wrong thread: delete its keys with a client of our own. The in-memory layer's flush() would orphan the
    queue a relay waits on: empty the queues instead."""
    if hasattr(layer, "hosts") and hasattr(layer, "prefix"):
        import redis

        relays = layer._group_key(RELAY_GROUP)
        for host in layer.hosts:
            client = redis.Redis.from_url(host["address"])
            keys = [k for k in client.scan_iter(f"{layer.prefix}*", count=1000) if k != relays]
            if keys:
                client.delete(*keys)
            client.close()
    else:
        run_in_thread(async_to_sync(_empty_in_memory), layer)


async def _empty_in_memory(layer) -> None:
    async def empty():
        for queue in layer.channels.values():
            while not queue.empty():
                queue.get_nowait()
        for group in [g for g in layer.groups if g != RELAY_GROUP]:
            del layer.groups[group]

    await layer._on_serving_loop(empty)


@pytest.fixture
def channel_layer():
    layer = get_channel_layer()
    clear_layer(layer)
    yield layer
    clear_layer(layer)


def session_cookie(user) -> str:
    """A real login session (saved in the database) for a websocket or browser client."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
