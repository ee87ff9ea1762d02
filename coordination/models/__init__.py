"""Coordination models, one module per sub-domain: directives and assignments; periodic reporting."""

from .directives import (
    Assignment,
    AssignmentEvent,
    AssignmentEvidence,
    DeadlinePolicy,
    Directive,
    DirectiveAttachment,
    ReportRequirement,
    Urgency,
)
from .reporting import (
    Indicator,
    IndicatorKind,
    PeriodKind,
    ReportingPeriod,
    ReportingSchedule,
    UnitReport,
)

__all__ = [
    "Assignment", "AssignmentEvent", "AssignmentEvidence", "DeadlinePolicy", "Directive", "DirectiveAttachment",
    "ReportRequirement", "Urgency",
    "Indicator", "IndicatorKind", "PeriodKind", "ReportingPeriod", "ReportingSchedule", "UnitReport",
]
