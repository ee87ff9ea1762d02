"""The managers' reads across apps: per-unit progress over a period, broadcast proof, plan coverage by month,
the overdue list, the slowest units and the map's points. Every figure is an aggregate computed in the database
(GROUP BY unit, topic or month); a page costs the same number of queries whatever the number of assignments.

A directive is a bulletin's broadcast when the bulletin's process names it (`Process.data["directive_id"]`,
written by workflows/bulletin when it publishes); that link gives a directive its plan topic. A broadcast
confirmed by the loudspeakers' play logs has a REPORTED event whose actor is the automatic account."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Process

from coordination.models import Assignment, AssignmentEvent, Urgency
from editorial.models import Bulletin, PlanTopic
from org.models import Structure, Unit, UnitKind, UnitSuccession
from org.services import MACHINE_USERNAME
from org.succession import succession_2025
from workflows.bulletin.flow import BulletinFlow

# --- the period and the filters ------------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "half", "year")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
EMERGENCY_URGENCIES = ("thuong_khan", "hoa_toc")  # thượng khẩn, hỏa tốc (an emergency bulletin is hỏa tốc)


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1  # the month (1..12), quarter (1..4) or half (1..2); 1 for a year

    @property
    def months(self) -> tuple[int, int]:
        span = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
        first = (self.number - 1) * span + 1
        return first, first + span - 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime(self.year, self.months[0], 1))

    @property
    def end(self) -> datetime:
        """The first moment after the period (Hanoi time)."""
        last = self.months[1]
        following = date(self.year + 1, 1, 1) if last == 12 else date(self.year, last + 1, 1)
        return timezone.make_aware(datetime(following.year, following.month, 1))

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(m)s/%(y)s") % {"m": self.number, "y": self.year}
        if self.kind == "quarter":
            return _("Quý %(q)s/%(y)s") % {"q": ROMAN[self.number], "y": self.year}
        if self.kind == "half":
            return (_("6 tháng đầu năm %(y)s") if self.number == 1 else _("6 tháng cuối năm %(y)s")) % {
                "y": self.year}
        return _("Năm %(y)s") % {"y": self.year}

    @property
    def dates_label(self) -> str:
        first, last = self.months
        return f"01/{first:02d}/{self.year} – {calendar.monthrange(self.year, last)[1]:02d}/{last:02d}/{self.year}"

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "half": 1 if day.month <= 6 else 2,
                  "year": 1}[kind]
        return cls(kind, day.year, number)


@dataclass(frozen=True)
class Filters:
    period: Period
    structure: str
    urgency: Urgency | None = None
    issuer: Unit | None = None
    topic: PlanTopic | None = None
    district: Unit | None = None  # 2025 structure only: the district and its communes


# --- links from directives to bulletins --------------------------------------------------------------------------

def _bulletin_processes() -> QuerySet[Process]:
    return (Process.objects.filter(flow_class=BulletinFlow, data__directive_id__isnull=False)
            .annotate(directive_ref=Cast(KT("data__directive_id"), IntegerField())))


def broadcast_directive_ids(topic: PlanTopic | None = None) -> QuerySet:
    """A subquery of the ids of bulletins' broadcast directives (of one plan topic's bulletins)."""
    processes = _bulletin_processes()
    if topic is not None:
        processes = processes.filter(artifact_object_id__in=Bulletin.objects.filter(plan_topic=topic).values("pk"))
    return processes.values("directive_ref")


def scope_assignments(filters: Filters) -> QuerySet[Assignment]:
    """The work the dashboard counts: assignments given to units of the structure within the period (cancelled
    ones left out), narrowed by urgency, issuer, topic and district."""
    period = filters.period
    qs = Assignment.objects.filter(unit__structure=filters.structure, created_at__gte=period.start,
                                   created_at__lt=period.end).exclude(status=Assignment.Status.CANCELLED)
    if filters.urgency is not None:
        qs = qs.filter(directive__urgency=filters.urgency)
    if filters.issuer is not None:
        qs = qs.filter(directive__issuing_unit=filters.issuer)
    if filters.topic is not None:
        qs = qs.filter(directive_id__in=broadcast_directive_ids(filters.topic))
    if filters.district is not None:
        qs = qs.filter(Q(unit=filters.district) | Q(unit__parent=filters.district))
    return qs


# --- per unit -------------------------------------------------------------------------------------------------------

@dataclass
class UnitRow:
    unit: Unit
    received: int = 0
    acknowledged: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    emergencies_open: int = 0
    broadcasts: int = 0
    proof_by_hand: int = 0
    proof_by_log: int = 0
    average_hours: float | None = None

    @property
    def proved(self) -> int:
        return self.proof_by_hand + self.proof_by_log

    @property
    def late_share(self) -> float | None:
        return self.late / self.received if self.received else None

    @property
    def proof_rate(self) -> float | None:
        return self.proved / self.broadcasts if self.broadcasts else None

    def measure(self, name: str) -> float | None:
        return {"late_share": self.late_share, "proof_rate": self.proof_rate,
                "emergencies": float(self.emergencies_open)}[name]


@dataclass
class Progress:
    rows: list[UnitRow] = field(default_factory=list)
    totals: UnitRow | None = None


def _late(now: datetime) -> Q:
    unfinished = Q(reported_at__isnull=True) & ~Q(status=Assignment.Status.ACCEPTED)
    return Q(reported_at__gt=F("deadline")) | (unfinished & Q(deadline__lt=now))


def _time_taken(now: datetime) -> ExpressionWrapper:
    """From the work's arrival to its report (still-open work counts up to now)."""
    return ExpressionWrapper(Coalesce("reported_at", Value(now, output_field=DateTimeField())) - F("created_at"),
                             output_field=DurationField())


