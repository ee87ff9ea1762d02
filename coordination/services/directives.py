"""Writes on directives and unit assignments. Each checks who may act (services, not only views) and
sends notifications through notifications.services.notify, which pushes after commit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.uploads import MB, upload_check
from notifications.services import notify
from org import selectors as org_selectors
from org.audit import records_actor
from org.models import Unit, UnitKind, User
from org.targets import TARGET_SETS, targets_resolve

from .. import access
from ..models import (
    Assignment,
    AssignmentEvent,
    AssignmentEvidence,
    DeadlinePolicy,
    Directive,
    DirectiveAttachment,
    ReportRequirement,
    Urgency,
)
from ..signals import directive_cancelled

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "table",
                "thead", "tbody", "tr", "td", "th"}

def sanitize_html(html: str) -> str:
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"})


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_UPLOAD_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt", "jpg", "jpeg", "png", "webp",
                             "mp3", "wav", "ogg", "m4a", "mp4", "webm")
BROADCAST_CHANNELS = {
    "loudspeaker": gettext_lazy("Đài truyền thanh cơ sở"),
    "ip_loudspeaker": gettext_lazy("Đài truyền thanh ứng dụng CNTT-VT"),
    "bulletin_board": gettext_lazy("Bảng tin công cộng"),
    "e_board": gettext_lazy("Bảng tin điện tử công cộng"),
    "zalo": gettext_lazy("Trang Zalo OA TTCS"),
    "web": gettext_lazy("Trang thông tin điện tử xã"),
}


def uploads_validate(files, field: str = "files") -> None:
    """Refuse the whole upload (nothing saved) when one file is too large, of a type we do not keep, or not what
    its extension says (common.uploads checks the content)."""
    for f in files or []:
        upload_check(f, allowed=ALLOWED_UPLOAD_EXTENSIONS, max_mb=MAX_UPLOAD_BYTES // MB, field=field)


class AlreadyDone(ValidationError):
    """The action already happened (a double click, a second tab): say so, change nothing."""


# --- targets -------------------------------------------------------------------------------------------------

# --- directive ------------------------------------------------------------------------------------------------

def user_can_issue(user: User, unit: Unit) -> bool:
    return org_selectors.user_can_act_for(user, unit) and unit.kind in (
        UnitKind.DEPARTMENT, UnitKind.DIVISION, UnitKind.BOARD, UnitKind.LEADERSHIP
    )


def user_can_approve(user: User) -> bool:
    return user.has_perm("coordination.approve_directive")


@records_actor
@transaction.atomic
def directive_create(
    *, user: User, issuing_unit: Unit, title: str, instructions: str, urgency: Urgency,
    target_spec: dict, deadline: datetime | None = None, report_requirements: list[str] | None = None,
    attachments: list | None = None, relay_through_districts: bool = False,
) -> Directive:
    if not user_can_issue(user, issuing_unit):
        raise PermissionDenied(_("Bạn không được ban hành văn bản thay đơn vị này."))
    requirements = report_requirements or [ReportRequirement.TEXT]
    if any(r not in ReportRequirement.values for r in requirements):
        raise ValidationError({"report_requirements": _("Yêu cầu báo cáo không hợp lệ.")})
    directive = Directive(
        title=title.strip(), instructions=sanitize_html(instructions), issuing_unit=issuing_unit, created_by=user,
        urgency=urgency, deadline=deadline or timezone.now() + timedelta(hours=urgency.sla_hours),
        target_spec=target_spec, report_requirements=requirements, status=Directive.Status.PENDING_APPROVAL,
        relay_through_districts=relay_through_districts,
    )
    directive.full_clean()
    if not targets_resolve(target_spec):
        raise ValidationError({"target_spec": _("Chưa chọn đơn vị nhận.")})
    uploads_validate(attachments, "attachments")
    directive.save()
    for f in attachments or []:
        DirectiveAttachment.objects.create(directive=directive, file=f, name=f.name[:255])
    return directive


@records_actor
@transaction.atomic
def directive_decide(*, directive: Directive, user: User, approve: bool, comment: str = "") -> Directive:
    """A leader approves the directive (it will be fanned out) or returns it with a comment."""
    if not user_can_approve(user):
        raise PermissionDenied(_("Chỉ lãnh đạo mới được duyệt văn bản chỉ đạo."))
    if directive.status != Directive.Status.PENDING_APPROVAL:
        raise AlreadyDone(_("Văn bản này đã được xử lý."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại.")})
    directive.status = Directive.Status.FANNING_OUT if approve else Directive.Status.RETURNED
    directive.approved_by, directive.approved_at = (user, timezone.now()) if approve else (None, None)
    directive.approval_comment = comment.strip()
    directive._change_reason = _("Lãnh đạo duyệt") if approve else _("Lãnh đạo trả lại")
    directive.save()
    return directive


@records_actor
@transaction.atomic
def directive_revise(*, directive: Directive, user: User, title: str, instructions: str,
                     deadline: datetime | None = None) -> Directive:
    if user != directive.created_by:
        raise PermissionDenied(_("Chỉ người soạn được sửa văn bản bị trả lại."))
    if directive.status != Directive.Status.RETURNED:
        raise AlreadyDone(_("Văn bản này đã được xử lý."))
    directive.title, directive.instructions = title.strip(), sanitize_html(instructions)
    if deadline:
        directive.deadline = deadline
    directive.status = Directive.Status.PENDING_APPROVAL
    directive.full_clean()
    directive._change_reason = _("Sửa và trình lại")
    directive.save()
    return directive


@records_actor
@transaction.atomic
def directive_close(*, directive: Directive, user: User, summary: str) -> Directive:
    if not org_selectors.user_can_act_for(user, directive.issuing_unit):
        raise PermissionDenied(_("Chỉ đơn vị ban hành được kết thúc văn bản."))
    if directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED).exists():
        raise ValidationError(_("Còn đơn vị chưa hoàn thành."))
    directive.summary, directive.status, directive.closed_at = summary.strip(), Directive.Status.CLOSED, timezone.now()
    directive.save()
    return directive


# --- assignments ------------------------------------------------------------------------------------------------

def assignments_create(directive: Directive, units: list[Unit], *, parent: Assignment | None = None,
                       actor: User | None = None) -> list[Assignment]:
    """One assignment per unit, skipping units that already have one for this directive (idempotent)."""
    have = set(directive.assignments.filter(unit__in=units).values_list("unit_id", flat=True))
    deadline = parent.deadline if parent else directive.deadline
    created = bulk_create_with_history(
        [Assignment(directive=directive, unit=u, parent=parent, deadline=deadline) for u in units if u.pk not in have],
        Assignment, default_user=actor,
    )
    AssignmentEvent.objects.bulk_create(
        [AssignmentEvent(assignment=a, kind=AssignmentEvent.Kind.CREATED, actor=actor) for a in created]
    )
    return created


def assignments_create_for_targets(directive: Directive, units: list[Unit], *,
                                   actor: User | None = None) -> list[Assignment]:
    """The fan-out's assignments. With `directive.relay_through_districts` (periodic reports), a commune whose
    district is also a target becomes a child of the district's assignment, as if the district had relayed it:
    the district reviews it and reports once its communes are done. Other units are top-level. Idempotent."""
    if not directive.relay_through_districts:
        return assignments_create(directive, units, actor=actor)
    targeted = {u.pk for u in units}
    nested = [u for u in units if u.kind == UnitKind.COMMUNE and u.parent_id in targeted]
    nested_ids = {u.pk for u in nested}
    created = assignments_create(directive, [u for u in units if u.pk not in nested_ids], actor=actor)
    parent_units = {u.parent_id for u in nested}
    parents = {a.unit_id: a for a in directive.assignments.filter(parent=None, unit_id__in=parent_units)}
    have = set(directive.assignments.filter(unit_id__in=nested_ids).values_list("unit_id", flat=True))
    children = bulk_create_with_history([
        Assignment(directive=directive, unit=u, parent=parents[u.parent_id], deadline=parents[u.parent_id].deadline)
        for u in nested if u.pk not in have
    ], Assignment, default_user=actor)
    relayed = {c.parent_id for c in children} - {p.pk for p in parents.values() if p.relayed}
    relaying = [p for p in parents.values() if p.pk in relayed]
    for p in relaying:
        p.relayed = True
    bulk_update_with_history(relaying, Assignment, ["relayed"], default_user=actor)
    AssignmentEvent.objects.bulk_create(
        [AssignmentEvent(assignment=a, kind=AssignmentEvent.Kind.CREATED, actor=actor) for a in children]
        + [AssignmentEvent(assignment_id=pk, kind=AssignmentEvent.Kind.RELAYED, actor=actor,
                           comment=_("Tự động giao cho các xã/phường trực thuộc")) for pk in sorted(relayed)]
    )
    return created + children


def assignments_notify_received(directive: Directive, assignments: list[Assignment]) -> None:
    level = "urgent" if directive.urgency.code in ("thuong_khan", "hoa_toc") else "info"
    notify(
        [a.unit for a in assignments], kind="directive_received",
        title=_("Văn bản chỉ đạo mới: %(title)s") % {"title": directive.title},
        body=_("Hạn: %(deadline)s") % {"deadline": timezone.localtime(directive.deadline).strftime("%d/%m/%Y %H:%M")},
        link=f"/coordination/directives/{directive.pk}/", level=level,
    )


def reviewer_unit(assignment: Assignment) -> Unit:
    """Who accepts a unit's report: the relaying unit for a relayed assignment, else the issuer."""
    return assignment.parent.unit if assignment.parent_id else assignment.directive.issuing_unit


