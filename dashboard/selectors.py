"""The managers' reads across apps: per-unit progress over a period, broadcast proof, plan coverage by month,
the overdue list, the slowest units, the map's points and the air-schedule calendar. Every figure is an aggregate
computed in the database (GROUP BY unit, topic or month); a page costs the same number of queries whatever the
number of assignments (the calendar reads one unit's schedules, or one bulletin's, in a fixed number of queries).

A directive is a bulletin's broadcast when the bulletin's process names it (`Process.data["directive_id"]`,
written by workflows/bulletin when it publishes); that link gives a directive its plan topic. A broadcast
confirmed by the loudspeakers' play logs has a REPORTED event whose actor is the automatic account."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from django.db.models import (
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
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Process

from broadcast.models import AirPlan
from coordination.models import Assignment, AssignmentEvent, Directive, Urgency
from editorial.models import BroadcastLimit, Bulletin, PlanTopic
from editorial.rules import format_duration
from org import selectors as org_selectors
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


def _seconds(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000  # SQLite may hand a duration back in microseconds


def _aggregates(now: datetime) -> dict:
    """The per-unit figures. Every column they read is in assignment_period_cover_idx (created_at first): on
    PostgreSQL the period's assignments are an index-only range scan, however many years lie outside it. The
    emergencies' directives are a (hashed) subquery, not a join of every assignment to its directive and urgency.
    The time taken is a sum (with `received`, the average): units' sums add up to the totals."""
    open_ = ~Q(status__in=Assignment.CLOSED)
    broadcast = Q(directive_id__in=broadcast_directive_ids())
    reported = Q(reported_at__isnull=False)
    by_log = Q(pk__in=AssignmentEvent.objects.filter(kind=AssignmentEvent.Kind.REPORTED,
                                                     actor__username=MACHINE_USERNAME).values("assignment_id"))
    emergency = Q(directive_id__in=Directive.objects.filter(urgency__code__in=EMERGENCY_URGENCIES).values("pk"))
    return {
        "received": Count("pk"),
        "acknowledged": Count("pk", filter=Q(received_at__isnull=False)),
        "on_time": Count("pk", filter=Q(reported_at__lte=F("deadline"))),
        "late": Count("pk", filter=_late(now)),
        "open": Count("pk", filter=open_),
        "emergencies_open": Count("pk", filter=open_ & emergency),
        "broadcasts": Count("pk", filter=broadcast),
        "proof_by_log": Count("pk", filter=broadcast & reported & by_log),
        "proof_all": Count("pk", filter=broadcast & reported),
        "taken": Sum(_time_taken(now)),
    }


COUNTED = ("received", "acknowledged", "on_time", "late", "open", "emergencies_open", "broadcasts", "proof_by_log",
           "proof_all")


def _row(unit: Unit | None, values: dict) -> UnitRow:
    taken = _seconds(values["taken"])
    return UnitRow(
        unit=unit, received=values["received"], acknowledged=values["acknowledged"], on_time=values["on_time"],
        late=values["late"], open=values["open"], emergencies_open=values["emergencies_open"],
        broadcasts=values["broadcasts"], proof_by_log=values["proof_by_log"],
        proof_by_hand=values["proof_all"] - values["proof_by_log"],
        average_hours=taken / values["received"] / 3600 if taken is not None and values["received"] else None)


def _sum(groups) -> dict:
    """The totals of per-unit aggregates (the figures are counts and a sum: they add up)."""
    totals = {name: sum(g[name] for g in groups) for name in COUNTED}
    taken = [_seconds(g["taken"]) for g in groups if g["taken"] is not None]
    totals["taken"] = timedelta(seconds=sum(taken)) if taken else None
    return totals


def units_of(filters: Filters) -> QuerySet[Unit]:
    """The districts and communes of the structure (one district and its communes when filtered)."""
    qs = Unit.objects.filter(structure=filters.structure, kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])
    if filters.district is not None:
        qs = qs.filter(Q(pk=filters.district.pk) | Q(parent=filters.district))
    return qs.select_related("parent").order_by("path")


