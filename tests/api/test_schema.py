"""The OpenAPI document validates against the OpenAPI 3.1 meta-schema, the docs page is served from local files,
and property-based tests (schemathesis + hypothesis) drive every operation of the running application (Django's
WSGI handler, in this process, on the seeded test database): no server error, every status documented, every
body as its schema says."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from api.models import ApiClient
from broadcast import services as broadcast
from tests.cast import unit
from tests.editorial.helpers import communes
from tests.workflows.bulletin.helpers import published_bulletin

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


# The application as a server runs it (Django's WSGI handler). Loaded when the tests are collected: schemathesis
# makes one test per operation of the document the application serves. (Its lazy `from_fixture` loader needs
# pytest's private `Function._nodeid`, which pytest 9 no longer has.)
WSGI_APP = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGI_APP)


@pytest.fixture
def connection_kept():
    """Django's handler closes the connection after each request, which would end the test's transaction: keep
    it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(demo, connection_kept, django_capture_on_commit_callbacks):
    """Something behind every read: a published bulletin and its broadcast directive, a cluster, a client."""
    published_bulletin(django_capture_on_commit_callbacks, target_spec=communes("phuong_phuc_xa", "xa_minh_phu"))
    broadcast.cluster_register(unit=unit("phuong_phuc_xa"), code="PX-01", vendor="Thử nghiệm")
    _client, token = services.client_create(name="Kiểm thử lược đồ", kind=ApiClient.Kind.CENTRAL,
                                            access=ApiClient.Access.READ_WRITE, all_units=True,
                                            rate_limit_per_minute=100_000)
    return token


def test_the_openapi_document_validates(demo, client):
    schema.validate()  # against the OpenAPI 3.1 meta-schema; raises on the first error
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1") and document["info"]["version"] == "1"
    assert document["components"]["securitySchemes"]["ClientToken"] == {"type": "http", "scheme": "bearer"}
    assert {"/api/v1/bulletins", "/api/v1/play-logs", "/api/v1/heartbeats",
            "/api/v1/broadcast-confirmations", "/api/v1/units/{unit_code}/eboard"} <= set(document["paths"])


def test_the_docs_page_uses_local_files_only(demo, client):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html and "/static/ninja/" in html
    assert "cdn." not in html and "unpkg" not in html


@schema.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case, seeded):
    response = case.call(headers={"Authorization": f"Bearer {seeded}"})
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_without_a_token_every_operation_is_a_documented_401(case, seeded):
    response = case.call()
    if case.method.upper() == case.operation.method.upper():  # not one of the coverage phase's wrong methods (405)
        assert response.status_code == 401, response.text
    case.validate_response(response, checks=CHECKS)