def _require_unit_officer(user: User, assignment: Assignment) -> None:
    if not org_selectors.user_can_act_for(user, assignment.unit):
        raise PermissionDenied(_("Bạn không thuộc đơn vị được giao nhiệm vụ này."))


def _event(assignment: Assignment, kind: str, actor: User | None, comment: str = "", once_key: str | None = None):
    return AssignmentEvent.objects.create(assignment=assignment, kind=kind, actor=actor, comment=comment,
                                          once_key=once_key)


def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update().select_related("directive", "unit").get(pk=assignment.pk)


@records_actor
@transaction.atomic
def assignment_acknowledge(*, assignment: Assignment, user: User, planned_air_at: datetime | None = None) -> Assignment:
    """Record receipt ("đã nhận") once; a second click or a second officer gets AlreadyDone. For a normal
    bulletin the commune also says when it will air it (the SCHEDULE requirement)."""
    _require_unit_officer(user, assignment)
    assignment = _locked(assignment)
    if assignment.status != Assignment.Status.PENDING:
        raise AlreadyDone(_("Nhiệm vụ này đã được tiếp nhận."))
    if ReportRequirement.SCHEDULE in assignment.directive.report_requirements:
        if planned_air_at is None:
            raise ValidationError({"planned_air_at": _("Hãy chọn thời điểm dự kiến phát.")})
        assignment.report_figures = {**assignment.report_figures, "planned_air_at": planned_air_at.isoformat()}
    assignment.status, assignment.received_at, assignment.received_by = (
        Assignment.Status.RECEIVED, timezone.now(), user)
    assignment.assignee = assignment.assignee or user
    assignment.save()
    _event(assignment, AssignmentEvent.Kind.RECEIVED, user)
    return assignment


