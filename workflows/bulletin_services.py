"""Flow-level writes for bulletins: each runs an editorial service and moves the BulletinFlow task on; the
distribution step starts a broadcast directive through the coordination engine."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from coordination.models import ReportRequirement, Urgency
from editorial import access as editorial_access
from editorial import services as editorial
from editorial.models import Bulletin, Priority
from editorial.selectors import round_reviewers
from org.models import User

from . import services

PRIORITY_URGENCY = {Priority.EMERGENCY: "hoa_toc", Priority.PRIORITY: "thuong_khan", Priority.NORMAL: "khan"}


def _bulletin(activation) -> Bulletin:
    return Bulletin.objects.get(pk=activation.process.artifact_object_id)


def _process_of(bulletin: Bulletin):
    from .bulletin import BulletinFlow
    from .models import BulletinProcess

    return BulletinProcess.objects.filter(
        flow_class=BulletinFlow, artifact_content_type=ContentType.objects.get_for_model(Bulletin),
        artifact_object_id=bulletin.pk, status=PROCESS.NEW,
    ).first()


# --- entry points outside the flow ------------------------------------------------------------------------------

def bulletin_submit(*, bulletin: Bulletin, user: User, note: str = "") -> Bulletin:
    """The drafter sends a draft (or a withdrawn, voided or corrected text) to the Board: a new revision and
    a new BulletinFlow. A bulletin returned for changes is resubmitted from its "revise" task instead."""
    from .bulletin import BulletinFlow

    with transaction.atomic():
        if _process_of(bulletin) is not None:
            raise editorial.AlreadyDone(_("Bản tin đang trong quy trình duyệt; hãy dùng việc được giao."))
        editorial.bulletin_submit(bulletin=bulletin, user=user, note=note)
        BulletinFlow.start.run(bulletin=bulletin)
        _tell_the_board(bulletin, user)
    return bulletin


def _tell_the_board(bulletin: Bulletin, actor: User) -> None:
    """The whole Editorial Board learns that a bulletin arrived; the secretary also has the task in the queue."""
    from notifications.services import notify
    from org.models import Role
    from org.selectors import people_with_role

    if bulletin.priority == Priority.EMERGENCY:
        return  # goes straight to the leaders, who are told by their queue notification
    notify([*people_with_role(Role.BOARD_SECRETARY), *people_with_role(Role.BOARD_MEMBER)], kind="queue_task",
           actor=actor, title=_("Bản tin mới trình Ban biên tập: %(t)s") % {"t": bulletin.title},
           link=f"/editorial/{bulletin.pk}/",
           dedupe_key=f"bulletin:{bulletin.pk}:submitted:{bulletin.current_revision_id}")


def bulletin_correct(*, bulletin: Bulletin, user: User, title: str, body: str, reason: str,
                     summary: str | None = None) -> Bulletin:
    """A correction after publication: a new revision that goes through the Board and the Director again, and
    on publication a new broadcast directive that every unit acknowledges again."""
    from .bulletin import BulletinFlow

    with transaction.atomic():
        editorial.bulletin_correct(bulletin=bulletin, user=user, title=title, body=body, summary=summary,
                                   reason=reason)
        BulletinFlow.start.run(bulletin=bulletin)
    return bulletin


def bulletin_withdraw(*, bulletin: Bulletin, user: User, reason: str = "") -> Bulletin:
    """The author takes the bulletin back until a reviewer has decided: the open flow is cancelled."""
    from .bulletin import BulletinFlow

    with transaction.atomic():
        bulletin = editorial.bulletin_withdraw(bulletin=bulletin, user=user, reason=reason)
        process = _process_of(bulletin)
        if process is not None:
            BulletinFlow.instance.cancel(process)
    return bulletin


def process_cancel_on_void(bulletin: Bulletin) -> None:
    """An approval voided by a text change: the process waiting on it ends; the next submission starts anew."""
    from .bulletin import BulletinFlow

    process = _process_of(bulletin)
    if process is not None:
        BulletinFlow.instance.cancel(process)


def publication_resume(bulletin: Bulletin) -> None:
    """A scheduled bulletin was published by the periodic job: the flow waiting for it goes on to distribution."""
    from .bulletin import BulletinFlow

    process = _process_of(bulletin)
    if process is None:
        return
    task = process.task_set.filter(flow_task=BulletinFlow.wait_publication, status=STATUS.NEW).first()
    if task is not None:
        task_pk = task.pk
        services.after_commit(lambda: _run_wait(task_pk))


def bulletin_unschedule(*, bulletin: Bulletin, user: User) -> Bulletin:
    """The Office cancels a set publication time: the bulletin is signed off again and its flow, which was
    waiting for that time, returns to the publish step (publish now or at another time)."""
    from .bulletin import BulletinFlow

    with transaction.atomic():
        bulletin = editorial.bulletin_unschedule(bulletin=bulletin, user=user)
        process = _process_of(bulletin)
        task = process and process.task_set.filter(flow_task=BulletinFlow.wait_publication, status=STATUS.NEW).first()
        if task is not None:
            with BulletinFlow.lock(task.process_id):
                task = Task.objects.get(pk=task.pk)
                if task.status == STATUS.NEW:
                    BulletinFlow.wait_publication.run(task)
    return bulletin


def _run_wait(task_pk: int) -> None:
    from .bulletin import BulletinFlow

    task = Task.objects.get(pk=task_pk)
    with BulletinFlow.lock(task.process_id), transaction.atomic():
        task = Task.objects.get(pk=task_pk)
        if task.status == STATUS.NEW:
            BulletinFlow.wait_publication.run(task)


# --- human tasks ------------------------------------------------------------------------------------------------

def reviewers_choose(activation, user: User, *, reviewers) -> Bulletin:
    bulletin = _bulletin(activation)
    editorial.reviewers_set(bulletin=bulletin, reviewers=reviewers, user=user)
    activation.execute()
    return bulletin


def review_hand_over(activation, user: User, *, to: User) -> None:
    """The Board secretary gives an open review task to another Board member, or takes it over: the
    round's reviewer, the task's named reviewer and its owner change together."""
    editorial.review_hand_over(bulletin=_bulletin(activation), from_reviewer_id=activation.task.data.get("reviewer"),
                               to=to, user=user)
    activation.task.data["reviewer"] = to.pk
    if activation.task.owner_id:
        activation.reassign(user=to)
    else:
        activation.assign(to)


def review_decide(activation, user: User, *, decision: str, comment: str = "") -> None:
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


def revise_resubmit(activation, user: User, *, note: str = "") -> None:
    editorial.bulletin_submit(bulletin=_bulletin(activation), user=user, note=note)
    activation.execute()


def audio_ready(activation, user: User) -> None:
    bulletin = _bulletin(activation)
    blockers = editorial.sign_off_blockers(bulletin)
    if blockers:
        raise ValidationError(blockers)
    activation.execute()


def sign_off_decide(activation, user: User, *, approve: bool, comment: str = "") -> None:
    bulletin = _bulletin(activation)
    if approve:
        editorial.bulletin_sign_off(bulletin=bulletin, user=user, comment=comment)
    else:
        editorial.bulletin_return_to_board(bulletin=bulletin, user=user, reason=comment)
    activation.execute()


def emergency_approve(activation, user: User, *, comment: str = "") -> None:
    editorial.bulletin_approve_emergency(bulletin=_bulletin(activation), user=user, comment=comment)
    activation.execute()


def publish_decide(activation, user: User, *, publish_at=None) -> None:
    bulletin = _bulletin(activation)
    if publish_at:
        editorial.bulletin_schedule(bulletin=bulletin, user=user, publish_at=publish_at)
    else:
        editorial.bulletin_publish(bulletin=bulletin, user=user)
    activation.execute()


# --- automatic steps --------------------------------------------------------------------------------------------

def round_approved(activation) -> None:
    editorial.bulletin_mark_approved(bulletin=_bulletin(activation))


def round_changes_requested(activation) -> None:
    editorial.bulletin_mark_changes_requested(bulletin=_bulletin(activation))


def round_rejected(activation) -> None:
    editorial.bulletin_mark_rejected(bulletin=_bulletin(activation))


def round_repeat(activation) -> None:
    """The resubmitted text goes to the same reviewers in a new round."""
    bulletin = _bulletin(activation)
    reviewers = [a.reviewer_id for a in round_reviewers(bulletin)]
    editorial.reviewers_set(bulletin=bulletin, reviewers=reviewers)


def _close_superseded_broadcasts(bulletin: Bulletin, process, user: User) -> None:
    """A correction's publication replaces the broadcast of the earlier text: its directive, if still open, is
    cancelled (units see the reason) so that only the corrected text is asked of them."""
    from coordination.access import CANCELLABLE
    from coordination.models import Directive

    from .bulletin import BulletinFlow
    from .models import BulletinProcess

    earlier = BulletinProcess.objects.filter(
        flow_class=BulletinFlow, artifact_content_type=ContentType.objects.get_for_model(Bulletin),
        artifact_object_id=bulletin.pk).exclude(pk=process.pk)
    ids = [p.data["directive_id"] for p in earlier if (p.data or {}).get("directive_id")]
    reason = _("Thay bằng bản đính chính (phiên bản %(n)s) của bản tin.") % {
        "n": bulletin.published_revision.number if bulletin.published_revision else "?"}
    for directive in Directive.objects.filter(pk__in=ids, status__in=CANCELLABLE):
        services.directive_cancel(directive=directive, user=user, reason=reason)


def distribute(activation) -> None:
    """Publishing starts a broadcast directive to the bulletin's target units. A normal bulletin's communes
    first say when they will air it; every unit confirms the broadcast with evidence."""
    bulletin = Bulletin.objects.select_related("drafting_unit", "created_by", "signed_off_by").get(
        pk=activation.process.artifact_object_id)
    requirements = [ReportRequirement.BROADCAST]
    if bulletin.priority == Priority.NORMAL:
        requirements.append(ReportRequirement.SCHEDULE)
    revision = bulletin.published_revision or bulletin.current_revision
    directive = services.directive_start(
        user=bulletin.created_by, issuing_unit=bulletin.drafting_unit,
        title=_("Phát bản tin: %(t)s") % {"t": bulletin.title},
        instructions=revision.body if revision else bulletin.body,
        urgency=Urgency.objects.get(code=PRIORITY_URGENCY[bulletin.priority]),
        target_spec=bulletin.target_spec, deadline=bulletin.air_until, report_requirements=requirements,
    )
    approver = bulletin.signed_off_by or activation.process.bulletin.published_by
    _close_superseded_broadcasts(bulletin, activation.process, approver)
    from .flows import DirectiveFlow

    task = services.open_task(directive, DirectiveFlow.approve)
    services.task_run(task, approver, services.directive_decide, approve=True,
                      comment=_("Bản tin đã được ký duyệt và phát hành."))
    activation.process.data = {**(activation.process.data or {}), "directive_id": directive.pk}
    activation.process.save(update_fields=["data"])
