"""Coordination models: directives, their per-unit assignments, evidence and deadlines."""

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

__all__ = [
    "Assignment", "AssignmentEvent", "AssignmentEvidence", "DeadlinePolicy", "Directive", "DirectiveAttachment",
    "ReportRequirement", "Urgency",
]