def officer_candidates(assignment: Assignment):
    """Who may be named for a unit's assignment: the active people of that unit."""
    return org_selectors.people_of_unit(assignment.unit)


@records_actor
@transaction.atomic
def assignment_name_officer(*, assignment: Assignment, user: User, officer: User) -> Assignment:
    """The issuer (or the relaying district) names the officer who handles a unit's assignment."""
    if not org_selectors.user_can_act_for(user, reviewer_unit(assignment)):
        raise PermissionDenied(_("Chỉ đơn vị giao việc được chỉ định người xử lý."))
    assignment = _locked(assignment)
    if assignment.is_closed:
        raise AlreadyDone(_("Nhiệm vụ này đã kết thúc."))
    if not officer_candidates(assignment).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("Người được chỉ định phải thuộc đơn vị nhận nhiệm vụ.")})
    assignment.assignee = officer
    assignment.save(update_fields=["assignee"])
    _event(assignment, AssignmentEvent.Kind.NAMED, user, comment=str(officer))
    return assignment


def relay_candidates(assignment: Assignment) -> list[Unit]:
    return list(org_selectors.units_under(assignment.unit).filter(kind=UnitKind.COMMUNE).order_by("path"))


@records_actor
@transaction.atomic
def assignment_relay(*, assignment: Assignment, user: User, units: list[Unit]) -> list[Assignment]:
    """A district passes the work to its communes: child assignments of the same directive."""
    _require_unit_officer(user, assignment)
    assignment = _locked(assignment)
    if assignment.status not in (Assignment.Status.RECEIVED, Assignment.Status.RETURNED):
        raise ValidationError(_("Hãy tiếp nhận nhiệm vụ trước khi giao cho cấp dưới."))
    allowed = {u.pk for u in relay_candidates(assignment)}
    if not units or any(u.pk not in allowed for u in units):
        raise ValidationError({"units": _("Chỉ giao được cho xã/phường trực thuộc.")})
    children = assignments_create(assignment.directive, units, parent=assignment, actor=user)
    assignment.relayed = True
    assignment.save(update_fields=["relayed"])
    _event(assignment, AssignmentEvent.Kind.RELAYED, user, comment=", ".join(u.name for u in units))
    return children


