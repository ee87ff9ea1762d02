"""Writes on periodic statistics reports: the indicator set and calendar (reference data), opening a period
(freeze the indicators, prepare the directive that carries it), a unit's draft, submission and review, and
what a cancelled directive does to its period (reporting/signals.py connects it).

A period is carried by a coordination Directive; the workflows' `period_open` starts its flow. The submit and
review services call the directive engine (assignment_report / assignment_review) in the same transaction, so
a report's status and its assignment's status never disagree."""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from coordination import access as coordination_access
from coordination.models import Assignment, Directive, ReportRequirement, Urgency
from coordination.services import assignment_reopen, assignment_report, assignment_review
from org import selectors as org_selectors
from org.audit import records_actor
from org.models import Structure, UnitKind, User

from .models import Indicator, IndicatorKind, PeriodKind, ReportingPeriod, ReportingSchedule, UnitReport
from .selectors import district_values, period_for_directive, period_issuing_unit

INDICATORS_FILE = Path(__file__).resolve().parent / "data" / "indicators.json"
# (kind, cut-off day/month, due day/month, opening day/month): DOMAIN.md "Reporting periods"
DEFAULT_SCHEDULES = [
    (PeriodKind.HALF_YEAR, (30, 5), (6, 6), (31, 5)),
    (PeriodKind.ANNUAL, (30, 11), (6, 12), (30, 11)),
]
MAX_NUMBER = Decimal(10) ** 12
MAX_DECIMAL_PLACES = 4


# --- reference data -------------------------------------------------------------------------------------------

def indicator_rows() -> list[dict]:
    return json.loads(INDICATORS_FILE.read_text(encoding="utf-8"))["indicators"]


def indicators_seed() -> int:
    """Create the seed indicators that are missing (by code); rows edited in admin are left alone."""
    rows = indicator_rows()
    existing = set(Indicator.objects.values_list("code", flat=True))
    new = [
        Indicator(code=r["code"], group=r["group"], name=r["name"], unit_of_measure=r.get("unit", ""),
                  kind=r["kind"], choices="\n".join(f"{c}|{label}" for c, label in r.get("choices", [])),
                  required=r.get("required", False), non_negative=r.get("non_negative", True), position=10 * i)
        for i, r in enumerate(rows, start=1) if r["code"] not in existing
    ]
    Indicator.objects.bulk_create(new)
    created = {i.code for i in new}
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=[r["code"] for r in rows])}
    for r in rows:
        if r["code"] in created and r.get("max_of") in by_code:
            Indicator.objects.filter(pk=by_code[r["code"]].pk).update(not_more_than=by_code[r["max_of"]])
    return len(new)


def schedules_ensure() -> None:
    for kind, (cd, cm), (dd, dm), (od, om) in DEFAULT_SCHEDULES:
        ReportingSchedule.objects.get_or_create(kind=kind, defaults={
            "cutoff_day": cd, "cutoff_month": cm, "due_day": dd, "due_month": dm, "open_day": od, "open_month": om})


def reporting_reference_ensure() -> None:
    """Seed indicators and the reporting calendar (also done by migration 0004); existing rows are kept."""
    indicators_seed()
    schedules_ensure()


def indicators_snapshot() -> list[dict]:
    return [i.snapshot() for i in Indicator.objects.filter(is_active=True).select_related("not_more_than")]


# --- values -----------------------------------------------------------------------------------------------------

TRUE_WORDS = {"1", "true", "yes", "on", "co", "có"}
FALSE_WORDS = {"0", "false", "no", "off", "khong", "không"}


