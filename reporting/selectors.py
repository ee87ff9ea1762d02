"""Reads for periodic reports: who sees what, the aggregate (computed in the database: one query for the city
totals and one for the district table, whatever the number of units), completeness, previous values.

Aggregates count commune reports the reviewer has accepted. A district's own report holds the sums of its
accepted communes at the time it was sent; since an accepted commune report cannot change, the two agree."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db.models import BigIntegerField, Count, DecimalField, F, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coordination.models import Assignment
from org import selectors as org_selectors
from org.audit import HistoryEntry, history_entries
from org.models import Structure, Unit, UnitKind, UnitSuccession, User

from .models import IndicatorKind, ReportingPeriod, UnitReport

PERIOD_ISSUER_CODE = "SVHTT-TTBCXB"  # Phòng Thông tin - Báo chí - Xuất bản issues periods and aggregates them


# --- visibility ---------------------------------------------------------------------------------------------------

def period_issuing_unit() -> Unit:
    """The division that opens periods and aggregates them; Unit.DoesNotExist when the city is not loaded."""
    return Unit.objects.get(structure=Structure.CITY, code=PERIOD_ISSUER_CODE)


def user_sees_all_reports(user: User) -> bool:
    """Leaders, managers and the issuing division see every unit's report."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("org.supervise_all_units"):
        return True
    try:
        issuer = period_issuing_unit()
    except Unit.DoesNotExist:
        return False
    return org_selectors.user_can_act_for(user, issuer)


def units_in_scope(user: User) -> QuerySet[Unit] | None:
    """None: every unit. Otherwise the user's own units and the units under them (a district: its communes)."""
    return None if user_sees_all_reports(user) else org_selectors.units_visible_to(user)


def periods_visible_to(user: User) -> QuerySet[ReportingPeriod]:
    qs = ReportingPeriod.objects.select_related("directive", "opened_by")
    scope = units_in_scope(user)
    if scope is None:
        return qs
    return qs.filter(directive__assignments__unit__in=scope.values("pk")).distinct()


def period_for_user(user: User, pk: int) -> ReportingPeriod | None:
    return periods_visible_to(user).filter(pk=pk).first()


def period_for_directive(directive_id: int) -> ReportingPeriod | None:
    """The period a directive carries, if any (the flows ask it to choose a period assignment's pages)."""
    return ReportingPeriod.objects.filter(directive_id=directive_id).first()


def previous_period(period: ReportingPeriod) -> ReportingPeriod | None:
    """The last period before this one that was opened and not cancelled, of the same structure or of the one
    its units succeeded (the annual 2025 report of the 126 units follows H1 2025 of the 526 communes)."""
    structures = {period.structure, *UnitSuccession.objects.filter(successor__structure=period.structure)
                  .values_list("predecessor__structure", flat=True).distinct()}
    return (ReportingPeriod.objects.filter(structure__in=structures, cutoff_date__lt=period.cutoff_date)
            .exclude(status__in=[ReportingPeriod.Status.DRAFT, ReportingPeriod.Status.CANCELLED])
            .order_by("-cutoff_date").first())


