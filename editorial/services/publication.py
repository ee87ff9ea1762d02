"""Publication: approved → signed off → (scheduled →) published, and delivery to the channels.

Publishing claims the bulletin with a conditional UPDATE on its status, so a click, a second tab and the periodic
job can all try: exactly one publishes. In the same transaction it lists the revision on the feeds (one
ChannelDelivery row each) and queues one ZaloMessage per group; the Zalo outbox is sent after commit and every
minute, each message claimed by a conditional UPDATE, each attempt recorded."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from notifications.models import Kind
from notifications.services import notify
from org.audit import records_actor
from org.models import User

from .. import access, signals
from ..models import (
    Bulletin,
    BulletinAudio,
    BulletinEvent,
    BulletinRevision,
    BulletinTarget,
    ChannelDelivery,
    EditorialSettings,
    Priority,
    ZaloGroup,
    ZaloMessage,
)
from ..richtext import html_to_text
from ..selectors import confirmed_audio
from ..zalo import ZaloSender, ZaloSendError, zalo_sender_from_settings
from .common import bulletin_link, event, locked, require

logger = logging.getLogger(__name__)

READY_TO_PUBLISH = (Bulletin.Status.SIGNED_OFF, Bulletin.Status.SCHEDULED)
ZALO_MAX_ATTEMPTS = 5
ZALO_BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60)]
ZALO_TEXT_LIMIT = 2000


def publication_blockers(bulletin: Bulletin) -> list[str]:
    """Why it cannot be published yet (empty: it can). An emergency skips the Board and the sign-off step, whose
    audio check covers every other bulletin, but not its recording: it goes on air as sound."""
    if bulletin.priority != Priority.EMERGENCY or not EditorialSettings.current().require_confirmed_audio:
        return []
    if confirmed_audio(bulletin.approved_revision) is not None:
        return []
    if BulletinAudio.objects.filter(revision_id=bulletin.approved_revision_id, status__in=[
            BulletinAudio.Status.QUEUED, BulletinAudio.Status.RENDERING]).exists():
        return [_("Âm thanh của tin khẩn cấp đang được tạo: hãy chờ ít giây rồi phát hành.")]
    return [_("Tin khẩn cấp chưa có bản âm thanh được xác nhận: hãy tạo lại hoặc tải bản thu lên và xác nhận.")]


def _require_publishable(bulletin: Bulletin) -> None:
    blockers = publication_blockers(bulletin)
    if blockers:
        raise ValidationError(blockers)


@records_actor
@transaction.atomic
def bulletin_schedule(*, bulletin: Bulletin, user: User, publish_at: datetime) -> Bulletin:
    """Publish a signed-off bulletin at a set time (the periodic job does it); may be moved while scheduled."""
    require(access.can_publish(user), _("Chỉ Văn phòng Sở hoặc Lãnh đạo Sở được phát hành bản tin."))
    bulletin = locked(bulletin)
    if bulletin.status not in READY_TO_PUBLISH:
        raise AlreadyDone(_("Bản tin chưa được ký duyệt hoặc đã phát hành."))
    _require_publishable(bulletin)
    if publish_at <= timezone.now():
        raise ValidationError({"publish_at": _("Hãy chọn thời điểm trong tương lai, hoặc phát hành ngay.")})
    bulletin.status, bulletin.publish_at = Bulletin.Status.SCHEDULED, publish_at
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.SCHEDULED, user, revision=bulletin.approved_revision,
          comment=timezone.localtime(publish_at).strftime("%d/%m/%Y %H:%M"))
    return bulletin


@records_actor
@transaction.atomic
def bulletin_unschedule(*, bulletin: Bulletin, user: User) -> Bulletin:
    require(access.can_publish(user), _("Chỉ Văn phòng Sở hoặc Lãnh đạo Sở được phát hành bản tin."))
    bulletin = locked(bulletin)
    if bulletin.status != Bulletin.Status.SCHEDULED:
        raise AlreadyDone(_("Bản tin không có lịch phát hành."))
    bulletin.status, bulletin.publish_at = Bulletin.Status.SIGNED_OFF, None
    bulletin.save()
    event(bulletin, BulletinEvent.Kind.UNSCHEDULED, user)
    return bulletin


@records_actor
@transaction.atomic
def bulletin_publish(*, bulletin: Bulletin, user: User | None = None) -> Bulletin:
    """Publish now (user: the Office or a leader; None: the workflow engine)."""
    if user is not None:
        require(access.can_publish(user), _("Chỉ Văn phòng Sở hoặc Lãnh đạo Sở được phát hành bản tin."))
    _require_publishable(locked(bulletin))
    published = _publish(bulletin.pk, user, timezone.now(), due_only=False)
    if published is None:
        raise AlreadyDone(_("Bản tin chưa được ký duyệt hoặc đã được phát hành."))
    return published


def bulletins_publish_due(*, now: datetime | None = None) -> int:
    """Publish the scheduled bulletins whose time has come (periodic job). Idempotent: each is claimed once."""
    now = now or timezone.now()
    due = Bulletin.objects.filter(status=Bulletin.Status.SCHEDULED, publish_at__lte=now).order_by("publish_at", "pk")
    count = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            count += _publish(pk, None, now, due_only=True) is not None
    return count


def _publish(pk: int, actor: User | None, now: datetime, *, due_only: bool) -> Bulletin | None:
    """Claim with a conditional UPDATE (whoever flips the status publishes), then list and queue. Runs inside
    the caller's transaction."""
    claim = Bulletin.objects.filter(pk=pk, status__in=READY_TO_PUBLISH, approved_revision__isnull=False)
    if due_only:
        claim = claim.filter(status=Bulletin.Status.SCHEDULED, publish_at__lte=now)
    if not claim.update(status=Bulletin.Status.PUBLISHED, updated_at=now):
        return None
    bulletin = Bulletin.objects.select_related("approved_revision", "created_by").get(pk=pk)
    revision = bulletin.approved_revision
    is_correction = bulletin.first_published_at is not None
    bulletin.published_revision, bulletin.published_at, bulletin.published_by = revision, now, actor
    bulletin.first_published_at = bulletin.first_published_at or now
    bulletin.publish_at, bulletin.status_reason = None, ""
    bulletin.save(update_fields=["published_revision", "published_at", "published_by", "first_published_at",
                                 "publish_at", "status_reason"])
    _list_on_feeds(bulletin, revision, now)
    queued = _zalo_enqueue(bulletin, revision, now)
    event(bulletin, BulletinEvent.Kind.PUBLISHED, actor, revision=revision,
          comment=_("Đính chính") if is_correction else "")
    _notify_published(bulletin, revision, actor, is_correction)
    signals.bulletin_published.send(sender=Bulletin, bulletin=bulletin, revision=revision, actor=actor)
    if queued:
        transaction.on_commit(_deliver_zalo_soon)
    return bulletin


