"""Shared fixtures: the demo organisation (2025 structure) seeded once per session, and a named cast."""

import pytest
from django.conf import settings

from tests.live import asgi_live_server, browser  # noqa: E402,F401  (shared fixtures)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from config.demo import seed_demo

    with django_db_blocker.unblock():
        seed_demo("2025")


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