def _hours(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds() / 3600
    return float(value) / 3_600_000_000  # SQLite hands the average back in microseconds


def _aggregates(now: datetime) -> dict:
    open_ = ~Q(status__in=Assignment.CLOSED)
    broadcast = Q(directive_id__in=broadcast_directive_ids())
    reported = Q(reported_at__isnull=False)
    by_log = Q(pk__in=AssignmentEvent.objects.filter(kind=AssignmentEvent.Kind.REPORTED,
                                                     actor__username=MACHINE_USERNAME).values("assignment_id"))
    return {
        "received": Count("pk"),
        "acknowledged": Count("pk", filter=Q(received_at__isnull=False)),
        "on_time": Count("pk", filter=Q(reported_at__lte=F("deadline"))),
        "late": Count("pk", filter=_late(now)),
        "open": Count("pk", filter=open_),
        "emergencies_open": Count("pk", filter=open_ & Q(directive__urgency__code__in=EMERGENCY_URGENCIES)),
        "broadcasts": Count("pk", filter=broadcast),
        "proof_by_log": Count("pk", filter=broadcast & reported & by_log),
        "proof_all": Count("pk", filter=broadcast & reported),
        "average": Avg(_time_taken(now)),
    }


def _row(unit: Unit | None, values: dict) -> UnitRow:
    return UnitRow(
        unit=unit, received=values["received"], acknowledged=values["acknowledged"], on_time=values["on_time"],
        late=values["late"], open=values["open"], emergencies_open=values["emergencies_open"],
        broadcasts=values["broadcasts"], proof_by_log=values["proof_by_log"],
        proof_by_hand=values["proof_all"] - values["proof_by_log"], average_hours=_hours(values["average"]))


def units_of(filters: Filters) -> QuerySet[Unit]:
    """The districts and communes of the structure (one district and its communes when filtered)."""
    qs = Unit.objects.filter(structure=filters.structure, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])
    if filters.district is not None:
        qs = qs.filter(Q(pk=filters.district.pk) | Q(parent=filters.district))
    return qs.select_related("parent").order_by("path")


def unit_progress(filters: Filters, *, now: datetime | None = None, only_with_work: bool = True) -> Progress:
    """One row per unit (two queries: the units, then one GROUP BY unit), and the totals (one more)."""
    now = now or timezone.now()
    scope = scope_assignments(filters)
    by_unit = {v["unit_id"]: v for v in scope.values("unit_id").annotate(**_aggregates(now)).order_by()}
    rows = [_row(unit, by_unit[unit.pk]) if unit.pk in by_unit else UnitRow(unit=unit)
            for unit in units_of(filters)]
    if only_with_work:
        rows = [r for r in rows if r.received]
    return Progress(rows=rows, totals=_row(None, scope.aggregate(**_aggregates(now))))


def slowest_units(progress: Progress, limit: int = 10) -> list[UnitRow]:
    """The units that take longest, on average, from receiving work to reporting it (open work counts up to
    now); from the per-unit aggregates already computed."""
    timed = [r for r in progress.rows if r.average_hours is not None]
    return sorted(timed, key=lambda r: (-r.average_hours, -(r.late_share or 0), r.unit.path))[:limit]


# --- plan coverage ---------------------------------------------------------------------------------------------------

