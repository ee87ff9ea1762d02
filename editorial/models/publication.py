"""Publication channels. Feeds (portal RSS/Atom, the city source system's JSON) are pulled by their readers;
Zalo groups are pushed through an outbox (`ZaloMessage`, claimed by a conditional UPDATE). Every listing in a
feed and every push attempt leaves a `ChannelDelivery` row, shown on the bulletin page."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Unit

from .bulletins import Bulletin
from .reviews import BulletinRevision


class ZaloGroup(models.Model):
    """A Zalo group the Department's Official Account posts to (grassroots propagandists of a unit)."""

    name = models.CharField(_("tên nhóm"), max_length=200)
    group_id = models.CharField(_("mã nhóm Zalo"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("đơn vị"),
                             help_text=_("Để trống: nhóm nhận mọi bản tin. Có đơn vị: chỉ bản tin gửi tới đơn vị đó."))
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("nhóm Zalo")
        verbose_name_plural = _("nhóm Zalo")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ZaloMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="zalo_messages")
    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="+")
    zalo_group = models.ForeignKey(ZaloGroup, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="messages", verbose_name=_("nhóm Zalo"))
    group_id = models.CharField(_("mã nhóm Zalo"), max_length=64)
    text = models.TextField(_("nội dung tin nhắn"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    external_id = models.CharField(_("mã tin nhắn phía Zalo"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tin nhắn Zalo")
        verbose_name_plural = _("tin nhắn Zalo")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["revision", "group_id"], name="one_zalo_message_per_group")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="zalo_outbox_due")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.get_status_display()}"


class ChannelDelivery(models.Model):
    class Channel(models.TextChoices):
        PORTAL_FEED = "portal_feed", _("Cổng thông tin điện tử Sở (RSS/Atom)")
        SOURCE_SYSTEM = "source_system", _("Hệ thống thông tin nguồn TTCS (JSON)")
        ZALO = "zalo", _("Nhóm Zalo")

    class Status(models.TextChoices):
        LISTED = "listed", _("Đã đưa lên nguồn tin")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Lỗi")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="deliveries")
    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("kênh"), max_length=20, choices=Channel.choices)
    target = models.CharField(_("nơi nhận"), max_length=255, blank=True)
    status = models.CharField(_("kết quả"), max_length=10, choices=Status.choices)
    attempt = models.PositiveSmallIntegerField(_("lần thử"), default=1)
    detail = models.TextField(_("chi tiết"), blank=True)
    zalo_message = models.ForeignKey(ZaloMessage, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="deliveries")
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("lượt phát hành qua kênh")
        verbose_name_plural = _("lượt phát hành qua kênh")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["bulletin", "-created_at"], name="delivery_bulletin")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"
