"""Reads the API and the e-boards share. Each list is a fixed number of queries whatever its length."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from broadcast.models import Cluster
from coordination.models import Assignment, Directive
from editorial.models import Bulletin, BulletinAudio, BulletinTarget, Priority
from org.models import Structure, Unit
from org.selectors import structure_in_force
from reporting.models import ReportingPeriod

from . import access
from .models import ApiClient, BulletinPull, EboardShowing
from .services import token_hash


def client_by_token(token: str) -> ApiClient | None:
    """The client a token belongs to, revoked or not (the caller tells them apart); None for an unknown token."""
    if not token or len(token) > 200:
        return None
    return ApiClient.objects.filter(token_hash=token_hash(token)).first()


def unit_by_code(code: str) -> Unit | None:
    """A unit by its code: in the structure in force first, then the city and Department's own units."""
    for structure in (structure_in_force(), Structure.CITY):
        unit = Unit.objects.filter(code=code, structure=structure).first()
        if unit is not None:
            return unit
    return None


def _unit_ancestors(unit: Unit) -> list[int]:
    """The unit and every unit above it, from its materialised path ("/1/5/9/")."""
    return [int(part) for part in unit.path.strip("/").split("/") if part.isdigit()] or [unit.pk]


# --- bulletins -----------------------------------------------------------------------------------------------------


def published_bulletins(*, client: ApiClient, unit: Unit | None = None, since: datetime | None = None,
                        priority: str | None = None) -> QuerySet[Bulletin]:
    """Published bulletins addressed to a unit in the client's scope (or to `unit`, itself in scope), newest
    first, with their published revision, confirmed audio, targets and plan topic."""
    audio = BulletinAudio.objects.filter(status=BulletinAudio.Status.READY, confirmed_at__isnull=False,
                                         voided_at__isnull=True)
    qs = (
        Bulletin.objects.filter(published_revision__isnull=False)
        .select_related("published_revision", "published_revision__plan_topic", "drafting_unit")
        .prefetch_related(
            Prefetch("published_revision__audios", queryset=audio.order_by("-confirmed_at"),
                     to_attr="confirmed_audios"),
            Prefetch("target_units", queryset=Unit.objects.order_by("path"), to_attr="target_unit_list"),
        )
        .order_by("-published_at", "-pk")
    )
    if unit is not None:
        targets = BulletinTarget.objects.filter(unit_id__in=_unit_ancestors(unit))
    elif client.all_units:
        targets = None
    else:
        targets = BulletinTarget.objects.filter(unit__in=access.scope_units(client).values("pk"))
    if targets is not None:
        qs = qs.filter(pk__in=targets.values("bulletin_id"))
    if since is not None:
        qs = qs.filter(published_at__gte=since)
    if priority:
        qs = qs.filter(published_revision__priority=priority)
    return qs


def eboard_bulletins(unit: Unit, now: datetime | None = None) -> list[Bulletin]:
    """What a unit's e-board rotates: published bulletins addressed to it (or to a unit above it) whose air
    window is open now, or, without an end, published in the last EBOARD_MAX_AGE_DAYS; emergencies first."""
    now = now or timezone.now()
    recent = now - timedelta(days=settings.EBOARD_MAX_AGE_DAYS)
    qs = (
        Bulletin.objects.filter(published_revision__isnull=False,
                                pk__in=BulletinTarget.objects.filter(unit_id__in=_unit_ancestors(unit))
                                .values("bulletin_id"))
        .filter(Q(published_revision__air_from__isnull=True) | Q(published_revision__air_from__lte=now))
        .filter(Q(published_revision__air_until__gte=now)
                | Q(published_revision__air_until__isnull=True, published_at__gte=recent))
        .select_related("published_revision")
        .order_by("-published_at", "-pk")
    )
    bulletins = list(qs[: settings.EBOARD_MAX_ITEMS])
    bulletins.sort(key=lambda b: b.published_revision.priority != Priority.EMERGENCY)  # stable: newest first
    return bulletins


# --- directives ----------------------------------------------------------------------------------------------------

DIRECTIVE_STATUSES_OUT = (Directive.Status.FANNING_OUT, Directive.Status.IN_PROGRESS, Directive.Status.CLOSED,
                          Directive.Status.CANCELLED)


def directives_for_client(*, client: ApiClient, unit: Unit | None = None,
                          status: str | None = None) -> QuerySet[Directive]:
    """Directives sent out to units in the client's scope, each with the assignments of those units only."""
    units = Unit.objects.filter(pk=unit.pk) if unit is not None else access.scope_units(client)
    assignments = (Assignment.objects.filter(unit__in=units.values("pk")).select_related("unit")
                   .order_by("unit__path"))
    qs = Directive.objects.filter(status__in=DIRECTIVE_STATUSES_OUT)
    if unit is not None or not client.all_units:
        qs = qs.filter(pk__in=assignments.values("directive_id"))
    if status:
        qs = qs.filter(status=status)
    return (qs.select_related("issuing_unit", "urgency")
            .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="scope_assignments"))
            .order_by("-created_at", "-pk"))


def assignment_for_client(client: ApiClient, assignment_id: int) -> Assignment | None:
    assignment = (Assignment.objects.select_related("unit", "directive").filter(pk=assignment_id).first())
    if assignment is None or not access.covers_unit(client, assignment.unit):
        return None
    return assignment


def cluster_unit(code: str) -> Unit | None:
    """The unit a loudspeaker cluster belongs to (None: no such cluster; the service refuses it itself)."""
    cluster = Cluster.objects.select_related("unit").filter(code=code).first()
    return cluster.unit if cluster is not None else None


# --- reporting -----------------------------------------------------------------------------------------------------


def periods_for_client() -> QuerySet[ReportingPeriod]:
    """Periods that were opened (their aggregates are what the city shares with the central system)."""
    return ReportingPeriod.objects.filter(
        status__in=[ReportingPeriod.Status.OPEN, ReportingPeriod.Status.CLOSED]).order_by("-cutoff_date", "pk")


# --- delivery state (for the bulletin page) ---------------------------------------------------------------------------


def bulletin_pulls(bulletin_id: int) -> list[BulletinPull]:
    """Every registered client's pulls of a bulletin; a row without a unit covers the client's whole scope."""
    return list(BulletinPull.objects.filter(bulletin_id=bulletin_id).select_related("client", "unit")
                .order_by("unit__path", "client__name"))


def eboard_showings(bulletin_id: int) -> list[EboardShowing]:
    return list(EboardShowing.objects.filter(bulletin_id=bulletin_id).select_related("client", "unit")
                .order_by("unit__path", "client__name"))