def unit_progress(filters: Filters, *, now: datetime | None = None, only_with_work: bool = True) -> Progress:
    """One row per unit and the totals: two queries (the units, then one GROUP BY unit; the totals are the sums of
    every unit's group, those not shown included)."""
    now = now or timezone.now()
    scope = scope_assignments(filters)
    by_unit = {v["unit_id"]: v for v in scope.values("unit_id").annotate(**_aggregates(now)).order_by()}
    rows = [_row(unit, by_unit[unit.pk]) if unit.pk in by_unit else UnitRow(unit=unit)
            for unit in units_of(filters)]
    if only_with_work:
        rows = [r for r in rows if r.received]
    return Progress(rows=rows, totals=_row(None, _sum(by_unit.values())))


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
    return (scope_assignments(filters).exclude(status__in=Assignment.NOT_OWED).filter(deadline__lt=now)
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


# --- the air-schedule calendar ---------------------------------------------------------------------------------------

# Airings that start less than this after the previous one ends make one session (buổi phát).
SESSION_GAP = timedelta(minutes=30)
WEEKDAYS = (gettext_lazy("Thứ Hai"), gettext_lazy("Thứ Ba"), gettext_lazy("Thứ Tư"), gettext_lazy("Thứ Năm"),
            gettext_lazy("Thứ Sáu"), gettext_lazy("Thứ Bảy"), gettext_lazy("Chủ nhật"))
FROM_PLAN, FROM_ASSIGNMENT = "plan", "assignment"


@dataclass
class Airing:
    """One planned airing of a bulletin by a unit: a time of its loudspeaker schedule (an air plan), or, for a unit
    without IP clusters, the time it gave when it received the broadcast directive."""

    unit: Unit
    start: datetime  # Hanoi time
    seconds: float  # the recording times its repetitions (a plan); the bulletin's estimate (a given time)
    title: str
    source: str  # FROM_PLAN or FROM_ASSIGNMENT
    status: str  # the plan's or the assignment's, as shown
    uid: str  # the same in every export: the plan and the moment, or the assignment
    bulletin_id: int | None = None
    emergency: bool = False  # played at once ("phát ngay"): not held to the session limits
    warnings: list[str] = field(default_factory=list)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    @property
    def duration(self) -> str:
        return format_duration(self.seconds) if self.seconds else "—"

    @property
    def source_label(self) -> str:
        if self.emergency:
            return _("Phát ngay (khẩn cấp)")
        return _("Lịch cụm loa") if self.source == FROM_PLAN else _("Thời điểm đơn vị báo khi tiếp nhận")


@dataclass
class Session:
    airings: list[Airing]
    warnings: list[str] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.airings[0].start

    @property
    def end(self) -> datetime:
        return max(a.end for a in self.airings)

    @property
    def seconds(self) -> float:
        return sum(a.seconds for a in self.airings)

    @property
    def duration(self) -> str:
        return format_duration(self.seconds) if self.seconds else "—"

    @property
    def emergency(self) -> bool:
        return self.airings[0].emergency


@dataclass
class Day:
    day: date
    airings: list[Airing]
    sessions: list[Session] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.day.weekday()]} {self.day:%d/%m/%Y}"


@dataclass
class WeekSchedule:
    unit: Unit
    monday: date
    days: list[Day]
    limit: BroadcastLimit | None  # None for a district (the limits are a commune station's)
    warnings: list[str] = field(default_factory=list)

    @property
    def airings(self) -> list[Airing]:
        return [a for d in self.days for a in d.airings]

    @property
    def iso(self) -> str:
        return iso_week(self.monday)

    @property
    def label(self) -> str:
        year, week, _day = self.monday.isocalendar()
        return _("Tuần %(w)s/%(y)s (%(first)s – %(last)s)") % {
            "w": week, "y": year, "first": f"{self.monday:%d/%m/%Y}",
            "last": f"{self.monday + timedelta(days=6):%d/%m/%Y}"}


def week_monday(text: str | None, today: date) -> date:
    """The Monday of an ISO week written "2025-W25"; the week of `today` when the text is not one."""
    match = re.fullmatch(r"(\d{4})-W(\d{1,2})", (text or "").strip())
    if match and 2000 <= int(match[1]) <= 2100:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    return today - timedelta(days=today.weekday())


