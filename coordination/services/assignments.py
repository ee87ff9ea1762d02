"""A unit's share of a directive: created at the fan-out (or by a relay), acknowledged, reported, reviewed,
reopened, cancelled. Who may do each is coordination.access's; reads (candidates, the relayed children's
rollup) are coordination.selectors'."""

import copy
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history, get_change_reason_from_object

from common import bulk
from common.errors import AlreadyDone
from common.html import sanitize_html
from notifications.models import Kind, Level
from notifications.services import notify
from org.audit import records_actor
from org.models import Unit, UnitKind, User

from .. import access, selectors
from ..models import Assignment, AssignmentEvent, AssignmentEvidence, Directive, ReportRequirement
from ..uploads import uploads_validate

BROADCAST_CHANNELS = {
    "loudspeaker": gettext_lazy("Đài truyền thanh cơ sở"),
    "ip_loudspeaker": gettext_lazy("Đài truyền thanh ứng dụng CNTT-VT"),
    "bulletin_board": gettext_lazy("Bảng tin công cộng"),
    "e_board": gettext_lazy("Bảng tin điện tử công cộng"),
    "zalo": gettext_lazy("Trang Zalo OA TTCS"),
    "web": gettext_lazy("Trang thông tin điện tử xã"),
}


def assignments_create(directive: Directive, units: list[Unit], *, parent: Assignment | None = None,
                       actor: User | None = None, orm: bool = False) -> list[Assignment]:
    """One assignment per unit, skipping units that already have one for this directive (idempotent)."""
    return _assignments_write(directive, [(u, parent) for u in units], actor=actor, orm=orm)


def _assignments_write(directive: Directive, pairs: list[tuple[Unit, Assignment | None]], *, actor: User | None,
                       orm: bool = False) -> list[Assignment]:
    """An assignment per (unit, parent) whose unit has none for the directive yet, with its history row
    ("+", in `actor`'s name) and its CREATED event, in the order given. On PostgreSQL one statement writes
    the three tables (common/bulk.py), elsewhere (or with `orm=True`) bulk_create_with_history and
    bulk_create do; tests/coordination/test_assignments_bulk.py compares the two paths row by row."""
    if not pairs:
        return []
    if orm or not bulk.supported():
        have = set(directive.assignments.filter(unit__in=[u for u, _ in pairs]).values_list("unit_id", flat=True))
        created = bulk_create_with_history(
            [Assignment(directive=directive, unit=u, parent=p, deadline=p.deadline if p else directive.deadline)
             for u, p in pairs if u.pk not in have],
            Assignment, default_user=actor,
        )
        AssignmentEvent.objects.bulk_create(
            [AssignmentEvent(assignment=a, kind=AssignmentEvent.Kind.CREATED, actor=actor) for a in created])
        return created
    return _assignments_insert(directive, pairs, actor=actor)


