"""Fixtures for the notification tests: a clean channel layer and session cookies for websocket clients (the
live ASGI server and the browser are shared fixtures: tests/live.py)."""


import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.test import Client

from tests.live import run_in_thread

requires_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs REDIS_URL (channels-redis); CI's second run has it"
)


def clear_layer(layer) -> None:
    """Forget groups and queued messages. channels-redis' own flush() also closes the connection pools of
    every event loop, daphne's included, from the wrong thread: delete its keys with a client of our own."""
    if hasattr(layer, "hosts") and hasattr(layer, "prefix"):
        import redis

        for host in layer.hosts:
            client = redis.Redis.from_url(host["address"])
            keys = list(client.scan_iter(f"{layer.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
    else:
        run_in_thread(async_to_sync(layer.flush))


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
