"""Health and metrics: /healthz answers, /readyz reports each dependency (a silent consumer, an unreachable cache or
broker) and answers 503 when one fails; /metrics carries the product's counters, for the allowed addresses only;
a real consumer killed turns /readyz to "degraded" within three heartbeats."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from ops.jobs import HEARTBEAT_KEY
from tests.workflows.directive.test_reconcile_kill import consumer, stop, wait_for


@pytest.fixture
def beating():
    cache.set(HEARTBEAT_KEY, time.time(), None)
    yield
    cache.delete(HEARTBEAT_KEY)


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ready_when_everything_answers(db, client, beating, settings):
    settings.MQTT_URL = ""
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert {k: v["state"] for k, v in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "queue": "ok", "mqtt": "off"}
    assert "pending" in body["checks"]["queue"] and "last_run_age_s" in body["checks"]["queue"]
    assert "password" not in response.content.decode().lower()


def test_readyz_says_the_consumer_is_silent(db, client, settings):
    settings.MQTT_URL = ""
    cache.set(HEARTBEAT_KEY, time.time() - 3 * settings.OPS_HEARTBEAT_SECONDS - 1, None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["state"] == "fail"


def test_readyz_says_when_redis_or_the_broker_cannot_be_reached(db, client, beating, settings):
    settings.MQTT_URL = "mqtt://127.0.0.1:9"  # nothing listens there
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": "redis://127.0.0.1:9/0"}}):
        from django.core.cache import caches  # noqa: PLC0415 (the overridden cache, not the module's)

        caches._settings = None
        body = client.get("/readyz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["state"] == "fail" and body["checks"]["mqtt"]["state"] == "fail"
    assert "error" in body["checks"]["cache"]


def test_metrics_carry_the_product_counters_for_allowed_addresses(demo, client):
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    for metric in ("ttcs_notifications_total", "# TYPE ttcs_directives gauge", "ttcs_jobs_failed_total",
                   'ttcs_outbox_backlog{channel="zalo"}', 'ttcs_outbox_backlog{channel="loudspeakers"}',
                   'ttcs_open_tasks{flow="bulletin"}'):
        assert metric in text, metric
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


def test_metrics_with_a_token(demo, client, settings):
    settings.METRICS_TOKEN = "bi-mat-thu-nghiem"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer bi-mat-thu-nghiem").status_code == 200


def test_a_killed_consumer_turns_readyz_degraded(transactional_db, client, settings, tmp_path):
    """A real `manage.py run_huey` (PostgreSQL + Redis, where processes share the cache) beats; killed, /readyz
    says so within three beats."""
    if not settings.REDIS_URL or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip(reason="needs PostgreSQL and Redis (processes share the cache); CI's second run has them")
    settings.MQTT_URL = ""
    settings.OPS_HEARTBEAT_SECONDS = 1
    cache.delete(HEARTBEAT_KEY)
    log = tmp_path / "consumer.log"
    process = consumer(log, OPS_HEARTBEAT_SECONDS="1")
    try:
        wait_for(lambda: client.get("/readyz").json()["checks"]["queue"]["state"] == "ok", timeout=60,
                 what="the consumer's heartbeat", log=log)
    finally:
        stop(process)
    wait_for(lambda: client.get("/readyz").status_code == 503, timeout=3 * settings.OPS_HEARTBEAT_SECONDS + 5,
             what="readyz to say the consumer stopped", log=log)