@dataclass(frozen=True)
class Rollup:
    total: int
    received: int
    done: int
    cancelled: int
    late: int

    @property
    def open(self) -> int:
        return self.total - self.done - self.cancelled


def assignment_rollup(assignment: Assignment, now: datetime | None = None) -> Rollup:
    now = now or timezone.now()
    children = list(assignment.children.all())
    return Rollup(
        total=len(children),
        received=sum(1 for c in children if c.received_at),
        done=sum(1 for c in children if c.status == Assignment.Status.ACCEPTED),
        cancelled=sum(1 for c in children if c.status == Assignment.Status.CANCELLED),
        late=sum(1 for c in children if c.late_by(now)),
    )


@records_actor
@transaction.atomic
def assignment_report(*, assignment: Assignment, user: User, text: str, figures: dict | None = None,
                      files: list | None = None, broadcast: dict | None = None) -> Assignment:
    """Submit the unit's report: what the directive asked for (text, figures, files, broadcast confirmation)."""
    _require_unit_officer(user, assignment)
    assignment = _locked(assignment)
    if assignment.status not in (Assignment.Status.RECEIVED, Assignment.Status.RETURNED):
        raise AlreadyDone(_("Báo cáo đã được gửi hoặc nhiệm vụ đã kết thúc."))
    figures = dict(figures or {})
    if assignment.relayed:
        rollup = assignment_rollup(assignment)
        if rollup.open:
            raise ValidationError(_("Còn %(n)s đơn vị cấp dưới chưa hoàn thành.") % {"n": rollup.open})
        figures.update({"children_total": rollup.total, "children_received": rollup.received,
                        "children_done": rollup.done, "children_late": rollup.late})
    _check_report_requirements(assignment, text=text, figures=figures, files=files, broadcast=broadcast)
    if broadcast:
        figures["broadcast"] = broadcast
    assignment.report_text, assignment.report_figures = sanitize_html(text), figures
    assignment.status, assignment.reported_at = Assignment.Status.REPORTED, timezone.now()
    assignment.save()
    for f in files or []:
        AssignmentEvidence.objects.create(assignment=assignment, file=f, name=f.name[:255], uploaded_by=user)
    _event(assignment, AssignmentEvent.Kind.REPORTED, user)
    return assignment


def _check_report_requirements(assignment: Assignment, *, text: str, figures: dict, files, broadcast) -> None:
    required = set(assignment.directive.report_requirements)
    errors = {}
    if ReportRequirement.TEXT in required and not (text or "").strip():
        errors["text"] = _("Hãy nhập nội dung báo cáo.")
    if ReportRequirement.FIGURES in required and not figures:
        errors["figures"] = _("Hãy nhập số liệu.")
    if ReportRequirement.FILES in required and not files and not assignment.evidence.exists():
        errors["files"] = _("Hãy đính kèm tệp minh chứng.")
    if ReportRequirement.BROADCAST in required:
        channels = (broadcast or {}).get("channels") or []
        if not channels or any(c not in BROADCAST_CHANNELS for c in channels):
            errors["channels"] = _("Hãy chọn kênh đã phát.")
        if not (broadcast or {}).get("aired_at"):
            errors["aired_at"] = _("Hãy nhập thời điểm phát.")
        if int((broadcast or {}).get("repetitions") or 0) < 1:
            errors["repetitions"] = _("Số lần phát phải từ 1 trở lên.")
    if errors:
        raise ValidationError(errors)
    uploads_validate(files)


