"""Drafting: create and edit the working copy, attach files, submit (freeze a revision), withdraw, correct after
publication, comment. Every service checks who is acting and runs in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from common.html import sanitize_html
from org.audit import records_actor
from org.models import Unit, User
from org.targets import target_spec_clean, targets_resolve

from .. import access, signals
from ..models import (
    Bulletin,
    BulletinAttachment,
    BulletinAudio,
    BulletinEvent,
    BulletinRevision,
    BulletinTarget,
    EditorialSettings,
    PlanTopic,
    Priority,
    ReviewComment,
    ReviewDecision,
)
from ..richtext import body_is_empty
from ..selectors import reviewer_is_assigned
from ..speech import estimate_air_time_seconds
from ..uploads import attachment_validate
from .common import event, locked, require

EDITABLE_FIELDS = ("title", "body", "summary", "plan_topic", "priority", "target_spec", "air_from", "air_until",
                   "words_per_minute")
# A change of any of these after approval voids the approval and the audio; moving the air window does not.
CONTENT_FIELDS = frozenset(EDITABLE_FIELDS) - {"air_from", "air_until"}

MSG_NOT_DRAFTER = "Chỉ người soạn thảo của đơn vị soạn được thao tác trên bản tin này."


def _normalised(field: str, value: Any) -> Any:
    if field in ("title", "summary"):
        return (value or "").strip()
    if field == "body":
        return sanitize_html(value)
    if field == "target_spec":
        return target_spec_clean(value)
    return value


def _estimate(bulletin: Bulletin) -> None:
    bulletin.estimated_air_seconds = estimate_air_time_seconds(bulletin.spoken_text, bulletin.words_per_minute)


def _check(bulletin: Bulletin) -> None:
    bulletin.full_clean(exclude=["target_units", "current_revision", "approved_revision", "published_revision"])
    if body_is_empty(bulletin.body):
        raise ValidationError({"body": _("Hãy nhập nội dung bản tin.")})
    if bulletin.air_from and bulletin.air_until and bulletin.air_until < bulletin.air_from:
        raise ValidationError({"air_until": _("Thời điểm kết thúc phát phải sau thời điểm bắt đầu.")})


def targets_sync(bulletin: Bulletin) -> int:
    """Materialise the units the spec names (the unit side of visibility, air-time limits, Zalo groups)."""
    wanted = {u.pk for u in targets_resolve(bulletin.target_spec)}
    have = set(BulletinTarget.objects.filter(bulletin=bulletin).values_list("unit_id", flat=True))
    if have - wanted:
        BulletinTarget.objects.filter(bulletin=bulletin, unit_id__in=have - wanted).delete()
    BulletinTarget.objects.bulk_create([BulletinTarget(bulletin=bulletin, unit_id=u) for u in wanted - have],
                                       batch_size=1000)
    return len(wanted)


@records_actor
@transaction.atomic
def bulletin_create(
    *, user: User, drafting_unit: Unit, title: str, body: str, summary: str = "", plan_topic: PlanTopic | None = None,
    priority: str = Priority.NORMAL, target_spec: dict | None = None, air_from: datetime | None = None,
    air_until: datetime | None = None, words_per_minute: int | None = None,
    attachments: Iterable | None = None,
) -> Bulletin:
    """A new draft of the drafting division. Attachments are checked before anything is stored."""
    require(access.is_drafter_of(user, drafting_unit.pk),
            _("Chỉ người soạn thảo của đơn vị được tạo bản tin cho đơn vị này."))
    attachments = list(attachments or [])
    checked = [(f, *attachment_validate(f)) for f in attachments]
    bulletin = Bulletin(
        title=_normalised("title", title), body=_normalised("body", body), summary=_normalised("summary", summary),
        plan_topic=plan_topic, priority=priority, target_spec=target_spec_clean(target_spec),
        air_from=air_from, air_until=air_until, drafting_unit=drafting_unit, created_by=user,
        words_per_minute=words_per_minute or EditorialSettings.current().words_per_minute,
    )
    _estimate(bulletin)
    _check(bulletin)
    bulletin.save()
    targets_sync(bulletin)
    for f, kind, content_type in checked:
        _attachment_store(bulletin, user, f, kind, content_type)
    event(bulletin, BulletinEvent.Kind.CREATED, user)
    return bulletin


def _require_editable(user: User, bulletin: Bulletin) -> None:
    require(access.is_drafter_of(user, bulletin.drafting_unit_id), _(MSG_NOT_DRAFTER))
    if bulletin.status in Bulletin.EDITABLE or bulletin.status in Bulletin.APPROVAL_HELD:
        return
    if bulletin.status in Bulletin.UNDER_REVIEW:
        raise ValidationError(_("Bản tin đang chờ Ban biên tập thẩm định; hãy rút lại trước khi sửa."))
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise ValidationError(_("Bản tin đã phát hành; hãy dùng chức năng đính chính."))
    raise ValidationError(_("Bản tin đã bị từ chối, không sửa được nữa."))


@records_actor
@transaction.atomic
def bulletin_update(*, bulletin: Bulletin, user: User, data: dict[str, Any]) -> Bulletin:
    """Change fields of the working copy (only those in EDITABLE_FIELDS; unchanged values are ignored).

    An approved, signed-off or scheduled bulletin may still be edited by its division, but a change of its
    content voids the approval and the audio (status back to draft, `approval_voided` signal): what was
    approved is exactly the frozen revision and its recording."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"bulletin_update cannot change {sorted(unknown)}")
    bulletin = locked(bulletin)
    _require_editable(user, bulletin)
    changed = []
    for field, value in data.items():
        value = _normalised(field, value)
        if getattr(bulletin, field) != value:
            setattr(bulletin, field, value)
            changed.append(field)
    if not changed:
        return bulletin
    _estimate(bulletin)
    _check(bulletin)
    bulletin.save()
    if "target_spec" in changed:
        targets_sync(bulletin)
    labels = ", ".join(str(Bulletin._meta.get_field(f).verbose_name) for f in changed)
    event(bulletin, BulletinEvent.Kind.UPDATED, user, comment=labels)
    if bulletin.status in Bulletin.APPROVAL_HELD and CONTENT_FIELDS.intersection(changed):
        approval_void(bulletin, user, _("Nội dung đã thay đổi sau khi được duyệt (%(fields)s).") % {"fields": labels})
    return bulletin


def approval_void(bulletin: Bulletin, actor: User | None, reason: str) -> None:
    """The approved text changed: back to draft, the approval, the sign-off, the schedule and every recording of
    the approved revision lose their effect. The caller holds the bulletin's lock."""
    revision = bulletin.approved_revision
    now = timezone.now()
    bulletin.status, bulletin.status_reason = Bulletin.Status.DRAFT, reason
    bulletin.approved_revision, bulletin.approved_at = None, None
    bulletin.signed_off_by, bulletin.signed_off_at, bulletin.publish_at = None, None, None
    bulletin.save(update_fields=["status", "status_reason", "approved_revision", "approved_at", "signed_off_by",
                                 "signed_off_at", "publish_at", "updated_at"])
    if revision is not None:
        BulletinAudio.objects.filter(revision=revision, voided_at__isnull=True).update(
            voided_at=now, void_reason=reason[:255])
    event(bulletin, BulletinEvent.Kind.APPROVAL_VOIDED, actor, comment=reason, revision=revision)
    signals.approval_voided.send(sender=Bulletin, bulletin=bulletin, revision=revision, actor=actor, reason=reason)


def _attachment_store(bulletin: Bulletin, user: User, file, kind: str, content_type: str) -> BulletinAttachment:
    attachment = BulletinAttachment(bulletin=bulletin, kind=kind, name=(file.name or "")[:255],
                                    content_type=content_type, size=file.size, uploaded_by=user)
    attachment.file.save(file.name, file, save=False)
    attachment.save()
    return attachment


