"""The API's cast of clients (Healthchecks' alice, bob and charlie, as machines): the central system reading
everything, a commune's software writing for Phúc Xá only, a read-only vendor scoped to Sóc Sơn district, an
e-board of Phúc Xá, and a revoked client."""

import pytest
from django.core.cache import cache

from api import services
from api.models import ApiClient
from tests.cast import unit


@pytest.fixture(autouse=True)
def api_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""
    settings.ZALO_OUTBOX_DIR = str(tmp_path / "zalo")


@pytest.fixture(autouse=True)
def rate_windows_fresh():
    """Rate-limit counters live in the cache: every test starts with empty windows."""
    cache.clear()
    yield
    cache.clear()


class Caller:
    """A registered client and its token, calling the API through Django's test client."""

    def __init__(self, client: ApiClient, token: str, http):
        self.client, self.token, self.http = client, token, http

    def headers(self, extra=None) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, params=None, **extra):
        return self.http.get(f"/api/v1{path}", params or {}, **self.headers(extra))

    def post(self, path: str, body: dict, key: str | None = None, **extra):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.http.post(f"/api/v1{path}", body, content_type="application/json",
                              **self.headers({**headers, **extra}))


@pytest.fixture
def make_caller(demo, client):
    def make(name="Ứng dụng thử", kind=ApiClient.Kind.CENTRAL, access=ApiClient.Access.READ, units=(),
             all_units=False, rate=600) -> Caller:
        api_client, token = services.client_create(name=name, kind=kind, access=access,
                                                   units=[unit(u) for u in units], all_units=all_units,
                                                   rate_limit_per_minute=rate)
        return Caller(api_client, token, client)

    return make


@pytest.fixture
def central(make_caller):
    return make_caller("Hệ thống thông tin nguồn trung ương", all_units=True)


@pytest.fixture
def commune_software(make_caller):
    return make_caller("Phần mềm UBND phường Phúc Xá", kind=ApiClient.Kind.COMMUNE_SOFTWARE,
                       access=ApiClient.Access.READ_WRITE, units=["phuong_phuc_xa"])


@pytest.fixture
def vendor(make_caller):
    return make_caller("Nhà cung cấp loa huyện Sóc Sơn", kind=ApiClient.Kind.LOUDSPEAKER_VENDOR,
                       units=["huyen_soc_son"])


@pytest.fixture
def eboard(make_caller):
    return make_caller("Bảng tin điện tử phường Phúc Xá", kind=ApiClient.Kind.EBOARD, units=["phuong_phuc_xa"])


from tests.notifications.conftest import channel_layer  # noqa: E402,F401 (a clean channel layer per test)