@records_actor
@transaction.atomic
def assignment_review(*, assignment: Assignment, user: User, accept: bool, comment: str = "") -> Assignment:
    if not org_selectors.user_can_act_for(user, reviewer_unit(assignment)):
        raise PermissionDenied(_("Bạn không được duyệt báo cáo này."))
    assignment = _locked(assignment)
    if assignment.status != Assignment.Status.REPORTED:
        raise AlreadyDone(_("Báo cáo này đã được xử lý."))
    if not accept and not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại.")})
    if accept:
        assignment.status, assignment.closed_at = Assignment.Status.ACCEPTED, timezone.now()
    else:
        assignment.status, assignment.return_comment = Assignment.Status.RETURNED, comment.strip()
    assignment.save()
    _event(assignment, AssignmentEvent.Kind.ACCEPTED if accept else AssignmentEvent.Kind.RETURNED, user, comment)
    _notify_review(assignment, user, accept=accept, comment=comment)
    return assignment


def _notify_review(assignment: Assignment, user: User, *, accept: bool, comment: str) -> None:
    notify(
        [assignment.unit], kind="report_accepted" if accept else "report_returned", actor=user,
        title=(_("Báo cáo được chấp nhận: %(t)s") if accept else _("Báo cáo bị trả lại: %(t)s"))
        % {"t": assignment.directive.title},
        body=comment, link=f"/coordination/assignments/{assignment.pk}/",
        level="info" if accept else "warning",
    )


@records_actor
@transaction.atomic
def assignment_reopen(*, assignment: Assignment, user: User, comment: str) -> Assignment:
    """The relaying unit returns a child it had accepted: the child reports again, and the relaying unit's own
    report waits for it (as for any open child). Raises when the relaying unit has already sent its report."""
    if not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại.")})
    if assignment.parent_id is None or not org_selectors.user_can_act_for(user, assignment.parent.unit):
        raise PermissionDenied(_("Chỉ đơn vị đã giao tiếp nhiệm vụ này được trả lại báo cáo đã chấp nhận."))
    parent, assignment = _locked(assignment.parent), _locked(assignment)
    if assignment.status != Assignment.Status.ACCEPTED:
        raise AlreadyDone(_("Báo cáo này không ở trạng thái đã chấp nhận."))
    if parent.status not in (Assignment.Status.RECEIVED, Assignment.Status.RETURNED):
        raise ValidationError(_("Đơn vị đã gửi báo cáo của mình lên cấp trên: chỉ trả lại được báo cáo cấp dưới "
                                "khi báo cáo đó chưa gửi hoặc bị trả lại."))
    assignment.status, assignment.return_comment, assignment.closed_at = (
        Assignment.Status.RETURNED, comment.strip(), None)
    assignment.save()
    _event(assignment, AssignmentEvent.Kind.RETURNED, user, comment)
    _notify_review(assignment, user, accept=False, comment=comment)
    return assignment


def user_can_cancel(user: User, assignment: Assignment) -> bool:
    return org_selectors.user_can_act_for(user, reviewer_unit(assignment))


