"""The notification store. A `Notification` row is the truth; the websocket push is only a fast path and
email a slower one. Each delivery attempt leaves a `Delivery` row so that every send can be audited."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Việc mới trong hộp việc")
    QUEUE_TASK = "queue_task", _("Việc mới trong hàng chờ đơn vị")
    BULLETIN_RETURNED = "bulletin_returned", _("Bản tin bị trả lại để sửa")
    BULLETIN_APPROVED = "bulletin_approved", _("Bản tin được duyệt")
    BULLETIN_REJECTED = "bulletin_rejected", _("Bản tin bị từ chối")
    BULLETIN_PUBLISHED = "bulletin_published", _("Bản tin đã phát hành")
    DIRECTIVE_APPROVED = "directive_approved", _("Văn bản chỉ đạo được duyệt")
    DIRECTIVE_RECEIVED = "directive_received", _("Nhận văn bản chỉ đạo")
    ASSIGNMENT_CANCELLED = "assignment_cancelled", _("Hủy nhiệm vụ")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_ACCEPTED = "report_accepted", _("Báo cáo được chấp nhận")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    ESCALATION = "escalation", _("Báo cáo lên cấp trên do chậm xử lý")
    EMERGENCY = "emergency", _("Thông tin khẩn cấp")
    UNIT_CHANGED = "unit_changed", _("Thay đổi đơn vị công tác")
    CLUSTER_OFFLINE = "cluster_offline", _("Cụm loa mất kết nối")


class Level(models.TextChoices):
    INFO = "info", _("Thông tin")
    WARNING = "warning", _("Cảnh báo")
    URGENT = "urgent", _("Khẩn")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        verbose_name=_("người nhận"),
    )
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("mức độ"), max_length=10, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(_("liên kết"), max_length=500, blank=True, help_text=_("Đường dẫn trong hệ thống."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("người thực hiện"),
    )
    # Reminders and escalations pass a key so that each happens once per recipient, however often they run.
    # NULL, not "", means no key: the partial unique constraint below then leaves keyless rows alone.
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=200, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Email outbox: due when set, claimed by a conditional UPDATE of email_claimed_at (whoever gets there first),
    # done when emailed_at is set. A claim older than EMAIL_CLAIM_LEASE_SECONDS is a dead worker's: claimable again.
    email_due_at = models.DateTimeField(_("hạn gửi thư"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("đang gửi thư từ"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi thư lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notif_recipient_read_idx"),
            models.Index(fields=["recipient", "id"], name="notif_recipient_id_idx"),
            models.Index(fields=["email_due_at"], condition=Q(emailed_at__isnull=True), name="notif_email_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=Q(dedupe_key__isnull=False),
                name="notif_unique_dedupe_key_per_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One attempt to deliver a notification through one channel. For email, every attempt (sent: accepted by
    the backend). For the websocket only the failed hand-overs to the channel layer: the ones it took are
    counted (push.SENT_KEY), and a browser that was away catches up from the notifications themselves."""

    class Channel(models.TextChoices):
        WEBSOCKET = "websocket", _("Trình duyệt (websocket)")
        EMAIL = "email", _("Thư điện tử")

    class Status(models.TextChoices):
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Thất bại")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("thông báo")
    )
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices)
    attempted_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt gửi")
        verbose_name_plural = _("lượt gửi")
        indexes = [models.Index(fields=["notification", "channel"], name="delivery_notif_channel_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} — {self.get_status_display()}"


class EmailMode(models.TextChoices):
    NEVER = "never", _("Không gửi thư")
    URGENT_ONLY = "urgent_only", _("Chỉ thông báo khẩn")
    WHEN_UNREAD = "when_unread_after_minutes", _("Khi chưa đọc sau số phút")


DEFAULT_EMAIL_MODE = EmailMode.URGENT_ONLY
DEFAULT_UNREAD_MINUTES = 30


class NotificationPreference(models.Model):
    """How one user wants one kind of event by email. In-app delivery is always on. Without a row the user
    gets the defaults above."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences",
        verbose_name=_("người dùng"),
    )
    kind = models.CharField(_("loại thông báo"), max_length=32, choices=Kind.choices)
    email_mode = models.CharField(_("gửi thư"), max_length=32, choices=EmailMode.choices, default=DEFAULT_EMAIL_MODE)
    minutes = models.PositiveIntegerField(_("số phút"), default=DEFAULT_UNREAD_MINUTES)

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_email_mode_display()}"