def _assignments_insert(directive: Directive, pairs: list[tuple[Unit, Assignment | None]], *,
                        actor: User | None) -> list[Assignment]:
    template = Assignment(directive=directive, deadline=directive.deadline)
    history = Assignment.history.model
    record = history(
        history_date=timezone.now(), history_type="+",
        history_user=actor or history.get_default_history_user(template),
        history_change_reason=get_change_reason_from_object(template) or None,
        **{f.attname: getattr(template, f.attname) for f in history.tracked_fields})
    event = AssignmentEvent(kind=AssignmentEvent.Kind.CREATED, actor=actor)
    rows = {"id": "s.id", "unit_id": "s.unit_id", "parent_id": "s.parent_id", "deadline": "s.deadline"}
    inserts = [bulk.insert_select(template, "s", rows), bulk.insert_select(event, "s", {"assignment_id": "s.id"})]
    if getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        inserts.append(bulk.insert_select(record, "s", rows))
    meta = Assignment._meta
    head = (
        f"s AS MATERIALIZED (SELECT x.*, {bulk.sequence_of(Assignment)} AS id"
        f" FROM unnest(%s::bigint[], %s::bigint[], %s::{bulk.sql_type(meta.get_field('deadline'))}[])"
        " WITH ORDINALITY AS x(unit_id, parent_id, deadline, ord)"
        f" WHERE NOT EXISTS (SELECT 1 FROM {bulk.qn(meta.db_table)} a"
        " WHERE a.directive_id = %s AND a.unit_id = x.unit_id) ORDER BY x.ord)")
    head_params = [[u.pk for u, _p in pairs], [p.pk if p else None for _u, p in pairs],
                   [p.deadline if p else directive.deadline for _u, p in pairs], directive.pk]
    sql, params = bulk.statement(head, head_params, inserts, "SELECT ord, id FROM s ORDER BY ord")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.fetchall()
    # The objects bulk_create would return, built as a query's rows are (positional values, no defaults run).
    names = [f.attname for f in meta.concrete_fields]
    base = [getattr(template, name) for name in names]
    json = [i for i, value in enumerate(base) if isinstance(value, dict | list)]
    at = {name: names.index(name) for name in ("id", "unit_id", "parent_id", "deadline")}
    created = []
    for ord_, pk in written:
        unit, parent = pairs[ord_ - 1]
        values = base.copy()
        for i in json:
            values[i] = copy.deepcopy(base[i])
        values[at["id"]], values[at["unit_id"]] = pk, unit.pk
        if parent is not None:
            values[at["parent_id"]], values[at["deadline"]] = parent.pk, parent.deadline
        obj = Assignment.from_db(connection.alias, names, values)
        obj.directive, obj.unit = directive, unit
        if parent is not None:
            obj.parent = parent
        created.append(obj)
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
    children = _assignments_write(directive, [(u, parents[u.parent_id]) for u in nested], actor=actor)
    relayed = {c.parent_id for c in children} - {p.pk for p in parents.values() if p.relayed}
    relaying = [p for p in parents.values() if p.pk in relayed]
    for p in relaying:
        p.relayed = True
    bulk_update_with_history(relaying, Assignment, ["relayed"], default_user=actor)
    AssignmentEvent.objects.bulk_create(
        [AssignmentEvent(assignment_id=pk, kind=AssignmentEvent.Kind.RELAYED, actor=actor,
                         comment=_("Tự động giao cho các xã/phường trực thuộc")) for pk in sorted(relayed)]
    )
    return created + children


def assignments_notify_received(directive: Directive, assignments: list[Assignment]) -> None:
    """Rule D3 (workflows/signals.py): tell the units their new assignments have come, once each (urgent for
    the two most urgent levels; a hỏa tốc broadcast, an emergency bulletin's, is an emergency notice)."""
    level = Level.URGENT if directive.urgency.code in ("thuong_khan", "hoa_toc") else Level.INFO
    emergency = directive.urgency.code == "hoa_toc" and ReportRequirement.BROADCAST in (directive.report_requirements
                                                                                       or [])
    notify(
        [a.unit for a in assignments], kind=Kind.EMERGENCY if emergency else Kind.DIRECTIVE_RECEIVED,
        title=(_("TIN KHẨN CẤP: %(title)s") if emergency else _("Văn bản chỉ đạo mới: %(title)s"))
        % {"title": directive.title},
        body=_("Hạn: %(deadline)s") % {"deadline": timezone.localtime(directive.deadline).strftime("%d/%m/%Y %H:%M")},
        link=reverse("work:directive_open", args=[directive.pk]), level=level,
    )


def assignment_link(assignment: Assignment) -> str:
    """Where a notification about an assignment takes its reader: the inbox's link that opens the reader's task
    on it (report, review…), or the assignment's page when they have none (workflows/inbox_pages.py)."""
    return reverse("work:assignment_open", args=[assignment.pk])


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
    access.require_unit_officer(user, assignment)
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


@records_actor
@transaction.atomic
def assignment_name_officer(*, assignment: Assignment, user: User, officer: User) -> Assignment:
    """The issuer (or the relaying district) names the officer who handles a unit's assignment."""
    access.require(access.may_name_officer(user, assignment), _("Chỉ đơn vị giao việc được chỉ định người xử lý."))
    assignment = _locked(assignment)
    if assignment.is_closed:
        raise AlreadyDone(_("Nhiệm vụ này đã kết thúc."))
    if not selectors.officer_candidates(assignment).filter(pk=officer.pk).exists():
        raise ValidationError({"officer": _("Người được chỉ định phải thuộc đơn vị nhận nhiệm vụ.")})
    assignment.assignee = officer
    assignment.save(update_fields=["assignee"])
    _event(assignment, AssignmentEvent.Kind.NAMED, user, comment=str(officer))
    return assignment