@records_actor
@transaction.atomic
def assignment_cancel(*, assignment: Assignment, user: User | None, reason: str) -> list[Assignment]:
    """Cancel one unit's assignment and everything relayed from it. Returns what was cancelled."""
    if user is not None and not user_can_cancel(user, assignment):
        raise PermissionDenied(_("Bạn không được hủy nhiệm vụ này."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do hủy.")})
    return _cancel_cascade(assignment, user, reason)


def _cancel_cascade(assignment: Assignment, actor: User | None, reason: str) -> list[Assignment]:
    cancelled = []
    stack = [assignment]
    while stack:
        current = _locked(stack.pop())
        if current.is_closed:
            continue
        current.status, current.cancel_reason, current.closed_at = (
            Assignment.Status.CANCELLED, reason.strip(), timezone.now())
        current._change_reason = reason.strip()
        current.save()
        _event(current, AssignmentEvent.Kind.CANCELLED, actor, reason)
        cancelled.append(current)
        stack.extend(current.children.all())
    if cancelled:
        notify([a.unit for a in cancelled], kind="directive_received", actor=actor, level="warning",
               title=_("Nhiệm vụ đã bị hủy: %(t)s") % {"t": assignment.directive.title}, body=reason,
               link=f"/coordination/assignments/{assignment.pk}/")
    return cancelled


@records_actor
@transaction.atomic
def directive_cancel(*, directive: Directive, user: User, reason: str) -> list[Assignment]:
    # Decide on the stored status: the caller's copy may predate the fan-out's UPDATE (approved → in progress)
    directive.refresh_from_db()
    if not access.can_cancel(user, directive):
        raise PermissionDenied(_("Bạn không được hủy văn bản này."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do hủy.")})
    cancelled = []
    for top in directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED):
        cancelled += _cancel_cascade(top, user, reason)
    directive.status, directive.cancel_reason, directive.closed_at = (
        Directive.Status.CANCELLED, reason.strip(), timezone.now())
    directive.cancelled_by = user
    directive._change_reason = reason.strip()
    directive.save()
    # In this transaction: what rides on the directive (a reporting period) ends with it.
    directive_cancelled.send(sender=Directive, directive=directive, user=user, reason=reason.strip())
    return cancelled


# --- deadlines ------------------------------------------------------------------------------------------------

def deadline_policy() -> DeadlinePolicy:
    return DeadlinePolicy.objects.order_by("pk").first() or DeadlinePolicy()


def _once(assignment: Assignment, kind: str, key: str, comment: str = "") -> bool:
    """Record an event at most once per key; True only for the call that recorded it."""
    _obj, created = AssignmentEvent.objects.get_or_create(
        assignment=assignment, once_key=key, defaults={"kind": kind, "comment": comment}
    )
    return created


@dataclass
class DeadlineScan:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0


def deadlines_scan(now: datetime | None = None) -> DeadlineScan:
    """Reminders before the deadline, overdue marking, escalation (unit leaders → parent unit → issuer).
    Runs every minute; each step happens once per assignment (unique once_key)."""
    now = now or timezone.now()
    policy = deadline_policy()
    result = DeadlineScan()
    open_qs = Assignment.objects.exclude(status__in=Assignment.CLOSED + (Assignment.Status.REPORTED,)).select_related(
        "directive", "unit", "parent__unit", "directive__issuing_unit")
    horizon = max(policy.reminder_offsets or [0])
    due_soon = list(open_qs.filter(deadline__gt=now, deadline__lte=now + timedelta(hours=horizon)))
    late = list(open_qs.filter(deadline__lte=now))
    # One query for what already happened, so a minute with nothing new costs two queries, not five per unit.
    done = set(AssignmentEvent.objects.filter(assignment__in=due_soon + late, once_key__isnull=False)
               .values_list("assignment_id", "once_key"))
    for assignment in due_soon:
        due_in = assignment.deadline - now
        passed = [h for h in policy.reminder_offsets if due_in <= timedelta(hours=h)]
        if passed and (assignment.pk, f"remind:{min(passed)}") not in done and _remind(assignment, min(passed)):
            result.reminded += 1
    for assignment in late:
        steps = [key for key in _late_steps(assignment, now, policy) if (assignment.pk, key) not in done]
        if not steps:
            continue
        with transaction.atomic():
            if "overdue" in steps:
                result.overdue += _mark_overdue(assignment, now)
            result.escalated += _escalate(assignment, [s for s in steps if s != "overdue"])
    return result


def _late_steps(assignment: Assignment, now: datetime, policy: DeadlinePolicy) -> list[str]:
    """The once-keys due for a late assignment: overdue, then escalation to leaders, parent unit, issuer."""
    late = now - assignment.deadline
    steps = ["overdue", "escalate:leaders"]
    if late >= timedelta(hours=policy.escalate_parent_after_hours):
        steps.append("escalate:parent")
    if late >= timedelta(hours=policy.escalate_issuer_after_hours):
        steps.append("escalate:issuer")
    return steps


def _title(assignment: Assignment) -> str:
    return assignment.directive.title


def _remind(assignment: Assignment, hours: int) -> bool:
    with transaction.atomic():
        if not _once(assignment, AssignmentEvent.Kind.REMINDED, f"remind:{hours}"):
            return False
        notify([assignment.assignee] if assignment.assignee else [assignment.unit], kind="due_soon", level="warning",
               title=_("Sắp đến hạn (%(h)s giờ): %(t)s") % {"h": hours, "t": _title(assignment)},
               link=f"/coordination/assignments/{assignment.pk}/", dedupe_key=f"remind:{assignment.pk}:{hours}")
        return True


def _mark_overdue(assignment: Assignment, now: datetime) -> int:
    if not _once(assignment, AssignmentEvent.Kind.OVERDUE, "overdue"):
        return 0
    # Saved on a fresh row (not the scan's possibly stale copy) so the history snapshot is true.
    fresh = Assignment.objects.get(pk=assignment.pk)
    fresh.overdue_since, fresh._change_reason = assignment.deadline, _("Quá hạn")
    fresh.save(update_fields=["overdue_since"])
    notify([assignment.unit], kind="overdue", level="urgent",
           title=_("Quá hạn: %(t)s") % {"t": _title(assignment)},
           link=f"/coordination/assignments/{assignment.pk}/", dedupe_key=f"overdue:{assignment.pk}")
    return 1


def _escalate(assignment: Assignment, keys: list[str]) -> int:
    """Tell the next people up, once per step. A step with nobody to tell is recorded all the same, so the
    next minute does not look again."""
    count = 0
    for key in keys:
        step = key.split(":", 1)[1]
        recipients = _escalation_recipients(assignment, step)
        if not _once(assignment, AssignmentEvent.Kind.ESCALATED, key, step if recipients else f"{step}: —"):
            continue
        if not recipients:
            continue
        notify(recipients, kind="escalation", level="urgent",
               title=_("%(unit)s quá hạn: %(t)s") % {"unit": assignment.unit.name, "t": _title(assignment)},
               link=f"/coordination/assignments/{assignment.pk}/", dedupe_key=f"escalate:{assignment.pk}:{step}")
        count += 1
    return count


def _escalation_recipients(assignment: Assignment, step: str) -> list:
    if step == "leaders":
        return list(org_selectors.people_of_unit(assignment.unit, leaders_only=True))
    if step == "parent":
        parent = assignment.parent.unit if assignment.parent_id else assignment.unit.parent
        return [parent] if parent and parent.kind != UnitKind.CITY else []
    return [assignment.directive.issuing_unit]



URGENCY_DEFAULTS = [("thuong", "Thường", 168, 0), ("khan", "Khẩn", 48, 1), ("thuong_khan", "Thượng khẩn", 24, 2),
                    ("hoa_toc", "Hỏa tốc", 4, 3)]


def reference_data_ensure() -> None:
    """Default urgencies and deadline policy (also created by migration 0002); existing rows are kept."""
    for code, name, hours, rank in URGENCY_DEFAULTS:
        Urgency.objects.get_or_create(code=code, defaults={"name": name, "sla_hours": hours, "rank": rank})
    if not DeadlinePolicy.objects.exists():
        DeadlinePolicy.objects.create()


__all__ = [
    "ALLOWED_TAGS",
    "sanitize_html",
    "MAX_UPLOAD_BYTES",
    "ALLOWED_UPLOAD_EXTENSIONS",
    "BROADCAST_CHANNELS",
    "uploads_validate",
    "AlreadyDone",
    "user_can_issue",
    "user_can_approve",
    "directive_create",
    "directive_decide",
    "directive_revise",
    "directive_close",
    "assignments_create",
    "assignments_create_for_targets",
    "assignments_notify_received",
    "reviewer_unit",
    "assignment_acknowledge",
    "relay_candidates",
    "officer_candidates",
    "assignment_name_officer",
    "assignment_relay",
    "Rollup",
    "assignment_rollup",
    "assignment_report",
    "assignment_review",
    "assignment_reopen",
    "user_can_cancel",
    "assignment_cancel",
    "directive_cancel",
    "deadline_policy",
    "DeadlineScan",
    "deadlines_scan",
    "URGENCY_DEFAULTS",
    "reference_data_ensure",
    "TARGET_SETS",
    "targets_resolve",
]
