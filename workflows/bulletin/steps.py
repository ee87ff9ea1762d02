"""What each node of BulletinFlow does: one editorial service, then `activation.execute()` for a human node.
Steps are named for their node (`sign_off_step` runs `sign_off`); the automatic ones (`mark_approved`…) are
what the flow's Function nodes call. `distribute` bridges to coordination: the published bulletin becomes a
broadcast directive, driven by the directive flows."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from viewflow.workflow.activation import Activation

from coordination.access import CANCELLABLE
from coordination.models import Directive, ReportRequirement, Urgency
from editorial import access as editorial_access
from editorial import services as editorial
from editorial.models import Bulletin, Priority
from editorial.selectors import round_reviewers
from org.models import User

from .. import engine
from ..directive import services as directive_services
from ..directive.flow import DirectiveFlow
from ..directive.steps import approve_step

# The broadcast directive's urgency for each bulletin priority (coordination's Urgency codes).
PRIORITY_URGENCY = {Priority.EMERGENCY: "hoa_toc", Priority.PRIORITY: "thuong_khan", Priority.NORMAL: "khan"}


def _bulletin(activation: Activation) -> Bulletin:
    return Bulletin.objects.get(pk=activation.process.artifact_object_id)


# --- human nodes ------------------------------------------------------------------------------------------------

def choose_reviewers_step(activation: Activation, user: User, *, reviewers) -> Bulletin:
    bulletin = _bulletin(activation)
    editorial.reviewers_set(bulletin=bulletin, reviewers=reviewers, user=user)
    activation.execute()
    return bulletin


def hand_over_step(activation: Activation, user: User, *, to: User) -> None:
    """The Board secretary gives an open review task to another Board member, or takes it over: the
    round's reviewer, the task's named reviewer and its owner change together."""
    editorial.review_hand_over(bulletin=_bulletin(activation), from_reviewer_id=activation.task.data.get("reviewer"),
                               to=to, user=user)
    activation.task.data["reviewer"] = to.pk
    if activation.task.owner_id:
        activation.reassign(user=to)
    else:
        activation.assign(to)


def review_step(activation: Activation, user: User, *, decision: str, comment: str = "") -> None:
    if activation.task.data.get("reviewer") != user.pk:
        if not editorial_access.can_hand_over_review(user):
            raise editorial.AlreadyDone(_("Việc thẩm định này thuộc người khác."))
        # the secretary claimed a released review: it becomes theirs before they decide
        editorial.review_hand_over(bulletin=_bulletin(activation),
                                   from_reviewer_id=activation.task.data.get("reviewer"), to=user, user=user)
        activation.task.data["reviewer"] = user.pk
    editorial.review_record(bulletin=_bulletin(activation), reviewer=user, decision=decision, comment=comment)
    activation.task.data["decision"] = decision
    activation.execute()


def revise_step(activation: Activation, user: User, *, note: str = "") -> None:
    editorial.bulletin_submit(bulletin=_bulletin(activation), user=user, note=note)
    activation.execute()


def prepare_audio_step(activation: Activation, user: User) -> None:
    blockers = editorial.sign_off_blockers(_bulletin(activation))
    if blockers:
        raise ValidationError(blockers)
    activation.execute()


def sign_off_step(activation: Activation, user: User, *, approve: bool, comment: str = "") -> None:
    bulletin = _bulletin(activation)
    if approve:
        editorial.bulletin_sign_off(bulletin=bulletin, user=user, comment=comment)
    else:
        editorial.bulletin_return_to_board(bulletin=bulletin, user=user, reason=comment)
    activation.execute()


def approve_emergency_step(activation: Activation, user: User, *, comment: str = "") -> None:
    editorial.bulletin_approve_emergency(bulletin=_bulletin(activation), user=user, comment=comment)
    activation.execute()


def publish_step(activation: Activation, user: User, *, publish_at=None) -> None:
    bulletin = _bulletin(activation)
    if publish_at:
        editorial.bulletin_schedule(bulletin=bulletin, user=user, publish_at=publish_at)
    else:
        editorial.bulletin_publish(bulletin=bulletin, user=user)
    activation.execute()


# --- automatic nodes --------------------------------------------------------------------------------------------

def mark_approved(activation: Activation) -> None:
    editorial.bulletin_mark_approved(bulletin=_bulletin(activation))


def mark_changes_requested(activation: Activation) -> None:
    editorial.bulletin_mark_changes_requested(bulletin=_bulletin(activation))


def mark_rejected(activation: Activation) -> None:
    editorial.bulletin_mark_rejected(bulletin=_bulletin(activation))


def repeat_round(activation: Activation) -> None:
    """The resubmitted text goes to the same reviewers in a new round."""
    bulletin = _bulletin(activation)
    reviewers = [a.reviewer_id for a in round_reviewers(bulletin)]
    editorial.reviewers_set(bulletin=bulletin, reviewers=reviewers)


def _close_superseded_broadcasts(activation: Activation, bulletin: Bulletin, user: User) -> None:
    """A correction's publication replaces the broadcast of the earlier text: its directive, if still open, is
    cancelled (units see the reason) so that only the corrected text is asked of them."""
    earlier = engine.processes_of(activation.flow_class, [bulletin], running=False).exclude(pk=activation.process.pk)
    ids = [p.data["directive_id"] for p in earlier if (p.data or {}).get("directive_id")]
    reason = _("Thay bằng bản đính chính (phiên bản %(n)s) của bản tin.") % {
        "n": bulletin.published_revision.number if bulletin.published_revision else "?"}
    for directive in Directive.objects.filter(pk__in=ids, status__in=CANCELLABLE):
        directive_services.directive_withdraw(directive=directive, user=user, reason=reason)


def distribute(activation: Activation) -> None:
    """Publishing starts a broadcast directive to the bulletin's target units, approved at once in the
    signer's name. A normal bulletin's communes first say when they will air it; every unit confirms the
    broadcast with evidence."""
    bulletin = Bulletin.objects.select_related("drafting_unit", "created_by", "signed_off_by").get(
        pk=activation.process.artifact_object_id)
    requirements = [ReportRequirement.BROADCAST]
    if bulletin.priority == Priority.NORMAL:
        requirements.append(ReportRequirement.SCHEDULE)
    revision = bulletin.published_revision or bulletin.current_revision
    approver = bulletin.signed_off_by or activation.process.bulletin.published_by
    # The directive approves itself (rule B8 of workflows/signals.py): nobody is asked to approve it, nobody is
    # told of its approval; its units are told once, by the fan-out (D3).
    with engine.task_notifications_suppressed():
        directive = directive_services.directive_start(
            user=bulletin.created_by, issuing_unit=bulletin.drafting_unit,
            title=(_("Phát bản tin: Đính chính: %(t)s") if bulletin.first_published_at != bulletin.published_at
                   else _("Phát bản tin: %(t)s")) % {"t": bulletin.title},
            instructions=revision.body if revision else bulletin.body,
            urgency=Urgency.objects.get(code=PRIORITY_URGENCY[bulletin.priority]),
            target_spec=bulletin.target_spec, deadline=bulletin.air_until, report_requirements=requirements,
        )
        _close_superseded_broadcasts(activation, bulletin, approver)
        engine.task_run(engine.open_task(directive, DirectiveFlow.approve), approver, approve_step, approve=True,
                        comment=_("Bản tin đã được ký duyệt và phát hành."), announce=False)
    activation.process.data = {**(activation.process.data or {}), "directive_id": directive.pk}
    activation.process.save(update_fields=["data"])