def _number(text) -> Decimal:
    if isinstance(text, bool):
        raise ValueError
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    text = re.sub(r"\s+", "", str(text)).replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def _parse(indicator: dict, raw):
    """The typed, JSON-ready value (int, decimal as text, bool, choice code); ValueError with the message."""
    kind = indicator["kind"]
    if kind == IndicatorKind.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(_("Hãy chọn Có hoặc Không."))
    if kind == IndicatorKind.CHOICE:
        code = str(raw).strip()
        if code not in {c for c, _label in indicator["choices"]}:
            raise ValueError(_("Lựa chọn không hợp lệ."))
        return code
    try:
        number = _number(raw)
    except ValueError:
        raise ValueError(_("Hãy nhập số nguyên.") if kind == IndicatorKind.INTEGER else
                         _("Hãy nhập một số (phần thập phân sau dấu phẩy).")) from None
    if abs(number) >= MAX_NUMBER:
        raise ValueError(_("Số quá lớn."))
    if kind == IndicatorKind.INTEGER:
        if number != number.to_integral_value():
            raise ValueError(_("Hãy nhập số nguyên."))
        return int(number)
    if -number.as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise ValueError(_("Tối đa %(n)s chữ số thập phân.") % {"n": MAX_DECIMAL_PLACES})
    return format(number.normalize(), "f") if number else "0"


def _is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def values_clean(indicators: list[dict], raw: dict, *, complete: bool) -> tuple[dict, dict]:
    """Parse a unit's values against a period's frozen indicators. Returns (clean values, errors by code).
    Types and non-negativity are always checked; `complete` (submission) adds required and cross-indicator
    rules. Unknown codes are dropped."""
    clean, errors = {}, {}
    for indicator in indicators:
        code, value = indicator["code"], raw.get(indicator["code"])
        if _is_blank(value):
            if complete and indicator["required"]:
                errors[code] = _("Chỉ tiêu bắt buộc: hãy nhập số liệu.")
            continue
        try:
            parsed = _parse(indicator, value)
        except ValueError as error:
            errors[code] = str(error)
            continue
        if indicator["kind"] in (IndicatorKind.INTEGER, IndicatorKind.DECIMAL) and indicator["non_negative"] \
                and Decimal(parsed) < 0:
            errors[code] = _("Số liệu không được âm.")
            continue
        clean[code] = parsed
    if complete:
        by_code = {i["code"]: i for i in indicators}
        for indicator in indicators:
            code, other = indicator["code"], indicator.get("max_of")
            if other in clean and code in clean and Decimal(clean[code]) > Decimal(clean[other]):
                errors[code] = _("Không được lớn hơn chỉ tiêu “%(name)s” (%(value)s).") % {
                    "name": by_code[other]["name"], "value": clean[other]}
    return clean, errors


# --- periods ----------------------------------------------------------------------------------------------------

def schedule_for(kind: str) -> ReportingSchedule:
    schedule = ReportingSchedule.objects.filter(kind=kind).first()
    if schedule is None:
        for k, (cd, cm), (dd, dm), (od, om) in DEFAULT_SCHEDULES:
            if k == kind:
                return ReportingSchedule(kind=k, cutoff_day=cd, cutoff_month=cm, due_day=dd, due_month=dm,
                                         open_day=od, open_month=om)
    return schedule