@dataclass
class TopicMonths:
    topic: PlanTopic
    counts: list[int]  # bulletins first published in each month, January first

    @property
    def total(self) -> int:
        return sum(self.counts)

    def planned(self, month: int) -> bool:
        return self.topic.month_from <= month <= self.topic.month_to

    @property
    def cells(self) -> list[tuple[int, bool]]:
        """(bulletins published, planned for that month) for each month."""
        return [(n, self.planned(m)) for m, n in enumerate(self.counts, start=1)]


def plan_coverage_by_month(year: int) -> tuple[list[TopicMonths], list[int]]:
    """The year's plan topics with the bulletins first published on each, per month (Hanoi time): two queries
    (the topics, one GROUP BY topic and month). Returns the rows and the month totals."""
    topics = list(PlanTopic.objects.filter(year=year, is_active=True).order_by("number"))
    counts = (Bulletin.objects.filter(plan_topic__in=[t.pk for t in topics], first_published_at__isnull=False,
                                      first_published_at__year=year)
              .annotate(month=ExtractMonth("first_published_at")).values("plan_topic_id", "month")
              .annotate(n=Count("pk")).order_by())
    matrix = {(c["plan_topic_id"], c["month"]): c["n"] for c in counts} if topics else {}
    rows = [TopicMonths(topic=t, counts=[matrix.get((t.pk, m), 0) for m in range(1, 13)]) for t in topics]
    totals = [sum(r.counts[m] for r in rows) for m in range(12)]
    return rows, totals


# --- overdue ---------------------------------------------------------------------------------------------------------

# The deadline engine's steps (coordination/services/deadlines.py), in the order they are reached.
ESCALATION_STEPS = {
    0: "",
    1: gettext_lazy("Đã nhắc hạn"),
    2: gettext_lazy("Quá hạn (đã báo đơn vị)"),
    3: gettext_lazy("Đã báo lãnh đạo đơn vị"),
    4: gettext_lazy("Đã báo đơn vị cấp trên"),
    5: gettext_lazy("Đã báo đơn vị giao việc"),
}
OVERDUE_SORTS = {
    "unit": ("unit__path", "deadline"), "-unit": ("-unit__path", "deadline"),
    "directive": ("directive__title", "unit__path"), "-directive": ("-directive__title", "unit__path"),
    "deadline": ("deadline", "unit__path"), "-deadline": ("-deadline", "unit__path"),
    "step": ("step", "deadline"), "-step": ("-step", "deadline"),
    "urgency": ("directive__urgency__rank", "deadline"), "-urgency": ("-directive__urgency__rank", "deadline"),
}
DEFAULT_OVERDUE_SORT = "deadline"


def _step_reached() -> Subquery:
    kind = AssignmentEvent.Kind
    rank = Case(
        When(kind=kind.ESCALATED, once_key="escalate:issuer", then=Value(5)),
        When(kind=kind.ESCALATED, once_key="escalate:parent", then=Value(4)),
        When(kind=kind.ESCALATED, then=Value(3)),
        When(kind=kind.OVERDUE, then=Value(2)),
        When(kind=kind.REMINDED, then=Value(1)),
        default=Value(0), output_field=IntegerField())
    steps = (AssignmentEvent.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment_id")
             .annotate(top=Max(rank)).values("top")[:1])
    return Coalesce(Subquery(steps, output_field=IntegerField()), Value(0))


def overdue_assignments(filters: Filters, *, now: datetime | None = None,
                        sort: str = DEFAULT_OVERDUE_SORT) -> QuerySet[Assignment]:
    """Work past its deadline that its unit still owes (not reported, not closed: what the deadline engine
    escalates), everywhere in scope, with the escalation step reached (`step`, 0..5)."""
    now = now or timezone.now()
    order = OVERDUE_SORTS.get(sort, OVERDUE_SORTS[DEFAULT_OVERDUE_SORT])
    owed = Assignment.CLOSED + (Assignment.Status.REPORTED,)
    return (scope_assignments(filters).exclude(status__in=owed).filter(deadline__lt=now)
            .annotate(step=_step_reached())
            .select_related("unit", "unit__parent", "directive", "directive__urgency", "directive__issuing_unit")
            .order_by(*order, "pk"))


def step_label(step: int) -> str:
    return str(ESCALATION_STEPS.get(step, "")) if step else ""


# --- the map ---------------------------------------------------------------------------------------------------------

@dataclass
class MapPoint:
    unit: Unit
    latitude: float
    longitude: float
    area_km2: float | None
    placed_at_successor: bool
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0


@lru_cache(maxsize=1)
def _succession_file_locations() -> dict[str, tuple[float, float, float | None]]:
    """Each 2025 commune's default successor's location, by the old commune's code (the official data file)."""
    data = succession_2025()
    located = {u["code"]: (u["latitude"], u["longitude"], u.get("area_km2")) for u in data["units"]}
    return {c["code"]: located[c["default"]] for c in data["communes"] if c.get("default") in located}


