"""A commune's report form starts from what the product already knows: its propagandists (the registry) and the
citizens' feedback it received and answered in the period. The officer may change any of them before sending."""

from datetime import date

from org.models import Unit
from outreach.selectors import registry_counts
from reporting.models import PeriodKind, ReportingPeriod


def period_range(period: ReportingPeriod) -> tuple[date, date]:
    """The days a period's figures cover: the half year or the year up to its cut-off."""
    start = date(period.cutoff_date.year, 1, 1)
    if period.kind == PeriodKind.HALF_YEAR:
        return start, period.cutoff_date
    return start, period.cutoff_date


def figures_from_data(unit: Unit, period: ReportingPeriod) -> dict:
    codes = {i["code"] for i in period.indicators}
    values = dict(registry_counts(unit))
    return {k: v for k, v in values.items() if k in codes}