@records_actor
@transaction.atomic
def period_prepare(*, user: User, kind: str, year: int, structure: str,
                   due_date: date | None = None) -> ReportingPeriod:
    """Create the period (or take the one prepared in admin) and freeze the indicator set into it.
    The caller creates the directive next; a period that already has one raises AlreadyDone.
    `due_date` replaces the calendar's due day. A period whose due day has passed is refused: opening it would
    mark every unit overdue and escalate all of them within a minute."""
    if not coordination_access.may_issue_for(user, period_issuing_unit()):
        raise PermissionDenied(_("Chỉ Phòng Thông tin - Báo chí - Xuất bản được mở kỳ báo cáo."))
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Loại kỳ báo cáo không hợp lệ.")})
    if structure not in (Structure.Y2025, Structure.CURRENT):
        raise ValidationError({"structure": _("Cơ cấu đơn vị không hợp lệ.")})
    lookup = {"kind": kind, "year": year, "structure": structure}
    live = ReportingPeriod.objects.exclude(status=ReportingPeriod.Status.CANCELLED)
    period = live.select_for_update().filter(**lookup).first()
    if period is None:
        cutoff, due, _opening = schedule_for(kind).dates(year)
        try:
            with transaction.atomic():
                period = ReportingPeriod.objects.create(**lookup, cutoff_date=cutoff, due_date=due)
        except IntegrityError:  # opened at the same moment by someone else (or the scheduled job)
            period = live.select_for_update().get(**lookup)
    if period.directive_id or period.status != ReportingPeriod.Status.DRAFT:
        raise AlreadyDone(_("Kỳ báo cáo này đã được mở."))
    if due_date is not None:
        if due_date < period.cutoff_date:
            raise ValidationError({"due_date": _("Hạn gửi không được trước ngày chốt số liệu (%(d)s).")
                                   % {"d": period.cutoff_date.strftime("%d/%m/%Y")}})
        period.due_date = due_date
    if period.deadline <= timezone.now():
        raise ValidationError({"due_date": _(
            "Hạn gửi của kỳ này (%(d)s) đã qua: mở kỳ bây giờ sẽ đánh dấu mọi đơn vị trễ hạn và báo lên cấp trên "
            "ngay. Hãy chọn hạn gửi mới (từ hôm nay trở đi).") % {"d": period.due_date.strftime("%d/%m/%Y")}})
    snapshot = indicators_snapshot()
    if not snapshot:
        raise ValidationError(_("Chưa có chỉ tiêu báo cáo nào đang dùng."))
    period.indicators, period.status = snapshot, ReportingPeriod.Status.OPEN
    period.opened_at, period.opened_by = timezone.now(), user
    period.full_clean()
    period.save()
    return period


def period_directive_fields(period: ReportingPeriod) -> dict:
    """What `directive_create` needs for the directive carrying a period: every commune and, in a structure with
    districts (2025), every district, communes nested under their district; figures required, due at the end of
    the due day. In the current structure the communes report straight to the Department."""
    day = "%d/%m/%Y"
    dates = {"cutoff": period.cutoff_date.strftime(day), "due": period.due_date.strftime(day)}
    with_districts = org_selectors.structure_has_districts(period.structure)
    if with_districts:
        instructions = _(
            "<p>Các đơn vị báo cáo số liệu thông tin cơ sở tính đến ngày %(cutoff)s theo bộ chỉ tiêu của kỳ, "
            "gửi trước hết ngày %(due)s. Quận/huyện/thị xã xem xét báo cáo của các xã/phường trực thuộc, "
            "sau đó gửi báo cáo tổng hợp về Sở.</p>"
        ) % dates
    else:
        instructions = _(
            "<p>Các xã/phường báo cáo số liệu thông tin cơ sở tính đến ngày %(cutoff)s theo bộ chỉ tiêu của kỳ, "
            "gửi về Sở trước hết ngày %(due)s.</p>"
        ) % dates
    return {
        "issuing_unit": period_issuing_unit(),
        "title": period.title,
        "instructions": instructions,
        "urgency": Urgency.objects.get(code="thuong"),
        "deadline": period.deadline,
        "target_spec": {"sets": ["all_communes", "all_districts"] if with_districts else ["all_communes"],
                        "structure": period.structure},
        "relay_through_districts": with_districts,
        "report_requirements": [ReportRequirement.FIGURES],
    }


@transaction.atomic
def period_attach_directive(*, period: ReportingPeriod, directive: Directive) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.directive_id:
        raise AlreadyDone(_("Kỳ báo cáo này đã được mở."))
    period.directive = directive
    period.save(update_fields=["directive"])
    return period


