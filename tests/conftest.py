"""Shared fixtures: the demo organisation (2025 structure) seeded once per session, and a named cast; the
session clock (TTCS_TEST_NOW)."""

import os
from datetime import datetime

import pytest
import time_machine
from django.conf import settings

from tests.live import asgi_live_server, browser, csp_clean  # noqa: E402,F401  (shared fixtures)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


TEST_NOW_VARIABLE = "TTCS_TEST_NOW"
SESSION_CLOCK = pytest.StashKey[time_machine.travel]()


def session_clock_destination(value: str) -> datetime | None:
    """The moment TTCS_TEST_NOW names (ISO 8601 with its UTC offset, e.g. 2027-12-02T10:00+07:00), or None."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={value!r} needs a UTC offset, e.g. 2027-12-02T10:00+07:00")
    return moment


def pytest_configure(config):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # CI runs the suite again with the whole process's clock moved (into and out of the reporting windows), so a
    # test that silently reads today's date fails there instead of on the day it becomes wrong. The clock ticks
    # from the destination on; a test that travels itself (time_machine.travel) overrides it while it does.
    destination = session_clock_destination(os.environ.get(TEST_NOW_VARIABLE, ""))
    if destination is not None:
        config.stash[SESSION_CLOCK] = time_machine.travel(destination, tick=True)
        config.stash[SESSION_CLOCK].start()


def pytest_unconfigure(config):
    clock = config.stash.get(SESSION_CLOCK, None)
    if clock is not None:
        clock.stop()
        del config.stash[SESSION_CLOCK]


def pytest_report_header(config):
    if SESSION_CLOCK in config.stash:
        return f"clock moved: {TEST_NOW_VARIABLE}={os.environ[TEST_NOW_VARIABLE]}"
    return None


SEEDED_DB = pytest.StashKey[object]()  # the session's django_db_blocker, once the test database is seeded
# Fixtures after which pytest-django flushes the database (a transactional test).
FLUSHING_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    from config.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo("2025")
    request.config.stash[SEEDED_DB] = django_db_blocker
    yield
    del request.config.stash[SEEDED_DB]  # the test database is dropped next


def _flushed_by(item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transactional or bool(FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ())))


# Under pytest-xdist a file runs on one worker from its first test to its last: the longest file goes first, so
# the other workers take the rest meanwhile instead of waiting for it at the end (with --no-loadscope-reorder).
LONGEST_FIRST = ("tests/security/test_url_sweep.py", "tests/security/test_url_sweep_leaders.py")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # schemathesis names its items per operation ("test_x[GET /api/v1/bulletins]") but pytest 9 builds their ids
    # from a callspec they lack: eleven items shared one id, and pytest-xdist, which schedules by id, ran one of
    # them. Give each the id its name says.
    from _pytest.nodeid import NodeId

    for item in items:
        if "[" in item.name and "[" not in item.nodeid:
            item._id = NodeId.parse(f"{item.parent.nodeid}::{item.name}")
    items.sort(key=lambda item: not item.nodeid.startswith(LONGEST_FIRST))  # stable: otherwise as collected


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends with the database flushed: seed it again at once, so the next test finds the
    organisation whichever kind it is. pytest-django runs every transactional test after the others, but under
    pytest-xdist (`make test`) a worker runs whole files in turn, both kinds mixed."""
    result = yield
    blocker = item.config.stash.get(SEEDED_DB, None)
    if blocker is not None and nextitem is not None and _flushed_by(item):
        from config.demo import seed_demo
        from org.models import User

        with blocker.unblock():
            if not User.objects.filter(username="giamdoc").exists():
                seed_demo("2025")
    return result


@pytest.fixture
def demo(db):
    """The seeded organisation, for tests inside a rolled-back transaction."""
    from org.models import User

    assert User.objects.filter(username="giamdoc").exists()


@pytest.fixture
def demo_transactional(transactional_db):
    """Transactional tests flush the database afterwards; seed again when an earlier one did."""
    from config.demo import seed_demo
    from org.models import User

    if not User.objects.filter(username="giamdoc").exists():
        seed_demo("2025")


@pytest.fixture(autouse=True)
def structure_cache_fresh():
    """The structure in force is kept per process for a few seconds; a rolled-back test must not leave its
    value to the next one."""
    from org.selectors import structure_cache_clear

    structure_cache_clear()
    yield
    structure_cache_clear()


@pytest.fixture
def current_structure(demo):
    """The current structure (126 commune-level units, no districts) loaded next to the session's 2025 seed, with
    one officer per unit (username = codename, e.g. phuong_ba_dinh, xa_soc_son), and put in force."""
    from django.conf import settings as django_settings

    from config.demo import officer_specs
    from org.loaders import specs_current
    from org.models import Structure
    from org.services import people_ensure, structure_in_force_set, units_sync

    units_sync(specs_current())
    people_ensure(officer_specs(Structure.CURRENT), password=django_settings.DEMO_PASSWORD)
    structure_in_force_set(structure=Structure.CURRENT)
    return Structure.CURRENT


@pytest.fixture
def user(db):
    from org.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


requires_postgres = pytest.mark.skipif(
    not is_postgres(), reason="concurrency needs PostgreSQL row locks; CI's second run covers it"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Unit files go to a fresh private folder per test, never to var/private (common/files.py)."""
    root = tmp_path_factory.mktemp("private")
    settings.PRIVATE_MEDIA_ROOT = settings.SENDFILE_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def huey_immediate():
    """Background jobs run inline in tests (the embedded consumer is exercised by the browser tests)."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous
