"""The Editorial Board's review and the leaders' sign-off, as data the BulletinFlow writes.

Order of calls for one round: `reviewers_set` (status in_review) → `review_record` per reviewer → when
`selectors.review_round_outcome` is no longer pending, exactly one of `bulletin_mark_approved`,
`bulletin_mark_changes_requested`, `bulletin_mark_rejected` (each checks the outcome). Then a leader calls
`bulletin_sign_off` or `bulletin_return_to_board` (a new round on the same revision)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from notifications.models import Kind, Level
from notifications.services import notify
from org.audit import records_actor
from org.models import User

from .. import access
from ..models import (
    Bulletin,
    BulletinEvent,
    Decision,
    EditorialSettings,
    Outcome,
    Priority,
    ReviewAssignment,
    ReviewDecision,
    ReviewPolicy,
)
from ..selectors import confirmed_audio, review_round_outcome, reviewer_candidates
from .audio import emergency_audio_request
from .common import bulletin_link, event, locked, require


@records_actor
@transaction.atomic
def reviewers_set(*, bulletin: Bulletin, reviewers: Iterable[User], round: int | None = None,
                  user: User | None = None) -> list[ReviewAssignment]:
    """Open review round `round` (default: the next one) with the chosen Board members. The counting rule
    (ReviewPolicy for the bulletin's priority) is fixed for the round here.

    `user` is the Board secretary choosing them, or None when the workflow engine calls. Calling again with
    the same round and the same people changes nothing (a replayed task)."""
    bulletin = locked(bulletin)
    if user is not None:
        require(access.is_board_secretary(user), _("Chỉ Thư ký Ban biên tập được phân công thẩm định."))
    reviewer_ids = list(dict.fromkeys(r.pk if isinstance(r, User) else int(r) for r in reviewers))
    if not reviewer_ids:
        raise ValidationError({"reviewers": _("Hãy chọn ít nhất một thành viên Ban biên tập.")})
    next_round = bulletin.review_round + 1
    if round is not None and round != next_round:
        existing = set(bulletin.review_assignments.filter(round=round).values_list("reviewer_id", flat=True))
        if round == bulletin.review_round and existing == set(reviewer_ids):
            return list(bulletin.review_assignments.filter(round=round).select_related("reviewer"))
        raise AlreadyDone(_("Vòng thẩm định %(round)s đã được phân công.") % {"round": round})
    if bulletin.status != Bulletin.Status.SUBMITTED:
        raise AlreadyDone(_("Bản tin không ở trạng thái chờ phân công thẩm định."))
    allowed = set(reviewer_candidates().filter(pk__in=reviewer_ids).values_list("pk", flat=True))
    if set(reviewer_ids) - allowed:
        raise ValidationError({"reviewers": _("Chỉ thành viên Ban biên tập mới được phân công thẩm định.")})
    bulletin.review_round = next_round
    bulletin.review_rule = ReviewPolicy.rule_for(bulletin.priority)
    bulletin.status = Bulletin.Status.IN_REVIEW
    bulletin.save(update_fields=["review_round", "review_rule", "status", "updated_at"])
    assignments = ReviewAssignment.objects.bulk_create([
        ReviewAssignment(bulletin=bulletin, revision_id=bulletin.current_revision_id, round=next_round,
                         reviewer_id=pk, assigned_by=user)
        for pk in reviewer_ids
    ])
    names = ", ".join(u.get_full_name() for u in User.objects.filter(pk__in=reviewer_ids).order_by("username"))
    event(bulletin, BulletinEvent.Kind.REVIEWERS_SET, user, revision=bulletin.current_revision,
          comment=_("Vòng %(round)s: %(names)s") % {"round": next_round, "names": names})
    return assignments


@transaction.atomic
def review_hand_over(*, bulletin: Bulletin, from_reviewer_id: int, to: User, user: User) -> ReviewAssignment:
    """The Board secretary gives an undecided review of the current round to another Board member (or takes
    it over): the round keeps its size, the new reviewer decides in place of the first."""
    bulletin = locked(bulletin)
    require(access.can_hand_over_review(user), _("Chỉ Thư ký Ban biên tập được giao lại việc thẩm định."))
    if bulletin.status != Bulletin.Status.IN_REVIEW:
        raise AlreadyDone(_("Vòng thẩm định đã kết thúc."))
    if not reviewer_candidates().filter(pk=to.pk).exists():
        raise ValidationError({"reviewer": _("Chỉ thành viên Ban biên tập mới được phân công thẩm định.")})
    round_ = bulletin.review_assignments.filter(round=bulletin.review_round)
    if to.pk != from_reviewer_id and round_.filter(reviewer=to).exists():
        raise ValidationError({"reviewer": _("Người này đã được phân công ở vòng thẩm định này.")})
    if ReviewDecision.objects.filter(revision_id=bulletin.current_revision_id, round=bulletin.review_round,
                                     reviewer_id=from_reviewer_id).exists():
        raise AlreadyDone(_("Người thẩm định đã cho ý kiến ở vòng này."))
    assignment = round_.filter(reviewer_id=from_reviewer_id).first()
    if assignment is None:
        raise AlreadyDone(_("Việc thẩm định này không còn thuộc vòng hiện tại."))
    previous = assignment.reviewer
    assignment.reviewer, assignment.assigned_by, assignment.assigned_at = to, user, timezone.now()
    assignment.save(update_fields=["reviewer", "assigned_by", "assigned_at"])
    event(bulletin, BulletinEvent.Kind.REVIEWERS_SET, user, revision=bulletin.current_revision,
          comment=_("Vòng %(round)s: %(old)s → %(new)s") % {
              "round": bulletin.review_round, "old": previous.get_full_name(), "new": to.get_full_name()})
    return assignment


@transaction.atomic
def review_record(*, bulletin: Bulletin, reviewer: User, decision: str, comment: str = "") -> ReviewDecision:
    """One reviewer's decision in the current round. A request for changes or a rejection needs a comment,
    which the author will read. Only reviewers chosen for the round may decide, once each."""
    bulletin = locked(bulletin)
    if bulletin.status != Bulletin.Status.IN_REVIEW:
        raise AlreadyDone(_("Vòng thẩm định đã kết thúc."))
    require(bulletin.review_assignments.filter(round=bulletin.review_round, reviewer=reviewer).exists(),
            _("Bạn không được phân công thẩm định bản tin này."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Ý kiến không hợp lệ.")})
    if decision != Decision.APPROVE and not comment.strip():
        raise ValidationError({"comment": _("Hãy ghi rõ nội dung cần sửa hoặc lý do từ chối.")})
    current = dict(revision_id=bulletin.current_revision_id, round=bulletin.review_round, reviewer=reviewer)
    if ReviewDecision.objects.filter(**current).exists():
        raise AlreadyDone(_("Bạn đã cho ý kiến ở vòng thẩm định này."))
    recorded = ReviewDecision.objects.create(**current, decision=decision, comment=comment.strip())
    event(bulletin, BulletinEvent.Kind.DECIDED, reviewer, revision=bulletin.current_revision,
          comment=f"{Decision(decision).label}{': ' + comment.strip() if comment.strip() else ''}")
    return recorded


def _conclude(bulletin: Bulletin, user: User | None, expected: str) -> Bulletin:
    bulletin = locked(bulletin)
    if user is not None:
        require(access.is_board_secretary(user), _("Chỉ Thư ký Ban biên tập được kết luận vòng thẩm định."))
    if bulletin.status != Bulletin.Status.IN_REVIEW:
        raise AlreadyDone(_("Vòng thẩm định đã kết thúc."))
    outcome = review_round_outcome(bulletin)
    if outcome != expected:
        raise ValidationError(_("Kết quả vòng thẩm định hiện là “%(outcome)s”.") % {"outcome": Outcome(outcome).label})
    return bulletin


def _reasons(bulletin: Bulletin, decision: str) -> str:
    rows = ReviewDecision.objects.filter(revision_id=bulletin.current_revision_id, round=bulletin.review_round,
                                         decision=decision).select_related("reviewer").order_by("decided_at", "pk")
    return "\n".join(f"{d.reviewer.get_full_name()}: {d.comment}" for d in rows)


@records_actor
@transaction.atomic
def bulletin_mark_approved(*, bulletin: Bulletin, user: User | None = None) -> Bulletin:
    """The round approved the current revision: it becomes the approved revision (awaiting audio + sign-off)."""
    bulletin = _conclude(bulletin, user, Outcome.APPROVED)
    bulletin.status, bulletin.status_reason = Bulletin.Status.APPROVED, ""
    bulletin.approved_revision, bulletin.approved_at = bulletin.current_revision, timezone.now()
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.APPROVED, user, revision=bulletin.approved_revision)
    notify([bulletin.created_by], kind=Kind.BULLETIN_APPROVED, actor=user, link=bulletin_link(bulletin),
           title=_("Ban biên tập đã duyệt: %(t)s") % {"t": bulletin.title},
           body=_("Hãy tạo và xác nhận bản âm thanh để trình Lãnh đạo Sở ký duyệt."))
    return bulletin


@records_actor
@transaction.atomic
def bulletin_mark_changes_requested(*, bulletin: Bulletin, user: User | None = None, reason: str = "") -> Bulletin:
    """Return the bulletin to its author; the reason (default: the reviewers' comments) is shown to them."""
    bulletin = _conclude(bulletin, user, Outcome.CHANGES_REQUESTED)
    reason = reason.strip() or _reasons(bulletin, Decision.REQUEST_CHANGES)
    bulletin.status, bulletin.status_reason = Bulletin.Status.CHANGES_REQUESTED, reason
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.CHANGES_REQUESTED, user, revision=bulletin.current_revision, comment=reason)
    notify([bulletin.created_by], kind=Kind.BULLETIN_RETURNED, actor=user, level=Level.WARNING,
           link=bulletin_link(bulletin), title=_("Bản tin cần chỉnh sửa: %(t)s") % {"t": bulletin.title}, body=reason)
    return bulletin


@records_actor
@transaction.atomic
def bulletin_mark_rejected(*, bulletin: Bulletin, user: User | None = None, reason: str = "") -> Bulletin:
    """The Board rejected the bulletin; it ends here. The reason (default: the rejecting comments) is shown."""
    bulletin = _conclude(bulletin, user, Outcome.REJECTED)
    reason = reason.strip() or _reasons(bulletin, Decision.REJECT)
    bulletin.status, bulletin.status_reason = Bulletin.Status.REJECTED, reason
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.REJECTED, user, revision=bulletin.current_revision, comment=reason)
    notify([bulletin.created_by], kind=Kind.BULLETIN_REJECTED, actor=user, level=Level.WARNING,
           link=bulletin_link(bulletin), title=_("Bản tin bị từ chối: %(t)s") % {"t": bulletin.title}, body=reason)
    return bulletin


def sign_off_blockers(bulletin: Bulletin) -> list[str]:
    """Why a leader cannot sign off yet (empty: they can)."""
    if bulletin.status != Bulletin.Status.APPROVED:
        return [_("Bản tin chưa được Ban biên tập duyệt.")]
    needs_audio = EditorialSettings.current().require_confirmed_audio and bulletin.priority != Priority.EMERGENCY
    if needs_audio and confirmed_audio(bulletin.approved_revision) is None:
        return [_("Chưa có bản âm thanh được xác nhận cho phiên bản đã duyệt.")]
    return []


@records_actor
@transaction.atomic
def bulletin_sign_off(*, bulletin: Bulletin, user: User, comment: str = "") -> Bulletin:
    """The Director or a Deputy signs off the approved revision (and its confirmed recording) for publication."""
    require(access.is_leader(user), _("Chỉ Giám đốc hoặc Phó Giám đốc Sở được ký duyệt."))
    bulletin = locked(bulletin)
    if bulletin.status != Bulletin.Status.APPROVED:
        raise AlreadyDone(_("Bản tin không ở trạng thái chờ ký duyệt."))
    blockers = sign_off_blockers(bulletin)
    if blockers:
        raise ValidationError(blockers)
    bulletin.status, bulletin.signed_off_by, bulletin.signed_off_at = (
        Bulletin.Status.SIGNED_OFF, user, timezone.now())
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.SIGNED_OFF, user, revision=bulletin.approved_revision, comment=comment.strip())
    notify([bulletin.created_by], kind=Kind.BULLETIN_APPROVED, actor=user, link=bulletin_link(bulletin),
           title=_("Lãnh đạo Sở đã ký duyệt: %(t)s") % {"t": bulletin.title}, body=comment.strip())
    return bulletin


@records_actor
@transaction.atomic
def bulletin_return_to_board(*, bulletin: Bulletin, user: User, reason: str) -> Bulletin:
    """A leader sends the approved bulletin back to the Board: the approval lapses and a new review round on the
    same revision starts with `reviewers_set`."""
    require(access.is_leader(user), _("Chỉ Giám đốc hoặc Phó Giám đốc Sở được trả lại Ban biên tập."))
    bulletin = locked(bulletin)
    if bulletin.status not in Bulletin.APPROVAL_HELD:
        raise AlreadyDone(_("Bản tin không ở trạng thái chờ ký duyệt hoặc phát hành."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do trả lại.")})
    bulletin.status, bulletin.status_reason = Bulletin.Status.SUBMITTED, reason.strip()
    bulletin.approved_revision = bulletin.approved_at = bulletin.signed_off_by = bulletin.signed_off_at = None
    bulletin.publish_at = None
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.RETURNED_TO_BOARD, user, revision=bulletin.current_revision,
          comment=reason.strip())
    reviewers = list(bulletin.review_assignments.filter(round=bulletin.review_round).values_list("reviewer_id",
                                                                                                  flat=True))
    # the round's reviewers; the secretary is told once, by the queue task of choosing reviewers again
    notify(reviewers, kind=Kind.BULLETIN_RETURNED, actor=user,
           level=Level.WARNING, link=bulletin_link(bulletin), body=reason.strip(),
           title=_("Lãnh đạo Sở trả lại Ban biên tập: %(t)s") % {"t": bulletin.title})
    return bulletin


@records_actor
@transaction.atomic
def bulletin_approve_emergency(*, bulletin: Bulletin, user: User, comment: str = "") -> Bulletin:
    """An emergency bulletin (khẩn cấp) approved and signed off at once by the Director or a Deputy, without
    waiting for the Board. The approval queues the recording, confirmed in the leader's name once rendered;
    publication waits for a confirmed recording (publication_blockers)."""
    require(access.is_leader(user), _("Chỉ Giám đốc hoặc Phó Giám đốc Sở được duyệt tin khẩn cấp."))
    bulletin = locked(bulletin)
    if bulletin.priority != Priority.EMERGENCY:
        raise ValidationError(_("Chỉ bản tin khẩn cấp được duyệt nhanh."))
    if bulletin.status not in Bulletin.UNDER_REVIEW:
        raise AlreadyDone(_("Bản tin không ở trạng thái chờ duyệt."))
    now = timezone.now()
    bulletin.status, bulletin.status_reason = Bulletin.Status.SIGNED_OFF, ""
    bulletin.approved_revision, bulletin.approved_at = bulletin.current_revision, now
    bulletin.signed_off_by, bulletin.signed_off_at = user, now
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.APPROVED, user, revision=bulletin.approved_revision,
          comment=_("Duyệt khẩn cấp"))
    event(bulletin, BulletinEvent.Kind.SIGNED_OFF, user, revision=bulletin.approved_revision, comment=comment.strip())
    emergency_audio_request(bulletin=bulletin, user=user)
    notify([bulletin.created_by], kind=Kind.BULLETIN_APPROVED, actor=user, level=Level.URGENT,
           link=bulletin_link(bulletin),
           title=_("Lãnh đạo Sở đã duyệt tin khẩn cấp: %(t)s") % {"t": bulletin.title}, body=comment.strip())
    return bulletin