def map_points(filters: Filters) -> tuple[list[MapPoint], int]:
    """The communes of the structure at their latitude/longitude. A 2025 commune has none of its own: it stands at
    its default successor's location (the succession links when the reorganisation was run, else the official
    succession file), spread on a small ring when several share one. Districts are not drawn (their communes are).
    Returns the points and how many communes could not be placed. Two queries."""
    communes = units_of(filters).filter(kind=UnitKind.COMMUNE)
    links = {s.predecessor_id: s.successor for s in UnitSuccession.objects.filter(
        is_default=True, predecessor__in=communes.values("pk"), successor__latitude__isnull=False)
        .select_related("successor")} if filters.structure == Structure.Y2025 else {}
    from_file = _succession_file_locations() if filters.structure == Structure.Y2025 else {}
    points, missing = [], 0
    for unit in communes:
        if unit.latitude is not None and unit.longitude is not None:
            points.append(MapPoint(unit, unit.latitude, unit.longitude, unit.area_km2, False))
        elif unit.pk in links:
            s = links[unit.pk]
            points.append(MapPoint(unit, s.latitude, s.longitude, None, True))
        elif unit.code in from_file:
            lat, lon, _area = from_file[unit.code]
            points.append(MapPoint(unit, lat, lon, None, True))
        else:
            missing += 1
    _spread_shared(points)
    return points, missing


def _spread_shared(points: list[MapPoint]) -> None:
    """Communes that stand at one successor's location are set around it on a ring (~0.6 km), in unit order."""
    groups: dict[tuple[float, float], list[MapPoint]] = {}
    for p in points:
        groups.setdefault((p.latitude, p.longitude), []).append(p)
    for (lat, lon), group in groups.items():
        if len(group) < 2:
            continue
        radius = 0.004 + 0.0008 * len(group)
        for i, p in enumerate(group):
            angle = 2 * math.pi * i / len(group)
            p.latitude = lat + radius * math.sin(angle)
            p.longitude = lon + radius * math.cos(angle) / math.cos(math.radians(lat))


def project(points: list[MapPoint], *, width: int = 800, margin: int = 16) -> int:
    """Place the points on an SVG canvas `width` wide (equirectangular, scaled by the cosine of the mean
    latitude); returns the canvas height. Radius grows with the square root of the area (default 4 px)."""
    if not points:
        return width // 2
    lats = [p.latitude for p in points]
    lons = [p.longitude for p in points]
    k = math.cos(math.radians(sum(lats) / len(lats)))
    span_x = max((max(lons) - min(lons)) * k, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = (width - 2 * margin) / span_x
    height = int(span_y * scale + 2 * margin)
    for p in points:
        p.x = round(margin + (p.longitude - min(lons)) * k * scale, 1)
        p.y = round(margin + (max(lats) - p.latitude) * scale, 1)
        p.r = round(min(14.0, max(3.5, math.sqrt(p.area_km2) * 1.1)) if p.area_km2 else 4.0, 1)
    return height


MEASURES = {
    "late_share": gettext_lazy("Tỷ lệ trễ hạn"),
    "proof_rate": gettext_lazy("Tỷ lệ có minh chứng phát sóng"),
    "emergencies": gettext_lazy("Việc khẩn chưa xong"),
}
# Five classes each, from good to bad (ColorBrewer's RdYlGn, reversed where a high value is good).
PALETTE = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]
NO_DATA_COLOUR = "#bdbdbd"


def measure_classes(measure: str) -> list[tuple[str, str]]:
    """The legend: (colour, label) from good to bad."""
    if measure == "emergencies":
        labels = ["0", "1", "2", "3–4", "≥ 5"]
    elif measure == "late_share":
        labels = ["0%", "< 10%", "10–25%", "25–50%", "≥ 50%"]
    else:
        labels = ["≥ 90%", "75–90%", "50–75%", "25–50%", "< 25%"]
    return list(zip(PALETTE, labels, strict=True))


def measure_colour(measure: str, value: float | None) -> str:
    if value is None:
        return NO_DATA_COLOUR
    if measure == "emergencies":
        index = 0 if value <= 0 else 1 if value <= 1 else 2 if value <= 2 else 3 if value <= 4 else 4
    elif measure == "late_share":
        index = 0 if value <= 0 else 1 if value < .10 else 2 if value < .25 else 3 if value < .5 else 4
    else:
        index = 0 if value >= .9 else 1 if value >= .75 else 2 if value >= .5 else 3 if value >= .25 else 4
    return PALETTE[index]