def public_path(bulletin: Bulletin) -> str:
    return reverse("editorial:published_detail", args=[bulletin.pk])


def _list_on_feeds(bulletin: Bulletin, revision: BulletinRevision, now: datetime) -> None:
    ChannelDelivery.objects.bulk_create([
        ChannelDelivery(bulletin=bulletin, revision=revision, channel=ChannelDelivery.Channel.PORTAL_FEED,
                        status=ChannelDelivery.Status.LISTED, target=reverse("editorial:feed_rss"), created_at=now),
        ChannelDelivery(bulletin=bulletin, revision=revision, channel=ChannelDelivery.Channel.SOURCE_SYSTEM,
                        status=ChannelDelivery.Status.LISTED, target=reverse("editorial:feed_json"), created_at=now),
    ])


def zalo_text(bulletin: Bulletin, revision: BulletinRevision) -> str:
    """The message for propagandists: priority, title, summary (or the start of the text), link to the full text."""
    lines = []
    if revision.priority != Priority.NORMAL:
        lines.append(f"[{Priority(revision.priority).label.upper()}]")
    if revision.kind == BulletinRevision.Kind.CORRECTION:
        lines.append(_("[ĐÍNH CHÍNH]"))
    head = " ".join(lines + [revision.title])
    text = revision.summary or html_to_text(revision.body)
    link = getattr(settings, "SITE_URL", "").rstrip("/") + public_path(bulletin)
    room = ZALO_TEXT_LIMIT - len(head) - len(link) - 40
    if len(text) > room:
        text = text[: max(room, 0)].rsplit(" ", 1)[0] + "…"
    return f"{head}\n\n{text}\n\n{_('Toàn văn và âm thanh')}: {link}"


def _zalo_enqueue(bulletin: Bulletin, revision: BulletinRevision, now: datetime) -> int:
    """One message per active group that takes every bulletin or belongs to a unit the bulletin is addressed to."""
    addressed = BulletinTarget.objects.filter(bulletin=bulletin).values("unit_id")
    groups = ZaloGroup.objects.filter(is_active=True).filter(Q(unit__isnull=True) | Q(unit_id__in=addressed))
    text = zalo_text(bulletin, revision)
    created = ZaloMessage.objects.bulk_create(
        [ZaloMessage(bulletin=bulletin, revision=revision, zalo_group=g, group_id=g.group_id, text=text,
                     next_attempt_at=now, created_at=now) for g in groups.order_by("name", "pk")],
        ignore_conflicts=True,
    )
    return len(created)


