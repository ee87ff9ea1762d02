"""Coordination writes, one module per concept: directives.py (the directive's life), assignments.py (a unit's
share: acknowledge, relay, report, review, reopen, cancel), deadlines.py (the minute scan), reference.py
(urgencies, deadline policy). Every service takes keyword arguments, checks
who is acting (coordination.access), runs in one transaction and notifies through notifications.services.notify
(pushed after commit). Reads are coordination.selectors'."""

from common.errors import AlreadyDone

from .assignments import (
    BROADCAST_CHANNELS,
    assignment_acknowledge,
    assignment_cancel,
    assignment_name_officer,
    assignment_relay,
    assignment_reopen,
    assignment_report,
    assignment_report_by_device,
    assignment_review,
    assignments_create,
    assignments_create_for_targets,
    assignments_notify_received,
)
from .deadlines import DeadlineScan, deadlines_scan
from .directives import directive_cancel, directive_close, directive_create, directive_decide, directive_revise
from .reference import URGENCY_DEFAULTS, reference_data_ensure

__all__ = [
    "BROADCAST_CHANNELS", "URGENCY_DEFAULTS", "AlreadyDone", "DeadlineScan", "assignment_acknowledge",
    "assignment_cancel", "assignment_name_officer", "assignment_relay", "assignment_reopen", "assignment_report",
    "assignment_report_by_device",
    "assignment_review", "assignments_create", "assignments_create_for_targets", "assignments_notify_received",
    "deadlines_scan", "directive_cancel", "directive_close", "directive_create", "directive_decide",
    "directive_revise", "reference_data_ensure",
]
