"""A commune's report form starts from what the product already knows: its propagandists (the registry) and the
citizens' feedback it received and answered in the period. The officer may change any of them before sending."""

from datetime import date

from feedback.selectors import report_counts
from org.models import Unit
from outreach.selectors import registry_counts
from reporting.models import ReportingPeriod


def period_range(period: ReportingPeriod) -> tuple[date, date]:
    """The days a period's figures cover: the half year or the year up to its cut-off."""
    return date(period.cutoff_date.year, 1, 1), period.cutoff_date  # both kinds count from 1 January


def figures_from_data(unit: Unit, period: ReportingPeriod) -> dict:
    codes = {i["code"] for i in period.indicators}
    values = {**registry_counts(unit), **report_counts(unit, *period_range(period))}
    return {k: v for k, v in values.items() if k in codes}
