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

__all__ = [
    "Assignment", "AssignmentEvent", "AssignmentEvidence", "DeadlinePolicy", "Directive", "DirectiveAttachment",
    "ReportRequirement", "Urgency",
]
