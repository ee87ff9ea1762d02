"""/healthz (the process answers), /readyz (its dependencies, JSON; 503 when one fails), /metrics (Prometheus, for
the addresses in METRICS_ALLOWED_IPS or a bearer METRICS_TOKEN)."""

import secrets

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from .health import readiness
from .metrics import ProductCollector

REGISTRY = CollectorRegistry()
REGISTRY.register(ProductCollector())


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    report = readiness()
    return JsonResponse(report, status=200 if report["status"] == "ready" else 503)


def _may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given, token)
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


@never_cache
@require_GET
def metrics(request):
    if not _may_scrape(request):
        return HttpResponseForbidden("Không được phép.")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