@records_actor
@transaction.atomic
def period_close(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    """Mark the period finished (its directive is closed by the flow's close task)."""
    if not coordination_access.may_issue_for(user, period_issuing_unit()):
        raise PermissionDenied(_("Chỉ Phòng Thông tin - Báo chí - Xuất bản được kết thúc kỳ báo cáo."))
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status != ReportingPeriod.Status.OPEN:
        raise AlreadyDone(_("Kỳ báo cáo này không còn mở."))
    period.status, period.closed_at = ReportingPeriod.Status.CLOSED, timezone.now()
    period.save(update_fields=["status", "closed_at"])
    return period


def period_cancel_with_directive(*, directive: Directive, reason: str) -> None:
    """A period carried by a cancelled directive ends with it (and may be opened again). Called inside the
    directive's cancellation (coordination's `directive_cancelled`); saved one by one (there is at most one)
    so its history records the cancellation."""
    for period in ReportingPeriod.objects.filter(directive=directive).exclude(status=ReportingPeriod.Status.CLOSED):
        period.status, period.closed_at, period._change_reason = (
            ReportingPeriod.Status.CANCELLED, directive.closed_at, reason)
        period.save()


# --- unit reports -----------------------------------------------------------------------------------------------

EDITABLE = (Assignment.Status.RECEIVED, Assignment.Status.RETURNED)


def _period_of(assignment: Assignment) -> ReportingPeriod:
    period = period_for_directive(assignment.directive_id)
    if period is None:
        raise ValidationError(_("Nhiệm vụ này không thuộc kỳ báo cáo định kỳ."))
    return period


def is_aggregating(assignment: Assignment) -> bool:
    """A district reports the sums of its communes instead of entering figures."""
    return assignment.unit.kind == UnitKind.DISTRICT


def _report_locked(period: ReportingPeriod, assignment: Assignment) -> UnitReport:
    report, _created = UnitReport.objects.get_or_create(
        assignment=assignment, defaults={"period": period, "unit_id": assignment.unit_id})
    return UnitReport.objects.select_for_update().get(pk=report.pk)


def _editable_assignment(user: User, assignment: Assignment) -> tuple[Assignment, ReportingPeriod]:
    coordination_access.require(coordination_access.may_work_on(user, assignment),
                                _("Bạn chỉ được nhập báo cáo của đơn vị mình."))
    period = _period_of(assignment)
    assignment = Assignment.objects.select_for_update().select_related("unit", "directive").get(pk=assignment.pk)
    if assignment.status not in EDITABLE:
        raise AlreadyDone(_("Báo cáo đã được gửi hoặc nhiệm vụ đã kết thúc."))
    if period.status != ReportingPeriod.Status.OPEN:
        raise ValidationError(_("Kỳ báo cáo đã kết thúc."))
    return assignment, period


@records_actor
@transaction.atomic
def report_save_draft(*, assignment: Assignment, user: User, values: dict | None = None,
                      notes: str = "") -> UnitReport:
    """Keep what the unit has entered so far; only types and signs are checked."""
    assignment, period = _editable_assignment(user, assignment)
    report = _report_locked(period, assignment)
    if not is_aggregating(assignment):
        clean, errors = values_clean(period.indicators, values or {}, complete=False)
        if errors:
            raise ValidationError(errors)
        report.values = clean
    report.notes, report.updated_at, report.updated_by = notes.strip(), timezone.now(), user
    if report.status != UnitReport.Status.RETURNED:
        report.status = UnitReport.Status.DRAFT
    report.save()
    return report


@records_actor
@transaction.atomic
def report_submit(*, assignment: Assignment, user: User, values: dict | None = None, notes: str = "") -> UnitReport:
    """Validate everything and send the report up: the engine's assignment_report moves the assignment on
    (for a district, only when every commune is done). A district's figures are computed here from its
    accepted communes, never taken from the form."""
    assignment, period = _editable_assignment(user, assignment)
    if is_aggregating(assignment):
        clean = district_values(period, assignment.unit)
    else:
        clean, errors = values_clean(period.indicators, values or {}, complete=True)
        if errors:
            raise ValidationError(errors)
    assignment_report(assignment=assignment, user=user, text=notes, figures=clean)
    report = _report_locked(period, assignment)
    now = timezone.now()
    report.values, report.notes, report.status = clean, notes.strip(), UnitReport.Status.SUBMITTED
    report.submitted_at, report.submitted_by, report.updated_at, report.updated_by = now, user, now, user
    report.save()
    return report


@records_actor
@transaction.atomic
def report_review(*, assignment: Assignment, user: User, accept: bool, comment: str = "") -> UnitReport:
    """The reviewing unit (the district for its communes, the Department otherwise) accepts or returns."""
    assignment = assignment_review(assignment=assignment, user=user, accept=accept, comment=comment)
    report = UnitReport.objects.select_for_update().get(assignment=assignment)
    report.status = UnitReport.Status.ACCEPTED if accept else UnitReport.Status.RETURNED
    report.reviewed_at, report.reviewed_by = timezone.now(), user
    report.return_comment = "" if accept else comment.strip()
    report.save()
    return report


@records_actor
@transaction.atomic
def report_reopen(*, assignment: Assignment, user: User, comment: str) -> UnitReport:
    """A district sends a commune's accepted report back for correction, e.g. after the Department returned
    the district's totals; the totals follow once the commune's corrected report is accepted again."""
    period = _period_of(assignment)
    if period.status != ReportingPeriod.Status.OPEN:
        raise ValidationError(_("Kỳ báo cáo đã kết thúc."))
    assignment = assignment_reopen(assignment=assignment, user=user, comment=comment)
    report = UnitReport.objects.select_for_update().get(assignment=assignment)
    report.status, report.return_comment = UnitReport.Status.RETURNED, comment.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), user
    report.save()
    return report


