"""Which units a client may read or write: its scope. Every endpoint asks here, on reads and on writes."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from org.models import Unit

from .models import ApiClient


def scope_units(client: ApiClient) -> QuerySet[Unit]:
    """Every unit for an all-units client; otherwise the chosen units and the units under them (a district's
    communes). A client with no unit chosen reaches none."""
    if client.all_units:
        return Unit.objects.all()
    paths = getattr(client, "_scope_paths", None)
    if paths is None:
        paths = list(client.units.values_list("path", flat=True))
        client._scope_paths = paths  # one query per request, whatever the number of checks
    if not paths:
        return Unit.objects.none()
    return Unit.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


def covers_unit(client: ApiClient, unit: Unit) -> bool:
    if client.all_units:
        return True
    scope_units(client)
    return any(unit.path.startswith(p) for p in client._scope_paths)


def may_write(client: ApiClient) -> bool:
    return client.can_write and client.is_active and not client.is_revoked