def predecessors_in(structure: str, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units of `structure` whose work went to one of `units` (their default successor): a successor's
    previous figures are the sum of these, and each predecessor counts once, so the totals reconcile."""
    return Unit.objects.filter(structure=structure, successions__is_default=True,
                               successions__successor__in=units.values("pk"))


def previous_totals(period: ReportingPeriod, previous: ReportingPeriod, units: QuerySet[Unit] | None) -> dict:
    """The previous period's totals over the same ground as `totals(period, units)`: in a structure left, over
    the predecessors of the units in scope."""
    if units is not None and previous.structure != period.structure:
        units = predecessors_in(previous.structure, units)
    return totals(previous, units)


# --- aggregation --------------------------------------------------------------------------------------------------

def _aggregations(indicators: list[dict]) -> tuple[dict, Callable[[dict], dict]]:
    """Database aggregates for a period's indicators (sum of numbers, count of "yes", count per choice) and a
    reader that turns a result row into JSON-ready values keyed by indicator code."""
    expressions, readers = {}, []
    for i, indicator in enumerate(indicators):
        code, kind, alias = indicator["code"], indicator["kind"], f"a{i}"
        if kind == IndicatorKind.INTEGER:
            expressions[alias] = Sum(Cast(KeyTextTransform(code, "values"), BigIntegerField()))
            readers.append((code, lambda row, a=alias: int(row[a] or 0)))
        elif kind == IndicatorKind.DECIMAL:
            expressions[alias] = Sum(Cast(KeyTextTransform(code, "values"),
                                          DecimalField(max_digits=24, decimal_places=4)))
            readers.append((code, lambda row, a=alias: _decimal_text(row[a])))
        elif kind == IndicatorKind.BOOLEAN:
            expressions[alias] = Count("pk", filter=_json_equals(code, True))
            readers.append((code, lambda row, a=alias: int(row[a] or 0)))
        else:
            aliases = {}
            for j, (choice, _label) in enumerate(indicator["choices"]):
                aliases[choice] = f"{alias}_{j}"
                expressions[aliases[choice]] = Count("pk", filter=_json_equals(code, choice))
            readers.append((code, lambda row, a=aliases: {c: int(row[x] or 0) for c, x in a.items()}))

    def read(row: dict) -> dict:
        return {code: reader(row) for code, reader in readers}

    return expressions, read


def _json_equals(code: str, value) -> Q:
    # "__exact" keeps a code that happens to be a lookup name ("in", "contains") read as a key
    return Q(**{f"values__{code}__exact": value})


def _decimal_text(value) -> str:
    number = Decimal(str(value or 0)).quantize(Decimal("0.0001")).normalize()
    return format(number, "f")


def accepted_commune_reports(period: ReportingPeriod, units: QuerySet[Unit] | None = None) -> QuerySet[UnitReport]:
    qs = UnitReport.objects.filter(period=period, status=UnitReport.Status.ACCEPTED, unit__kind=UnitKind.COMMUNE)
    return qs if units is None else qs.filter(unit__in=units.values("pk"))


def totals(period: ReportingPeriod, units: QuerySet[Unit] | None = None) -> dict:
    """City totals (or the totals of the units in scope): {"count": reports, "values": {code: total}}."""
    expressions, read = _aggregations(period.indicators)
    row = accepted_commune_reports(period, units).aggregate(n=Count("pk"), **expressions)
    return {"count": row["n"], "values": read(row)}


def totals_by_district(period: ReportingPeriod, units: QuerySet[Unit] | None = None) -> dict[int, dict]:
    """{district id: {"count", "values"}} in one grouped query."""
    expressions, read = _aggregations(period.indicators)
    rows = (accepted_commune_reports(period, units).values("unit__parent").annotate(n=Count("pk"), **expressions)
            .order_by())
    return {row["unit__parent"]: {"count": row["n"], "values": read(row)} for row in rows}


def district_values(period: ReportingPeriod, district: Unit) -> dict:
    """What a district reports: the sums of its accepted communes."""
    expressions, read = _aggregations(period.indicators)
    return read(accepted_commune_reports(period).filter(unit__parent=district).aggregate(**expressions))


# --- completeness -------------------------------------------------------------------------------------------------

def completeness_counts(period: ReportingPeriod, units: QuerySet[Unit] | None = None,
                        now: datetime | None = None) -> dict:
    now = now or timezone.now()
    qs = _assignments(period, units)
    not_reported = Q(reported_at__isnull=True) & ~Q(status=Assignment.Status.CANCELLED)
    return qs.aggregate(
        total=Count("pk"),
        received=Count("pk", filter=Q(received_at__isnull=False)),
        submitted=Count("pk", filter=Q(reported_at__isnull=False)),
        accepted=Count("pk", filter=Q(status=Assignment.Status.ACCEPTED)),
        returned=Count("pk", filter=Q(status=Assignment.Status.RETURNED)),
        missing=Count("pk", filter=not_reported),
        late=Count("pk", filter=(not_reported & Q(deadline__lt=now)) | Q(reported_at__gt=F("deadline"))),
    )


def _assignments(period: ReportingPeriod, units: QuerySet[Unit] | None) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(directive_id=period.directive_id)
    return qs if units is None else qs.filter(unit__in=units.values("pk"))


COMPLETENESS_FILTERS = ("missing", "late", "submitted", "accepted")


def completeness_rows(period: ReportingPeriod, units: QuerySet[Unit] | None = None, *, show: str = "",
                      now: datetime | None = None) -> QuerySet[Assignment]:
    """One row per unit: its assignment with the unit, its district and its report (one query)."""
    now = now or timezone.now()
    qs = _assignments(period, units).select_related("unit", "unit__parent", "unit_report", "assignee").order_by(
        "unit__path")
    not_reported = Q(reported_at__isnull=True) & ~Q(status=Assignment.Status.CANCELLED)
    if show == "missing":
        qs = qs.filter(not_reported)
    elif show == "late":
        qs = qs.filter((not_reported & Q(deadline__lt=now)) | Q(reported_at__gt=F("deadline")))
    elif show == "submitted":
        qs = qs.filter(reported_at__isnull=False)
    elif show == "accepted":
        qs = qs.filter(status=Assignment.Status.ACCEPTED)
    return qs


# --- one unit -----------------------------------------------------------------------------------------------------

def report_for_assignment(assignment: Assignment) -> UnitReport | None:
    return UnitReport.objects.filter(assignment=assignment).first()


def report_for_user(user: User, period: ReportingPeriod, unit_pk: int) -> UnitReport | None:
    report = (UnitReport.objects.select_related("unit", "unit__parent", "assignment", "submitted_by", "reviewed_by")
              .filter(period=period, unit_id=unit_pk).first())
    if report is None or not org_selectors.user_can_see_unit(user, report.unit) and not user_sees_all_reports(user):
        return None
    return report


def previous_values(period: ReportingPeriod, unit: Unit) -> tuple[ReportingPeriod | None, dict]:
    """The previous period and this unit's values in it (sent reports only). A unit that did not exist then
    (a successor of the 2025 reorganisation) gets the sums of its predecessors' accepted figures, numbers only:
    a yes/no or a choice of several communes has no single value."""
    previous = previous_period(period)
    if previous is None:
        return None, {}
    if previous.structure != unit.structure:
        sums = totals(previous, predecessors_in(previous.structure, Unit.objects.filter(pk=unit.pk)))
        numeric = {i["code"] for i in previous.indicators
                   if i["kind"] in (IndicatorKind.INTEGER, IndicatorKind.DECIMAL)}
        return previous, ({k: v for k, v in sums["values"].items() if k in numeric} if sums["count"] else {})
    report = (UnitReport.objects.filter(period=previous, unit=unit)
              .exclude(status=UnitReport.Status.DRAFT).only("values").first())
    return previous, (report.values if report else {})


# --- display ------------------------------------------------------------------------------------------------------

def display_value(indicator: dict, value, *, aggregate: bool = False) -> str:
    """A value as the pages and exports show it (Vietnamese number format, labels for choices)."""
    if value is None or value == "":
        return ""
    kind = indicator["kind"]
    if kind == IndicatorKind.CHOICE:
        labels = dict(indicator["choices"])
        if isinstance(value, dict):
            return "; ".join(f"{labels.get(c, c)}: {n}" for c, n in value.items() if n)
        return labels.get(value, value)
    if kind == IndicatorKind.BOOLEAN and not aggregate:
        return _("Có") if value else _("Không")
    return formats.number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)


def numeric_value(indicator: dict, value):
    """The number a spreadsheet cell holds (None for choices and blanks)."""
    if value is None or value == "" or indicator["kind"] == IndicatorKind.CHOICE:
        return None
    if isinstance(value, bool):
        return int(value)
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def period_history(period: ReportingPeriod) -> list[HistoryEntry]:
    return history_entries(period)