@records_actor
@transaction.atomic
def attachment_add(*, bulletin: Bulletin, user: User, file, kind: str | None = None) -> BulletinAttachment:
    """Attach an image, infographic or video (type and size checked). Voids an approval like a text change."""
    bulletin = locked(bulletin)
    _require_editable(user, bulletin)
    kind, content_type = attachment_validate(file, kind)
    attachment = _attachment_store(bulletin, user, file, kind, content_type)
    event(bulletin, BulletinEvent.Kind.UPDATED, user, comment=_("Thêm tệp %(name)s") % {"name": attachment.name})
    if bulletin.status in Bulletin.APPROVAL_HELD:
        approval_void(bulletin, user, _("Tệp đính kèm đã thay đổi sau khi được duyệt."))
    return attachment


@records_actor
@transaction.atomic
def attachment_remove(*, attachment: BulletinAttachment, user: User) -> None:
    """Detach a file. The file stays in storage: frozen revisions may still point at it."""
    bulletin = locked(attachment.bulletin)
    _require_editable(user, bulletin)
    name = attachment.name
    attachment.delete()
    event(bulletin, BulletinEvent.Kind.UPDATED, user, comment=_("Gỡ tệp %(name)s") % {"name": name})
    if bulletin.status in Bulletin.APPROVAL_HELD:
        approval_void(bulletin, user, _("Tệp đính kèm đã thay đổi sau khi được duyệt."))


def _freeze(bulletin: Bulletin, user: User, *, kind: str, note: str) -> BulletinRevision:
    number = (bulletin.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = BulletinRevision(
        bulletin=bulletin, number=number, kind=kind, title=bulletin.title, body=bulletin.body,
        summary=bulletin.summary, priority=bulletin.priority, plan_topic_id=bulletin.plan_topic_id,
        target_spec=bulletin.target_spec, air_from=bulletin.air_from, air_until=bulletin.air_until,
        words_per_minute=bulletin.words_per_minute, estimated_air_seconds=bulletin.estimated_air_seconds,
        attachments=[a.snapshot() for a in bulletin.attachments.order_by("uploaded_at", "pk")],
        note=note.strip(), created_by=user,
    )
    revision.save()
    return revision


def _check_submittable(bulletin: Bulletin) -> None:
    _check(bulletin)
    if not BulletinTarget.objects.filter(bulletin=bulletin).exists():
        raise ValidationError({"target_spec": _("Chưa chọn đơn vị nhận bản tin.")})


@records_actor
@transaction.atomic
def bulletin_submit(*, bulletin: Bulletin, user: User, note: str = "") -> BulletinRevision:
    """Send the draft (or the revised text) to the Editorial Board: freezes revision N+1."""
    bulletin = locked(bulletin)
    require(access.is_drafter_of(user, bulletin.drafting_unit_id), _(MSG_NOT_DRAFTER))
    if bulletin.status not in Bulletin.EDITABLE:
        raise AlreadyDone(_("Bản tin đã được trình hoặc đã được xử lý."))
    _check_submittable(bulletin)
    revision = _freeze(bulletin, user, kind=BulletinRevision.Kind.SUBMISSION, note=note)
    bulletin.status, bulletin.status_reason = Bulletin.Status.SUBMITTED, ""
    bulletin.current_revision, bulletin.review_rule = revision, ""
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.SUBMITTED, user, revision=revision, comment=note.strip())
    return revision


def withdraw_allowed(bulletin: Bulletin) -> bool:
    """Until a reviewer acts: submitted, or in review with no decision in the current round."""
    if bulletin.status == Bulletin.Status.SUBMITTED:
        return True
    return bulletin.status == Bulletin.Status.IN_REVIEW and not ReviewDecision.objects.filter(
        revision_id=bulletin.current_revision_id, round=bulletin.review_round).exists()


@records_actor
@transaction.atomic
def bulletin_withdraw(*, bulletin: Bulletin, user: User, reason: str = "") -> Bulletin:
    """Take a submitted bulletin back before any reviewer has given an opinion; it can be edited and resubmitted."""
    bulletin = locked(bulletin)
    require(access.is_drafter_of(user, bulletin.drafting_unit_id), _(MSG_NOT_DRAFTER))
    if bulletin.status not in Bulletin.UNDER_REVIEW:
        raise AlreadyDone(_("Chỉ rút lại được bản tin đang chờ thẩm định."))
    if not withdraw_allowed(bulletin):
        raise ValidationError(_("Ban biên tập đã cho ý kiến về bản tin này; không thể rút lại nữa."))
    bulletin.status, bulletin.status_reason = Bulletin.Status.WITHDRAWN, reason.strip()
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.WITHDRAWN, user, comment=reason.strip(), revision=bulletin.current_revision)
    return bulletin