__all__ = [
    "INDICATORS_FILE",
    "DEFAULT_SCHEDULES",
    "MAX_NUMBER",
    "MAX_DECIMAL_PLACES",
    "indicator_rows",
    "indicators_seed",
    "schedules_ensure",
    "reporting_reference_ensure",
    "indicators_snapshot",
    "TRUE_WORDS",
    "FALSE_WORDS",
    "values_clean",
    "period_issuing_unit",  # a read (selectors), kept here for the flows that open periods
    "schedule_for",
    "period_prepare",
    "period_directive_fields",
    "period_attach_directive",
    "period_close",
    "EDITABLE",
    "period_cancel_with_directive",
    "is_aggregating",
    "report_save_draft",
    "report_submit",
    "report_review",
    "report_reopen",
]


@dataclass
class PeriodsRetarget:
    periods: list[ReportingPeriod] = field(default_factory=list)  # now on the target structure
    conflicts: list[ReportingPeriod] = field(default_factory=list)  # the target has its own period of that kind/year
    reports_moved: int = 0
    reports_reopened: int = 0  # sent, but their (merged) assignment is back to a less advanced state


@transaction.atomic
def periods_retarget(*, source: str, target: str) -> PeriodsRetarget:
    """Open (and not yet opened) periods of `source` belong to `target` after a reorganisation: their reports
    follow their assignment to the successor unit (coordination.services.reorganisation moved those), the
    automatic calendar opens the next ones on `target`. Idempotent."""
    result = PeriodsRetarget()
    live = [ReportingPeriod.Status.DRAFT, ReportingPeriod.Status.OPEN]
    for period in ReportingPeriod.objects.select_for_update().filter(structure=source, status__in=live):
        if ReportingPeriod.objects.filter(kind=period.kind, year=period.year, structure=target).exclude(
                status=ReportingPeriod.Status.CANCELLED).exists():
            result.conflicts.append(period)
            continue
        period.structure = target
        period._change_reason = _("Sắp xếp đơn vị hành chính")
        period.save(update_fields=["structure"])
        result.periods.append(period)
    reports = (UnitReport.objects.select_for_update().filter(period__in=result.periods)
               .exclude(unit_id=F("assignment__unit_id")).select_related("assignment"))
    for report in reports:
        report.unit_id = report.assignment.unit_id
        if report.status == UnitReport.Status.SUBMITTED and report.assignment.status != Assignment.Status.REPORTED:
            report.status = UnitReport.Status.DRAFT
            result.reports_reopened += 1
        report.save(update_fields=["unit", "status"])
        result.reports_moved += 1
    ReportingSchedule.objects.filter(structure=source).update(structure=target)
    return result