@records_actor
@transaction.atomic
def assignment_relay(*, assignment: Assignment, user: User, units: list[Unit]) -> list[Assignment]:
    """A district passes the work to its communes: child assignments of the same directive."""
    access.require_unit_officer(user, assignment)
    assignment = _locked(assignment)
    if assignment.status not in (Assignment.Status.RECEIVED, Assignment.Status.RETURNED):
        raise ValidationError(_("Hãy tiếp nhận nhiệm vụ trước khi giao cho cấp dưới."))
    allowed = {u.pk for u in selectors.relay_candidates(assignment)}
    if not units or any(u.pk not in allowed for u in units):
        raise ValidationError({"units": _("Chỉ giao được cho xã/phường trực thuộc.")})
    children = assignments_create(assignment.directive, units, parent=assignment, actor=user)
    assignment.relayed = True
    assignment.save(update_fields=["relayed"])
    _event(assignment, AssignmentEvent.Kind.RELAYED, user, comment=", ".join(u.name for u in units))
    return children



@records_actor
@transaction.atomic
def assignment_report(*, assignment: Assignment, user: User, text: str, figures: dict | None = None,
                      files: list | None = None, broadcast: dict | None = None) -> Assignment:
    """Submit the unit's report: what the directive asked for (text, figures, files, broadcast confirmation)."""
    access.require_unit_officer(user, assignment)
    return _report(assignment, user, text=text, figures=figures, files=files, broadcast=broadcast)


@transaction.atomic
def assignment_report_by_device(*, assignment: Assignment, account: User, text: str, broadcast: dict,
                                files: list | None = None) -> Assignment:
    """A machine confirms the unit's broadcast: the play logs of its loudspeaker clusters covered what was
    asked (workflows.broadcasts decides that), or a commune's own software reported it through the API.
    `account` is the automatic account (org.services.machine_user), never an officer."""
    return _report(assignment, account, text=text, figures=None, files=files, broadcast=broadcast,
                   comment=_("Xác nhận tự động: %(how)s") % {"how": text})


def _report(assignment: Assignment, user: User, *, text: str, figures: dict | None, files: list | None,
            broadcast: dict | None, comment: str = "") -> Assignment:
    assignment = _locked(assignment)
    if assignment.status not in (Assignment.Status.RECEIVED, Assignment.Status.RETURNED):
        raise AlreadyDone(_("Báo cáo đã được gửi hoặc nhiệm vụ đã kết thúc."))
    figures = dict(figures or {})
    if assignment.relayed:
        rollup = selectors.assignment_rollup(assignment)
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
    _event(assignment, AssignmentEvent.Kind.REPORTED, user, comment)
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
    access.require(access.may_review(user, assignment), _("Bạn không được duyệt báo cáo này."))
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
        [assignment.unit], kind=Kind.REPORT_ACCEPTED if accept else Kind.REPORT_RETURNED, actor=user,
        title=(_("Báo cáo được chấp nhận: %(t)s (%(u)s)") if accept else _("Báo cáo bị trả lại: %(t)s (%(u)s)"))
        % {"t": assignment.directive.title, "u": assignment.unit.name},
        body=comment, link=assignment_link(assignment),
        level=Level.INFO if accept else Level.WARNING,
    )


@records_actor
@transaction.atomic
def assignment_reopen(*, assignment: Assignment, user: User, comment: str) -> Assignment:
    """The relaying unit returns a child it had accepted: the child reports again, and the relaying unit's own
    report waits for it (as for any open child). Raises when the relaying unit has already sent its report."""
    if not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại.")})
    access.require(access.may_reopen(user, assignment),
                   _("Chỉ đơn vị đã giao tiếp nhiệm vụ này được trả lại báo cáo đã chấp nhận."))
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


@records_actor
@transaction.atomic
def assignment_cancel(*, assignment: Assignment, user: User | None, reason: str) -> list[Assignment]:
    """Cancel one unit's assignment and everything relayed from it. Returns what was cancelled."""
    if user is not None:
        access.require(access.may_cancel_assignment(user, assignment), _("Bạn không được hủy nhiệm vụ này."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do hủy.")})
    return assignments_cancel_cascade(assignment, user, reason)


def assignments_cancel_cascade(assignment: Assignment, actor: User | None, reason: str) -> list[Assignment]:
    """Cancel an open assignment and, below it, everything relayed from it; each unit is told once."""
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
        notify([a.unit for a in cancelled], kind=Kind.ASSIGNMENT_CANCELLED, actor=actor, level=Level.WARNING,
               title=_("Nhiệm vụ đã bị hủy: %(t)s") % {"t": assignment.directive.title}, body=reason,
               link=assignment_link(assignment))
    return cancelled