@records_actor
@transaction.atomic
def bulletin_correct(*, bulletin: Bulletin, user: User, title: str, body: str, summary: str | None = None,
                     reason: str) -> BulletinRevision:
    """Correct a published bulletin: a new revision (kind correction) that needs approval and sign-off again.
    Until it is published, the channels keep carrying the previously published revision."""
    bulletin = locked(bulletin)
    require(access.is_drafter_of(user, bulletin.drafting_unit_id), _(MSG_NOT_DRAFTER))
    if bulletin.status != Bulletin.Status.PUBLISHED:
        raise AlreadyDone(_("Chỉ đính chính được bản tin đã phát hành (và chưa có đính chính đang chờ duyệt)."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do đính chính.")})
    bulletin.title, bulletin.body = _normalised("title", title), _normalised("body", body)
    if summary is not None:
        bulletin.summary = _normalised("summary", summary)
    _estimate(bulletin)
    _check_submittable(bulletin)
    revision = _freeze(bulletin, user, kind=BulletinRevision.Kind.CORRECTION, note=reason)
    bulletin.status, bulletin.status_reason = Bulletin.Status.SUBMITTED, ""
    bulletin.current_revision, bulletin.review_rule = revision, ""
    bulletin.approved_revision = bulletin.approved_at = bulletin.signed_off_by = bulletin.signed_off_at = None
    bulletin.publish_at = None
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.CORRECTED, user, comment=reason.strip(), revision=revision)
    return revision


@transaction.atomic
def comment_add(*, revision: BulletinRevision, user: User, body: str, quote: str = "") -> ReviewComment:
    """A remark on one revision (drafters, the Board, leaders, the Office)."""
    bulletin = revision.bulletin
    require(access.can_comment(user, bulletin) or reviewer_is_assigned(bulletin, user),
            _("Bạn không được góp ý cho bản tin này."))
    if not body.strip():
        raise ValidationError({"body": _("Hãy nhập nội dung góp ý.")})
    comment = ReviewComment(revision=revision, author=user, body=body.strip(), quote=quote.strip()[:500])
    comment.full_clean()
    comment.save()
    return comment


# A reorganisation moves these to the new structure's units; a published or rejected bulletin keeps the units it
# went to (its history), and a correction pending on a published one is an unpublished change: it moves.
RETARGETABLE = [s for s in Bulletin.Status if s not in (Bulletin.Status.PUBLISHED, Bulletin.Status.REJECTED)]


@transaction.atomic
def bulletins_retarget(*, source: str, target: str, succeed, actor: User | None = None) -> list[Bulletin]:
    """Address every bulletin not yet out (`RETARGETABLE`) that names the `source` structure to `target`:
    `succeed(spec)` gives the spec's equivalent there (org.targets.target_spec_succeed). An administrative
    change, not an edit: the approval, the audio and the schedule stand. Idempotent: a second run finds no
    bulletin on `source`."""
    moved = []
    on_source = Q(target_spec__structure=source) | Q(pk__in=BulletinTarget.objects.filter(
        unit__structure=source).values("bulletin_id"))
    for bulletin in Bulletin.objects.select_for_update().filter(on_source, status__in=RETARGETABLE).order_by("pk"):
        before = bulletin.target_units.count()
        bulletin.target_spec = succeed(bulletin.target_spec)
        bulletin._change_reason = _("Sắp xếp đơn vị hành chính")
        bulletin.save(update_fields=["target_spec", "updated_at"])
        after = targets_sync(bulletin)
        event(bulletin, BulletinEvent.Kind.RETARGETED, actor,
              comment=_("Cơ cấu %(target)s: %(before)d → %(after)d đơn vị nhận.") % {
                  "target": target, "before": before, "after": after})
        moved.append(bulletin)
    return moved