def iso_week(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _hanoi(text) -> datetime | None:
    try:
        moment = parse_datetime(str(text or ""))
    except ValueError:
        return None
    if moment is None:
        return None
    return timezone.localtime(timezone.make_aware(moment) if timezone.is_naive(moment) else moment)


def day_start(day: date) -> datetime:
    """Midnight of `day`, Hanoi time."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _plan_airings(plans, start: datetime | None = None, end: datetime | None = None) -> list[Airing]:
    airings = []
    for plan in plans:
        for text in plan.times or []:
            moment = _hanoi(text)
            if moment is None or (start is not None and not start <= moment < end):
                continue
            airings.append(Airing(
                unit=plan.unit, start=moment, seconds=plan.duration_seconds * max(1, plan.repetitions),
                title=plan.title, source=FROM_PLAN, status=plan.get_status_display(),
                uid=f"airplan-{plan.pk}-{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}", bulletin_id=plan.bulletin_id,
                emergency=plan.kind == AirPlan.Kind.PLAY_NOW))
    return airings


def _given_time() -> Cast:
    """The time a unit gave on receipt (coordination's assignment_acknowledge), as ISO text (a text, not a JSON
    value, so that it compares as text)."""
    return Cast(KT("report_figures__planned_air_at"), TextField())


def _given_times(assignments: QuerySet[Assignment], plans: QuerySet[AirPlan]) -> QuerySet[Assignment]:
    """The assignments (not cancelled) with the time their unit gave on receipt (`planned`, ISO text), except
    those a loudspeaker schedule carries already (the plan is the better source: it has the recording's length)."""
    covered = plans.filter(assignment_id__isnull=False).values("assignment_id")
    return (assignments.exclude(status=Assignment.Status.CANCELLED).exclude(pk__in=covered)
            .annotate(planned=_given_time()).filter(planned__isnull=False))


def _assignment_airing(assignment: Assignment, moment: datetime, bulletin: Bulletin | None) -> Airing:
    return Airing(
        unit=assignment.unit, start=moment, seconds=bulletin.estimated_air_seconds if bulletin else 0,
        title=bulletin.title if bulletin else assignment.directive.title, source=FROM_ASSIGNMENT,
        status=assignment.get_status_display(), uid=f"assignment-{assignment.pk}",
        bulletin_id=bulletin.pk if bulletin else None)


def unit_airings(unit: Unit, start: datetime, end: datetime) -> list[Airing]:
    """What the unit plans to air in [start, end), by time: its loudspeaker schedules (withdrawn ones left out) and
    the times it gave for broadcasts its clusters do not carry. Three queries whatever the number of rows."""
    plans = AirPlan.objects.filter(unit=unit).exclude(status=AirPlan.Status.WITHDRAWN)
    fetched = list(plans.select_related("unit").order_by("pk"))
    scheduled = {p.bulletin_id for p in fetched}
    airings = _plan_airings(fetched, start, end)
    # ISO text compares as text by its date; a day either side covers any offset, the exact test is in Python
    given = list(_given_times(Assignment.objects.filter(unit=unit), plans)
                 .filter(planned__gte=(start - timedelta(days=1)).date().isoformat(),
                         planned__lt=(end + timedelta(days=1)).date().isoformat())
                 .annotate(bulletin_ref=Subquery(_bulletin_processes().filter(directive_ref=OuterRef("directive_id"))
                                                 .order_by("-pk").values("artifact_object_id")[:1]))
                 .select_related("unit", "directive"))
    bulletins = Bulletin.objects.only("pk", "title", "estimated_air_seconds").in_bulk(
        {a.bulletin_ref for a in given if a.bulletin_ref}) if given else {}
    for assignment in given:
        moment = _hanoi(assignment.planned)
        if moment is not None and start <= moment < end and assignment.bulletin_ref not in scheduled:
            airings.append(_assignment_airing(assignment, moment, bulletins.get(assignment.bulletin_ref)))
    return sorted(airings, key=lambda a: (a.start, a.title, a.uid))


def limit_of(unit: Unit, limits: dict[str, BroadcastLimit]) -> BroadcastLimit | None:
    """A commune's limits: an urban ward's or town's, or a rural commune's (a district has no station rule)."""
    if unit.kind != UnitKind.COMMUNE:
        return None
    return limits[BroadcastLimit.Area.URBAN if unit.is_urban else BroadcastLimit.Area.RURAL]


def sessions_of(airings: list[Airing]) -> list[Session]:
    """Airings (by time) in sessions: one starting less than SESSION_GAP after the session's end joins it; an
    emergency's "play now" is a session of its own."""
    sessions: list[Session] = []
    for airing in airings:
        last = sessions[-1] if sessions else None
        if last is None or airing.emergency or last.emergency or airing.start - last.end >= SESSION_GAP:
            sessions.append(Session([airing]))
        else:
            last.airings.append(airing)
    return sessions


def limit_warnings(days: list[Day], limit: BroadcastLimit | None) -> list[str]:
    """Hanoi's rules as warnings (Vietnamese) on the sessions and days that break them; returns the week's own.
    Emergencies are left out: they play whatever the rules say."""
    if limit is None:
        return []
    area = limit.get_area_display()
    aired_days = 0
    for day in days:
        sessions = [s for s in day.sessions if not s.emergency]
        aired_days += bool(sessions)
        for session in sessions:
            if session.seconds > limit.max_minutes_per_session * 60:
                session.warnings.append(
                    _("Buổi phát %(start)s–%(end)s dài %(duration)s, vượt giới hạn %(limit)d phút mỗi buổi ở "
                      "%(area)s.") % {"start": f"{session.start:%H:%M}", "end": f"{session.end:%H:%M}",
                                      "duration": format_duration(session.seconds),
                                      "limit": limit.max_minutes_per_session, "area": area})
        if limit.sessions_per_day and len(sessions) > limit.sessions_per_day:
            day.warnings.append(_("%(n)d buổi phát trong ngày, vượt giới hạn %(limit)d buổi mỗi ngày ở %(area)s.")
                                % {"n": len(sessions), "limit": limit.sessions_per_day, "area": area})
    if limit.days_per_week and aired_days > limit.days_per_week:
        return [_("Phát %(n)d ngày trong tuần, vượt giới hạn %(limit)d ngày mỗi tuần ở %(area)s.")
                % {"n": aired_days, "limit": limit.days_per_week, "area": area}]
    return []


def unit_week(unit: Unit, monday: date) -> WeekSchedule:
    """The unit's week from Monday, day by day and session by session, with the limits' warnings. Four queries."""
    start = day_start(monday)
    airings = unit_airings(unit, start, day_start(monday + timedelta(days=7)))
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        of_day = [a for a in airings if a.start.date() == day]
        days.append(Day(day, of_day, sessions_of(of_day)))
    limit = limit_of(unit, BroadcastLimit.current())
    return WeekSchedule(unit=unit, monday=monday, days=days, limit=limit, warnings=limit_warnings(days, limit))


@dataclass
class BulletinSchedule:
    bulletin: Bulletin
    days: list[Day]
    units_planned: int
    units_without_time: int  # broadcast assignments with neither a schedule nor a given time


def bulletin_schedule(bulletin: Bulletin) -> BulletinSchedule:
    """When each unit plans to air one bulletin, day by day across units: its loudspeaker schedules and the times
    units gave for its broadcast directives; an airing longer than its unit's session limit carries a warning.
    Three queries whatever the number of units."""
    plans = AirPlan.objects.filter(bulletin_id=bulletin.pk).exclude(status=AirPlan.Status.WITHDRAWN)
    airings = _plan_airings(plans.select_related("unit", "unit__parent").order_by("pk"))
    directives = _bulletin_processes().filter(artifact_object_id=bulletin.pk).values("directive_ref")
    scheduled = {a.unit.pk for a in airings}
    planned_units = set(scheduled)
    assignments = (Assignment.objects.filter(directive_id__in=directives).exclude(status=Assignment.Status.CANCELLED)
                   .exclude(pk__in=plans.filter(assignment_id__isnull=False).values("assignment_id"))
                   .annotate(planned=_given_time()).select_related("unit", "unit__parent"))
    without_time = 0
    for assignment in assignments:
        moment = _hanoi(assignment.planned)
        if assignment.unit_id in scheduled:
            continue  # its clusters' schedule says when (an emergency's plan comes before its assignment)
        if moment is not None:
            airings.append(_assignment_airing(assignment, moment, bulletin))
            planned_units.add(assignment.unit_id)
        else:
            without_time += 1
    limits = BroadcastLimit.current()
    for airing in airings:
        limit = limit_of(airing.unit, limits)
        if limit and not airing.emergency and airing.seconds > limit.max_minutes_per_session * 60:
            airing.warnings.append(_("Dài %(duration)s, vượt giới hạn %(limit)d phút mỗi buổi ở %(area)s.") % {
                "duration": format_duration(airing.seconds), "limit": limit.max_minutes_per_session,
                "area": limit.get_area_display()})
    airings.sort(key=lambda a: (a.start, a.unit.path, a.uid))
    days: dict[date, list[Airing]] = {}
    for airing in airings:
        days.setdefault(airing.start.date(), []).append(airing)
    return BulletinSchedule(bulletin=bulletin, days=[Day(d, rows) for d, rows in days.items()],
                            units_planned=len(planned_units), units_without_time=without_time)


def calendar_units(user) -> QuerySet[Unit]:
    """The districts and communes of the structure in force whose calendar the reader may open (the unit
    directory's rule: their own, those under them, every one for a manager or leader)."""
    return (org_selectors.units_visible_to(user).filter(kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE],
                                                         structure=org_selectors.structure_in_force(),
                                                         is_active=True)
            .select_related("parent").order_by("path"))


def own_calendar_unit(user) -> Unit | None:
    """The district or commune the reader works for (a commune officer's calendar opens on it)."""
    return (org_selectors.units_acted_for(user).filter(kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE],
                                                       is_active=True)
            .select_related("parent").order_by("kind", "path").first())  # a commune before a district
