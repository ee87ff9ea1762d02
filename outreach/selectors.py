"""Reads for propagandists: a commune's registry and counts, a delivery by its secret, receipt rates per bulletin
(per commune) and per commune (per bulletin), in grouped queries."""

from django.db.models import Count, Q, QuerySet

from org.models import Unit

from .models import Delivery, Propagandist


def propagandists_of(unit: Unit) -> QuerySet[Propagandist]:
    return Propagandist.objects.filter(unit=unit).order_by("hamlet", "full_name")


def registry_counts(unit: Unit) -> dict[str, int]:
    """What the report form's propagandist indicators are filled with (active people only)."""
    row = Propagandist.objects.filter(unit=unit, is_active=True).aggregate(
        total=Count("pk"), hamlet_heads=Count("pk", filter=Q(role=Propagandist.Role.HAMLET_HEAD)),
        mass_orgs=Count("pk", filter=Q(role=Propagandist.Role.MASS_ORG)))
    return {"propagandists_total": row["total"], "propagandists_hamlet_heads": row["hamlet_heads"],
            "propagandists_mass_orgs": row["mass_orgs"]}


def delivery_by_token(token: str) -> Delivery | None:
    if not token or len(token) > 64:
        return None
    return Delivery.objects.select_related("propagandist", "unit").filter(token=token).first()


def receipts_by_unit(bulletin_id: int) -> dict[int, dict]:
    """{unit id: {"total", "received"}} for a bulletin (its latest revision's deliveries per propagandist)."""
    rows = (Delivery.objects.filter(bulletin_id=bulletin_id).values("unit_id")
            .annotate(total=Count("propagandist", distinct=True),
                      received=Count("propagandist", distinct=True, filter=Q(received_at__isnull=False))))
    return {r["unit_id"]: {"total": r["total"], "received": r["received"]} for r in rows}


def receipts_of_unit(unit: Unit, limit: int = 50) -> list[dict]:
    """A commune's receipt rate per bulletin, newest first."""
    return list(Delivery.objects.filter(unit=unit).values("bulletin_id", "title")
                .annotate(total=Count("propagandist", distinct=True),
                          received=Count("propagandist", distinct=True, filter=Q(received_at__isnull=False)))
                .order_by("-bulletin_id")[:limit])
