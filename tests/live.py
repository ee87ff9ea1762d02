"""A real browser against the real ASGI application, for any app's end-to-end tests: daphne serving
config.asgi in a thread of this process (pytest-django's live_server is WSGI and has no websockets; in-process,
the in-memory channel layer carries this process's sends to the sockets), and Debian's chromium driven by
Playwright. Twisted's reactor runs once per process, so there is one server per test session.

Clocks: the server shares the test process's clock (TTCS_TEST_NOW moves it, tests/conftest.py), chromium keeps the
real one, so the server's cookies must not look expired to it (move the clock forward only). daphne times its
websocket and close timeouts with time.time(): a test with open sockets should not travel far while they are."""

import logging
import os
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000


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


# Each page reports a Content-Security-Policy violation to its console (the init script runs outside the page's
# policy); the browser fixture collects them and fails the test that caused one (see `csp_clean`).
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at '
                + e.sourceFile + ':' + e.lineNumber);
});"""


class CspWatchedBrowser:
    """The Playwright browser, whose every context records the CSP violations of its pages in `violations`."""

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def _console(self, message):
        text = message.text
        if text.startswith("CSP violation:") or "Content Security Policy" in text:
            self.violations.append(f"{message.page.url if message.page else '?'}: {text}")

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def csp_clean(request):
    """A test that used the browser fails if any page it opened broke the Content-Security-Policy."""
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    watched.violations.clear()
    yield
    found, watched.violations[:] = list(watched.violations), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, so Django would refuse the test's own
    # database calls as "async unsafe". They are plain sync calls between browser steps: allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield CspWatchedBrowser(browser)
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def log_in(context, server, username):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    return page
