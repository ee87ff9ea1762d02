"""The production shape, run from the repository as an operator would (`deploy/prod-local.sh`, the README's
deployment section): nginx from Debian in front of two daphne processes, two huey consumers, on the test's
PostgreSQL database and Redis. Browsers of commune officers connect through nginx; the test then shows that

- a fan-out run by either consumer (the other one frozen with SIGSTOP) notifies every browser, whichever
  daphne holds its socket;
- files uploaded through one web process download through either (X-Accel-Redirect from nginx), and only for
  the people who may; sessions and CSRF tokens hold across both;
- one daphne SIGKILLed: its browsers reconnect through nginx to the other and catch up, nothing lost, and a
  POST with the CSRF token of the page loaded before still works;
- one consumer SIGKILLed in the middle of a fan-out: the other one's reconciler finishes it, once.

Only in CI's PostgreSQL + Redis run, and only where nginx is installed (`make system-test` installs it)."""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from coordination.models import Assignment, Directive
from notifications.models import Notification
from notifications.testing import database_url
from org.models import Structure, Unit, User
from tests.conftest import requires_postgres
from tests.editorial.helpers import draft
from tests.live import log_in, run_in_thread
from tests.workflows.directive.helpers import approve, issue

NGINX = Path("/usr/sbin/nginx")
ROOT = Path(__file__).resolve().parents[2]
OFFICERS = ("phuong_phuc_xa", "xa_minh_phu", "xa_kim_no", "xa_uy_no")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

pytestmark = [
    requires_postgres,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (huey and channels on Redis)"),
    pytest.mark.skipif(not NGINX.exists(), reason="needs nginx from Debian (make system-test installs nginx-light)"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ProdLocal:
    """deploy/prod-local.sh started on the test database, in a run folder of its own."""

    def __init__(self):
        self.run = ROOT / "var" / f"prod-test-{os.getpid()}"  # inside the repository: nginx's workers read it
        self.port, self.web = free_port(), (free_port(), free_port())
        self.env = {**os.environ, "PROD_RUN_DIR": str(self.run), "WEB1_PORT": str(self.web[0]),
                    "WEB2_PORT": str(self.web[1]), "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
                    "HUEY_LOCK_TTL": "5", "FAN_OUT_GRACE_SECONDS": "1", "MQTT_URL": "", "REQUEST_LOG": "off",
                    "EMAIL_URL": f"filemail://{self.run}/mail", "DJANGO_SETTINGS_MODULE": "config.settings"}
        self.env.pop("TTCS_TEST_NOW", None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        done = subprocess.run(["deploy/prod-local.sh", "start", str(self.port)], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr + self.logs()

    def stop(self):
        subprocess.run(["deploy/prod-local.sh", "stop"], cwd=ROOT, env=self.env, capture_output=True, timeout=60)

    def pid(self, name: str) -> int:
        return int((self.run / f"{name}.pid").read_text())

    def log(self, name: str) -> str:
        path = self.run / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.run.glob("*.log")))

    def sockets_on(self, port: int) -> int:
        return self.log(f"web-{port}").count("WSCONNECT /ws/notifications/")


def wait_for(condition, *, timeout: float, what: str, prod: ProdLocal):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{prod.logs()}")


def production_passwords(usernames):
    """The test settings hash with MD5 for speed; the production processes only know the default hashers."""
    hasher = PBKDF2PasswordHasher()
    for user in User.objects.filter(username__in=usernames):
        user.password = hasher.encode(settings.DEMO_PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])


def live(page) -> bool:
    return page.evaluate("() => !!window.ttcsNotifications && window.ttcsNotifications.state().mode === 'live'")


def seen(page) -> set[int]:
    return set(page.evaluate("() => window.ttcsNotifications.state().seen"))


def frozen(pid: int):
    """SIGSTOP a consumer until the block ends. Its pending BRPOP (1 s read timeout) ends on the server first:
    a job queued after that can only go to the other consumer."""

    class Frozen:
        def __enter__(self):
            os.kill(pid, signal.SIGSTOP)
            time.sleep(2.5)

        def __exit__(self, *exc):
            os.kill(pid, signal.SIGCONT)

    return Frozen()


def backends(where: str) -> list[int]:
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            f"AND pid <> pg_backend_pid() AND {where}").fetchall()
    return [row[0] for row in rows]


@pytest.fixture
def prod(demo_transactional):
    from huey.contrib.djhuey import HUEY

    production_passwords([*OFFICERS, "phongtt", "giamdoc"])
    HUEY.immediate = False  # the autouse fixture restores it: jobs go to Redis, as from a web process
    HUEY.flush()
    server = ProdLocal()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        HUEY.flush()
        shutil.rmtree(server.run, ignore_errors=True)  # a failure's message carries the logs


