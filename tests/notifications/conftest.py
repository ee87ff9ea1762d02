"""Fixtures for the notification tests: a clean channel layer, session cookies for websocket clients, and the
real ASGI application served by daphne in a thread of this process (pytest-django's live_server is WSGI and
has no websockets; in-process, the in-memory channel layer carries this process's sends to the sockets)."""

import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections
from django.test import Client

requires_redis = pytest.mark.skipif(
    not settings.REDIS_URL, reason="needs REDIS_URL (channels-redis); CI's second run has it"
)


def run_in_thread(fn, *args, **kwargs):
    """Call `fn` on a fresh thread and return its result. For sync code that must not run where an event loop
    is running (Playwright's sync API keeps one in the test's thread; async_to_sync refuses to run there)."""

    def call():
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()  # this thread's connections only

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


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


class LiveASGIServer:
    """daphne serving config.asgi (plus static files) on 127.0.0.1 in a thread. Twisted's reactor runs once
    per process, so there is one of these per test session."""

    def __init__(self):
        from daphne.server import Server  # installs the asyncio reactor before twisted.internet.reactor
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = Server(
            ASGIStaticFilesHandler(application),  # DEBUG is off in tests: serve static files like runserver
            endpoints=[f"tcp:port={self.port}:interface=127.0.0.1"],
            signal_handlers=False,
            verbosity=0,
        )
        self.thread = threading.Thread(target=self.server.run, name="daphne-test", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        logging.getLogger("daphne.server").setLevel(logging.WARNING)  # its INFO lines outlive pytest's capture
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.listening_addresses:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("daphne did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(reactor.stop)
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup, django_db_blocker):
    # The server's threads must not keep persistent connections: the test database is dropped at the end.
    db_settings = connections.settings["default"]
    max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    server = LiveASGIServer()
    server.start()
    yield server
    server.stop()
    db_settings["CONN_MAX_AGE"] = max_age
