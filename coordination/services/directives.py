"""The directive's own life: compose, approve or return, revise, close with a summary, cancel (with everything
assigned under it). Who may do each is coordination.access's; the assignments are assignments.py's."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from common.html import sanitize_html
from notifications.models import Kind
from notifications.services import notify
from org import selectors as org_selectors
from org.audit import records_actor
from org.models import Unit, User
from org.targets import targets_resolve

from .. import access
from ..models import Assignment, Directive, DirectiveAttachment, ReportRequirement, Urgency
from ..signals import directive_cancelled
from ..uploads import uploads_validate
from .assignments import assignments_cancel_cascade


@records_actor
@transaction.atomic
def directive_create(
    *, user: User, issuing_unit: Unit, title: str, instructions: str, urgency: Urgency,
    target_spec: dict, deadline: datetime | None = None, report_requirements: list[str] | None = None,
    attachments: list | None = None, relay_through_districts: bool = False,
) -> Directive:
    access.require(access.may_issue_for(user, issuing_unit), _("Bạn không được ban hành văn bản thay đơn vị này."))
    requirements = report_requirements or [ReportRequirement.TEXT]
    # the spec names its structure (the one in force unless told), so that it resolves there for good
    target_spec = {**(target_spec or {}), "structure": (target_spec or {}).get("structure")
                   or org_selectors.structure_in_force()}
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
def directive_decide(*, directive: Directive, user: User, approve: bool, comment: str = "",
                     announce: bool = True) -> Directive:
    """A leader approves the directive (it will be fanned out) or returns it with a comment. An approval tells
    the drafter (rule D2 of workflows/signals.py) unless `announce=False` (an approval that runs by itself: a
    published bulletin's broadcast)."""
    access.require(access.may_approve(user), _("Chỉ lãnh đạo mới được duyệt văn bản chỉ đạo."))
    if directive.status != Directive.Status.PENDING_APPROVAL:
        raise AlreadyDone(_("Văn bản này đã được xử lý."))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại.")})
    directive.status = Directive.Status.FANNING_OUT if approve else Directive.Status.RETURNED
    directive.approved_by, directive.approved_at = (user, timezone.now()) if approve else (None, None)
    directive.approval_comment = comment.strip()
    directive._change_reason = _("Lãnh đạo duyệt") if approve else _("Lãnh đạo trả lại")
    directive.save()
    if approve and announce:
        notify([directive.created_by], kind=Kind.DIRECTIVE_APPROVED, actor=user,
               title=_("Văn bản chỉ đạo đã được duyệt và gửi đi: %(t)s") % {"t": directive.title},
               body=comment.strip(), link=reverse("coordination:directive_detail", args=[directive.pk]))
    return directive


@records_actor
@transaction.atomic
def directive_revise(*, directive: Directive, user: User, title: str, instructions: str,
                     deadline: datetime | None = None) -> Directive:
    access.require(access.may_revise(user, directive), _("Chỉ người soạn được sửa văn bản bị trả lại."))
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
    access.require(access.may_close(user, directive), _("Chỉ đơn vị ban hành được kết thúc văn bản."))
    if directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED).exists():
        raise ValidationError(_("Còn đơn vị chưa hoàn thành."))
    directive.summary, directive.status, directive.closed_at = summary.strip(), Directive.Status.CLOSED, timezone.now()
    directive.save()
    return directive



@records_actor
@transaction.atomic
def directive_cancel(*, directive: Directive, user: User, reason: str) -> list[Assignment]:
    # Decide on the stored status: the caller's copy may predate the fan-out's UPDATE (approved → in progress)
    directive.refresh_from_db()
    access.require(access.can_cancel(user, directive), _("Bạn không được hủy văn bản này."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do hủy.")})
    cancelled = []
    for top in directive.assignments.filter(parent=None).exclude(status__in=Assignment.CLOSED):
        cancelled += assignments_cancel_cascade(top, user, reason)
    directive.status, directive.cancel_reason, directive.closed_at = (
        Directive.Status.CANCELLED, reason.strip(), timezone.now())
    directive.cancelled_by = user
    directive._change_reason = reason.strip()
    directive.save()
    # In this transaction: what rides on the directive (a reporting period) ends with it.
    directive_cancelled.send(sender=Directive, directive=directive, user=user, reason=reason.strip())
    return cancelled