def _notify_published(bulletin: Bulletin, revision: BulletinRevision, actor: User | None, is_correction: bool) -> None:
    """Rule B8 (workflows/signals.py): the drafter. The target units are told once, by the broadcast
    assignment the publication gives them (rule D3), which is their task."""
    link = bulletin_link(bulletin)
    prefix = _("Đính chính: ") if is_correction else ""
    key = f"bulletin-published:{bulletin.pk}:{revision.number}"
    notify([bulletin.created_by], kind=Kind.BULLETIN_PUBLISHED, actor=actor, link=link, dedupe_key=key,
           title=_("Đã phát hành: %(p)s%(t)s") % {"p": prefix, "t": revision.title})


def _deliver_zalo_soon() -> None:
    try:
        from ..tasks import deliver_zalo_messages  # noqa: PLC0415 (tasks imports the services)

        deliver_zalo_messages()
    except Exception:  # the periodic job sends them within a minute
        logger.exception("could not queue Zalo delivery")


# ------------------------------------------------------------------------------------------- Zalo outbox


def zalo_claim_lease() -> timedelta:
    """A claimed message is invisible to other workers for this long: a worker that died mid-send (its job lost
    with it) leaves the message due again after it, and the every-minute job sends it."""
    return timedelta(seconds=settings.ZALO_CLAIM_LEASE_SECONDS)


def zalo_outbox_deliver(*, now: datetime | None = None, limit: int = 100, sender: ZaloSender | None = None) -> int:
    """Send the due Zalo messages; returns how many were sent. Each message is claimed with a conditional UPDATE
    (status, attempts and due time unchanged since it was read), so concurrent workers never send one twice.
    The network call happens outside any transaction; each attempt leaves a ChannelDelivery row."""
    now = now or timezone.now()
    sender = sender or zalo_sender_from_settings()
    due = (ZaloMessage.objects.filter(status=ZaloMessage.Status.PENDING, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "pk").values_list("pk", "attempts")[:limit])
    sent = 0
    for pk, attempts in list(due):
        claimed = ZaloMessage.objects.filter(
            pk=pk, status=ZaloMessage.Status.PENDING, attempts=attempts, next_attempt_at__lte=now,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + zalo_claim_lease())
        if not claimed:
            continue
        message = ZaloMessage.objects.get(pk=pk)
        try:
            result = sender.send(group_id=message.group_id, text=message.text, reference=f"ttcs-zalo-{message.pk}")
        except ZaloSendError as exc:
            _zalo_failed(message, str(exc), retryable=exc.retryable, now=now)
        except Exception as exc:  # a bug in a sender must not stop the outbox
            logger.exception("Zalo sender crashed on message %s", pk)
            _zalo_failed(message, repr(exc), retryable=True, now=now)
        else:
            ZaloMessage.objects.filter(pk=pk).update(status=ZaloMessage.Status.SENT, sent_at=timezone.now(),
                                                     external_id=result.external_id[:100], last_error="")
            _zalo_attempt(message, ChannelDelivery.Status.SENT, result.detail or result.external_id)
            sent += 1
    return sent


def _zalo_failed(message: ZaloMessage, error: str, *, retryable: bool, now: datetime) -> None:
    give_up = not retryable or message.attempts >= ZALO_MAX_ATTEMPTS
    delay = ZALO_BACKOFF[min(message.attempts, len(ZALO_BACKOFF)) - 1]
    ZaloMessage.objects.filter(pk=message.pk).update(
        status=ZaloMessage.Status.FAILED if give_up else ZaloMessage.Status.PENDING,
        last_error=error, next_attempt_at=now if give_up else now + delay,
    )
    _zalo_attempt(message, ChannelDelivery.Status.FAILED, error)


def _zalo_attempt(message: ZaloMessage, status: str, detail: str) -> None:
    ChannelDelivery.objects.create(
        bulletin_id=message.bulletin_id, revision_id=message.revision_id, channel=ChannelDelivery.Channel.ZALO,
        target=message.group_id, status=status, attempt=message.attempts, detail=detail, zalo_message=message,
    )


@transaction.atomic
def zalo_message_retry(*, message: ZaloMessage, user: User) -> ZaloMessage:
    """Send a failed message again (after the channel was configured, say)."""
    require(access.can_publish(user) or user.is_superuser, _("Bạn không được gửi lại tin nhắn Zalo."))
    if not ZaloMessage.objects.filter(pk=message.pk, status=ZaloMessage.Status.FAILED).update(
            status=ZaloMessage.Status.PENDING, next_attempt_at=timezone.now()):
        raise AlreadyDone(_("Tin nhắn này không ở trạng thái lỗi."))
    message.refresh_from_db()
    transaction.on_commit(_deliver_zalo_soon)
    return message