def test_two_web_processes_and_two_consumers_behind_nginx(prod, browser):
    officers = {name: User.objects.get(username=name) for name in OFFICERS}
    units = [Unit.objects.get(structure=Structure.Y2025, codename=name) for name in OFFICERS]
    drafter, leader = User.objects.get(username="phongtt"), User.objects.get(username="giamdoc")

    # Browsers through nginx, until both daphne processes hold sockets (nginx balances each new connection).
    pages = []  # (page, officer)
    for attempt in range(16):
        name = OFFICERS[attempt % len(OFFICERS)]
        page = log_in(browser.new_context(), prod, name)
        wait_for(lambda page=page: live(page), timeout=20, what="the page's socket", prod=prod)
        pages.append((page, officers[name]))
        if attempt >= len(OFFICERS) - 1 and all(prod.sockets_on(p) for p in prod.web):
            break
    assert all(prod.sockets_on(p) for p in prod.web), prod.logs()

    def everyone_sees(after: int, what: str):
        """Every page shows every notification its officer got after notification `after`."""

        def missing():
            out = []
            for page, officer in pages:
                wanted = set(Notification.objects.filter(recipient=officer, pk__gt=after).values_list("pk", flat=True))
                if not wanted or not wanted <= seen(page):
                    state = page.evaluate("() => window.ttcsNotifications.state()")
                    out.append(f"{officer.username}: wanted {sorted(wanted)}, page {state}")
            return out

        try:
            wait_for(lambda: not missing(), timeout=60, what=f"every browser to show {what}", prod=prod)
        except pytest.fail.Exception as failure:
            raise AssertionError("\n".join(missing()) + "\n" + str(failure)[-6000:]) from None

    def last_notification() -> int:
        return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # 1. A fan-out run by either consumer reaches every browser, on either daphne.
    for runner, idle in (("worker-1", "worker-2"), ("worker-2", "worker-1")):
        title, mark = f"Phòng chống bão — đợt do {runner}", last_notification()
        with frozen(prod.pid(idle)):
            directive = run_in_thread(lambda t=title: approve(issue(drafter, units, title=t), leader))
            assert directive.status == Directive.Status.FANNING_OUT
            wait_for(lambda d=directive: Assignment.objects.filter(directive=d).count() == len(units),
                     timeout=60, what=f"{runner} to fan the directive out", prod=prod)
        assert "fan_out_job" in prod.log(runner)
        everyone_sees(mark, f"the directive fanned out by {runner}")

    # 2. Files: uploaded through nginx to one daphne, downloaded through either, only by who may.
    bulletin = run_in_thread(draft)
    author = log_in(browser.new_context(), prod, "phongtt")
    author.goto(f"{prod.url}{reverse('editorial:bulletin_edit', args=[bulletin.pk])}")
    author.set_input_files("input[name=attachments]", files=[{"name": "anh.png", "mimeType": "image/png",
                                                               "buffer": PNG}])
    author.locator("form[enctype] button[type=submit]").click()
    author.wait_for_url(f"**/{bulletin.pk}/")
    attachment = bulletin.attachments.get()
    url = f"{prod.url}{reverse('editorial:attachment_file', args=[bulletin.pk, attachment.pk])}"
    for _ in range(6):
        answer = author.request.get(url)
        assert answer.status == 200 and answer.body() == PNG
    path = reverse("editorial:attachment_file", args=[bulletin.pk, attachment.pk])
    assert all(path in prod.log(f"web-{p}") for p in prod.web), "both daphne processes answered a download"
    assert pages[0][0].request.get(url).status in (403, 404)  # a commune officer may not read a draft's files

    # 3. One daphne dies: its browsers reconnect through nginx to the other and catch up; old CSRF tokens work.
    victim = prod.web[0]
    opens = [page.evaluate("() => window.ttcsNotifications.state().opens") for page, _ in pages]
    mark = last_notification()
    os.kill(prod.pid(f"web-{victim}"), signal.SIGKILL)
    from notifications.services import notify

    run_in_thread(notify, [officer for _, officer in pages], kind="due_soon",  # async_to_sync: not on Playwright's loop
                  title="Nhắc việc sau khi một tiến trình web dừng")
    everyone_sees(mark, "the notification sent while one daphne was down")
    assert all(live(page) for page, _ in pages)
    reconnected = [i for i, (page, _) in enumerate(pages)
                   if page.evaluate("() => window.ttcsNotifications.state().opens") > opens[i]]
    assert reconnected, "no browser was on the killed daphne"
    page, officer = pages[reconnected[0]]  # loaded before the kill: its CSRF token came from the dead process
    page.click("#ttcs-bell")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    wait_for(lambda: not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists(), timeout=20,
             what="the page's mark-all-read POST", prod=prod)

    # 4. A consumer dies mid-fan-out: the other one's reconciler finishes it, each unit once.
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    try:
        blocker.execute("LOCK TABLE coordination_assignment IN SHARE MODE")
        with frozen(prod.pid("worker-2")):
            mark = last_notification()
            directive = run_in_thread(lambda: approve(issue(drafter, units, title="Đợt bị dừng giữa chừng"), leader))
            # By its lock: the fan-out's statement (a WITH, its arrays inlined) is longer than pg_stat_activity keeps.
            inserting = ("pid IN (SELECT pid FROM pg_locks WHERE NOT granted"
                         " AND relation = 'coordination_assignment'::regclass)")
            [job] = wait_for(lambda: backends(inserting), timeout=60, what="worker-1 to start the fan-out", prod=prod)
            os.kill(prod.pid("worker-1"), signal.SIGKILL)
            blocker.rollback()
            wait_for(lambda: not backends(f"pid = {job}"), timeout=60, what="the killed job to roll back", prod=prod)
        assert Assignment.objects.filter(directive=directive).count() == 0

        def finished():
            directive.refresh_from_db()
            return directive.status == Directive.Status.IN_PROGRESS

        wait_for(finished, timeout=150, what="worker-2's reconciler to finish the fan-out", prod=prod)
    finally:
        blocker.close()
    time.sleep(2)
    units_done = list(Assignment.objects.filter(directive=directive).values_list("unit_id", flat=True))
    assert sorted(units_done) == sorted(u.pk for u in units)
    everyone_sees(mark, "the directive the reconciler fanned out")
