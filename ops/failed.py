"""Failed or stuck background work, in one list for the operator, each with its error in Vietnamese, its attempts
and a retry that is safe to press twice (every retry only moves work that is still failed or stuck back to its
queue; the jobs themselves claim each row once)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from broadcast.models import Command
from broadcast.services import commands_release
from coordination.models import Directive
from editorial.models import Bulletin, BulletinAudio, ZaloMessage
from editorial.services import zalo_message_retry
from editorial.services.audio import audio_render_retry
from notifications.models import Notification
from notifications.services import email_retry
from org.models import User
from outreach.models import Delivery as OutreachDelivery
from outreach.services import delivery_retry
from workflows.tasks import fan_out_job

STUCK = timedelta(minutes=10)
KINDS = {
    "zalo": gettext_lazy("Tin nhắn Zalo"),
    "audio": gettext_lazy("Tạo âm thanh"),
    "email": gettext_lazy("Thư điện tử thông báo"),
    "outreach": gettext_lazy("Tin gửi tuyên truyền viên"),
    "fanout": gettext_lazy("Gửi văn bản tới đơn vị"),
    "publication": gettext_lazy("Phát hành theo lịch"),
    "loudspeaker": gettext_lazy("Lệnh tới cụm loa"),
}


@dataclass
class FailedWork:
    kind: str
    pk: int
    what: str
    error: str
    attempts: int
    since: datetime | None

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def failed_work(now: datetime | None = None, limit: int = 200) -> list[FailedWork]:
    now = now or timezone.now()
    rows = []
    for m in ZaloMessage.objects.filter(status=ZaloMessage.Status.FAILED).select_related("bulletin")[:limit]:
        rows.append(FailedWork("zalo", m.pk, f"{m.bulletin.title} → {m.group_id}", m.last_error, m.attempts,
                               m.next_attempt_at))
    for a in BulletinAudio.objects.filter(status=BulletinAudio.Status.FAILED, voided_at__isnull=True).select_related(
            "revision__bulletin")[:limit]:
        rows.append(FailedWork("audio", a.pk, a.revision.bulletin.title, a.error, 1, a.rendered_at))
    late_mail = (Notification.objects.filter(email_due_at__lt=now - STUCK, emailed_at__isnull=True)
                 .annotate(tries=Count("deliveries", filter=Q(deliveries__channel="email")),
                           last=Max("deliveries__attempted_at", filter=Q(deliveries__channel="email")))
                 .select_related("recipient")[:limit])
    for n in late_mail:
        error = (n.deliveries.filter(channel="email", status="failed").order_by("-attempted_at")
                 .values_list("error", flat=True).first())
        rows.append(FailedWork("email", n.pk, f"{n.title} → {n.recipient}", error or _("Chưa gửi được."), n.tries,
                               n.email_due_at))
    for d in OutreachDelivery.objects.filter(status=OutreachDelivery.Status.FAILED).select_related("propagandist")[
            :limit]:
        rows.append(FailedWork("outreach", d.pk, f"{d.title} → {d.propagandist}", d.last_error, d.attempts,
                               d.next_attempt_at))
    for directive in Directive.objects.filter(status=Directive.Status.FANNING_OUT, approved_at__lt=now - STUCK)[:limit]:
        rows.append(FailedWork("fanout", directive.pk, directive.title, _("Đã gửi %(d)s/%(t)s đơn vị.") % {
            "d": directive.fanout_done, "t": directive.fanout_total}, 0, directive.approved_at))
    for b in Bulletin.objects.filter(status=Bulletin.Status.SCHEDULED, publish_at__lt=now - STUCK)[:limit]:
        rows.append(FailedWork("publication", b.pk, b.title, _("Quá giờ hẹn phát hành mà chưa phát hành."), 0,
                               b.publish_at))
    stuck = Command.objects.filter(status=Command.Status.QUEUED, created_at__lt=now - STUCK)
    if stuck.exists():
        rows.append(FailedWork("loudspeaker", 0, _("%(n)s lệnh chưa gửi được tới cụm loa") % {"n": stuck.count()},
                               _("Cổng MQTT không chạy hoặc không kết nối được máy chủ MQTT."),
                               max(stuck.values_list("attempts", flat=True)), stuck.order_by("created_at").first()
                               .created_at))
    return sorted(rows, key=lambda r: (r.since is None, r.since or now))


def retry(kind: str, pk: int, *, user: User) -> bool:
    """Send one back to its queue. False when it was no longer failed or stuck (already retried)."""
    if kind == "zalo":
        message = ZaloMessage.objects.filter(pk=pk, status=ZaloMessage.Status.FAILED).first()
        return bool(message and zalo_message_retry(message=message, user=user))
    if kind == "audio":
        return audio_render_retry(audio_id=pk)
    if kind == "email":
        return email_retry(notification_id=pk)
    if kind == "outreach":
        return delivery_retry(delivery_id=pk)
    if kind == "fanout":
        if not Directive.objects.filter(pk=pk, status=Directive.Status.FANNING_OUT).exists():
            return False
        fan_out_job(pk)
        return True
    if kind == "publication":
        from editorial.tasks import publish_due_bulletins  # noqa: PLC0415 (the job module, not a service)

        return bool(publish_due_bulletins())
    if kind == "loudspeaker":
        ids = list(Command.objects.filter(status=Command.Status.QUEUED).values_list("pk", flat=True))
        return bool(commands_release(ids))
    raise ValueError(kind)
