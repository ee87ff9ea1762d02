"""Electronic public bulletin boards (bảng tin điện tử công cộng): a full-screen page per unit that a board's
browser opens with its client token in the URL (no login), the websocket that lets an emergency take it over,
and the push that sends one there after its publication commits."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from editorial.models import Bulletin, BulletinRevision, Priority
from org.models import Unit

from . import access, selectors
from .models import ApiClient


def unit_group(unit_id: int) -> str:
    return f"eboard.unit.{unit_id}"


def eboard_client(token: str, unit: Unit | None) -> ApiClient | None:
    """The e-board client a token names, when it is live and its scope covers the unit."""
    client = selectors.client_by_token((token or "").strip())
    if (client is None or unit is None or client.kind != ApiClient.Kind.EBOARD or client.is_revoked
            or not client.is_active or not access.covers_unit(client, unit)):
        return None
    return client


@never_cache
@require_GET
def eboard_page(request: HttpRequest, unit_code: str) -> HttpResponse:
    from .v1 import eboard_content  # noqa: PLC0415 (one serializer for the page and the API)

    unit = selectors.unit_by_code(unit_code)
    token = request.GET.get("token", "")
    client = eboard_client(token, unit)
    if client is None:
        response = render(request, "api/eboard_refused.html", status=403)
    else:
        response = render(request, "api/eboard.html", {
            "unit": unit, "token": token, "content": eboard_content(None, unit),
            "rotate_seconds": settings.EBOARD_ROTATE_SECONDS, "refresh_seconds": settings.EBOARD_REFRESH_SECONDS,
        })
    # The token is in the URL: never send it on in a Referer, never keep the page in a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- push ---------------------------------------------------------------------------------------------------------


def units_reached(bulletin: Bulletin) -> list[int]:
    """The bulletin's target units and every unit under them (a district's communes have e-boards too)."""
    paths = list(bulletin.target_units.values_list("path", flat=True))
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Unit.objects.filter(condition).values_list("pk", flat=True))


def emergency_push(bulletin_id: int) -> int:
    """Send a published emergency to the e-boards of every unit it reaches: one group message per unit. Runs
    after commit, so a board that asks for the content then finds it."""
    from .v1 import eboard_item  # noqa: PLC0415

    bulletin = (Bulletin.objects.filter(pk=bulletin_id, published_revision__isnull=False)
                .select_related("published_revision").first())
    if bulletin is None or bulletin.published_revision.priority != Priority.EMERGENCY:
        return 0
    item = eboard_item(None, bulletin)
    layer = get_channel_layer()
    units = units_reached(bulletin)
    for unit_id in units:
        async_to_sync(layer.group_send)(unit_group(unit_id), {"type": "eboard.emergency", "item": item})
    return len(units)


def emergency_push_on_commit(bulletin: Bulletin, revision: BulletinRevision) -> None:
    if revision.priority != Priority.EMERGENCY:
        return
    from django.db import transaction  # noqa: PLC0415

    transaction.on_commit(lambda: emergency_push(bulletin.pk))

