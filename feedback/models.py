"""Citizens' feedback (phản ánh, kiến nghị, Decree 49/2024): one row per item a person sends to a commune, its
attachments, and the admin-editable timing. State lives here; workflows/feedback/ drives it through services."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.files import RandomName, private_storage
from org.models import Unit


def tracking_code() -> str:
    """What the sender keeps to follow their item: 16 random bytes, URL-safe (unguessable, not a row id)."""
    return secrets.token_urlsafe(16)


class FeedbackSettings(models.Model):
    """How long a unit has to answer and when it is reminded (one row, editable in the admin)."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    answer_within_hours = models.PositiveIntegerField(_("thời hạn trả lời (giờ)"), default=72)
    remind_hours_before = models.PositiveIntegerField(
        _("nhắc đơn vị trước hạn (giờ)"), default=24, help_text=_("0: không nhắc trước hạn."))

    class Meta:
        verbose_name = _("cài đặt phản ánh, kiến nghị")
        verbose_name_plural = _("cài đặt phản ánh, kiến nghị")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=1), name="feedback_settings_one_row")]

    def __str__(self) -> str:
        return str(_("Thời hạn trả lời: %(h)s giờ") % {"h": self.answer_within_hours})


class Feedback(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Đang xử lý")
        ANSWERED = "answered", _("Đã trả lời")
        CLOSED = "closed", _("Đã đóng (không thuộc phạm vi)")

    code = models.CharField(_("mã theo dõi"), max_length=32, unique=True, default=tracking_code, editable=False)
    commune = models.ForeignKey(Unit, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đang xử lý"), on_delete=models.PROTECT,
                             related_name="feedback_items")
    text = models.TextField(_("nội dung"))
    summary = models.CharField(_("tóm tắt"), max_length=120)
    # the sender's contact, all optional: shown only to the unit handling the item (feedback/access.py)
    name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời"), blank=True)
    close_reason = models.TextField(_("lý do đóng"), blank=True)
    handled_at = models.DateTimeField(_("xử lý xong lúc"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_by_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    forwarded_times = models.PositiveSmallIntegerField(_("số lần chuyển"), default=0)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="feedback_open_due")]

    def __str__(self) -> str:
        return self.summary

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECEIVED


class FeedbackAttachment(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=RandomName("feedback/%Y/%m"), storage=private_storage,
                            max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class FeedbackForward(models.Model):
    """One row per hand-over, so the handling unit sees where the item has been."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="forwards")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("ghi chú"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"
