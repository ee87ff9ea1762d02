"""Periodic reports driven through the directive flows: open a period (by hand or on schedule), send an
accepted commune report back, finish the period.

Opening a period = freeze the indicators (reporting) + start an ordinary DirectiveFlow for a directive that
targets every commune and district + the leader's approval. Reminders, overdue marking, escalation, unit
queues and the fan-out's bulk start then come from the directive engine unchanged.

Why the ordinary approval step instead of a flow that skips it: a periodic report is a routine directive,
but it still goes out over the Department's name to every unit. When the opener holds
`coordination.approve_directive` (a leader, the division head, the scheduled job's opener) the approval is
recorded at once in their name; a drafter can prepare the period and it waits in the leaders' queue like
any directive. No new flow, no change to DirectiveFlow."""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from coordination import access as coordination_access
from coordination.models import Assignment
from org import selectors as org_selectors
from org.audit import records_actor
from org.models import User
from reporting import services as reporting_services
from reporting.models import ReportingPeriod, ReportingSchedule, UnitReport

from .. import engine
from ..directive import services as directive_services
from ..directive.flow import DirectiveFlow
from ..directive.steps import approve_step, close_step

logger = logging.getLogger(__name__)


@records_actor
def period_open(*, user: User, kind: str, year: int, structure: str | None = None,
                due_date: date | None = None) -> ReportingPeriod:
    """Open a reporting period: one transaction for the period, its directive and (when the opener may
    approve) the approval; the fan-out job is queued after commit. A second call raises AlreadyDone."""
    structure = structure or org_selectors.structure_in_force()
    with transaction.atomic():
        period = reporting_services.period_prepare(user=user, kind=kind, year=year, structure=structure,
                                                   due_date=due_date)
        directive = directive_services.directive_start(user=user, **reporting_services.period_directive_fields(period))
        period = reporting_services.period_attach_directive(period=period, directive=directive)
        if coordination_access.may_approve(user):
            engine.task_run(engine.open_task(directive, DirectiveFlow.approve), user, approve_step,
                            approve=True, comment=_("Báo cáo định kỳ theo lịch, mở kỳ và duyệt cùng lúc."))
    return ReportingPeriod.objects.select_related("directive").get(pk=period.pk)


def schedule_opener(schedule: ReportingSchedule) -> User | None:
    """Who opens a period on schedule: the configured person, else a leader of the issuing division who may
    approve directives, else anyone acting for it (the directive then waits for a leader)."""
    if schedule.opener_id and schedule.opener.is_active:
        return schedule.opener
    issuer = reporting_services.period_issuing_unit()
    people = list(org_selectors.people_of_unit(issuer, leaders_only=True)) + list(org_selectors.people_of_unit(issuer))
    for person in people:
        if coordination_access.may_approve(person):
            return person
    return next((p for p in people if org_selectors.user_can_act_for(p, issuer)), None)


def periods_open_due(today: date | None = None) -> list[ReportingPeriod]:
    """Open each scheduled period from its opening day up to its due date, once (the hourly job calls this;
    a day missed while the workers were down is caught up)."""
    today = today or timezone.localdate()
    opened = []
    for schedule in ReportingSchedule.objects.filter(is_active=True).select_related("opener"):
        _cutoff, due, opening = schedule.dates(today.year)
        if not opening <= today <= due:
            continue
        structure = schedule.structure or org_selectors.structure_in_force()
        already = ReportingPeriod.objects.filter(kind=schedule.kind, year=today.year, structure=structure).exclude(
            status=ReportingPeriod.Status.DRAFT)
        if already.exists():
            continue
        opener = schedule_opener(schedule)
        if opener is None:
            logger.warning("reporting period %s %s not opened: nobody acts for the issuing division",
                           schedule.kind, today.year)
            continue
        try:
            opened.append(period_open(user=opener, kind=schedule.kind, year=today.year, structure=structure))
        except AlreadyDone:
            continue
    return opened


def report_send_back(*, assignment: Assignment, user: User, comment: str) -> UnitReport:
    """A district sends a commune's accepted report back: the commune's flow starts again at its report step,
    and the district's own report waits for it."""
    with transaction.atomic():
        report = reporting_services.report_reopen(assignment=assignment, user=user, comment=comment)
        directive_services.unit_process_reopen(report.assignment)
    return report


def period_finish(*, period: ReportingPeriod, user: User, summary: str) -> ReportingPeriod:
    """Close the period once every top-level unit is done: runs the directive's close task, then marks the
    period finished, in one transaction."""
    with transaction.atomic():
        task = engine.open_task(period.directive, DirectiveFlow.close)
        if task is None:
            raise AlreadyDone(_("Chưa thể kết thúc: còn đơn vị chưa hoàn thành hoặc kỳ đã kết thúc."))
        engine.task_run(task, user, close_step, summary=summary)
        return reporting_services.period_close(period=period, user=user)
