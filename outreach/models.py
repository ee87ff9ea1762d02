"""Grassroots propagandists (tuyên truyền viên cơ sở, guidance 2806/HD-BTTTT): people without an account, kept by
their commune, and what reaches them: one delivery per (propagandist, bulletin revision), sent through an outbox
with attempts and retries, carrying a personal link whose first opening is the receipt ("đã nhận").

A sibling of editorial: bulletins are named by id; workflows/outreach ties publication to delivery."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Unit


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    ZALO = "zalo", _("Zalo")
    SMS = "sms", _("Tin nhắn SMS")


class Propagandist(models.Model):
    class Role(models.TextChoices):
        HAMLET_HEAD = "hamlet_head", _("Trưởng thôn, tổ trưởng tổ dân phố")
        MASS_ORG = "mass_org", _("Cán bộ Mặt trận, đoàn thể")
        OTHER = "other", _("Khác")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="propagandists", verbose_name=_("xã/phường"))
    full_name = models.CharField(_("họ và tên"), max_length=150)
    hamlet = models.CharField(_("thôn, tổ dân phố"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    zalo = models.CharField(_("Zalo (số điện thoại)"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.OTHER)
    training = models.CharField(_("đã tập huấn"), max_length=300, blank=True)
    channel = models.CharField(_("kênh nhận tin"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tuyên truyền viên")
        verbose_name_plural = _("tuyên truyền viên")
        ordering = ["unit__path", "hamlet", "full_name"]
        constraints = [models.UniqueConstraint(fields=["unit", "full_name", "phone"], name="one_propagandist")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def address(self) -> str:
        """Where the chosen channel sends."""
        return {Channel.EMAIL: self.email, Channel.ZALO: self.zalo or self.phone, Channel.SMS: self.phone}[
            self.channel]


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    propagandist = models.ForeignKey(Propagandist, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("tuyên truyền viên"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường"))
    bulletin_id = models.PositiveIntegerField(_("bản tin"))
    revision = models.PositiveSmallIntegerField(_("phiên bản"))
    title = models.CharField(_("tiêu đề"), max_length=300)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)  # the personal link's secret
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("đã nhận lúc"), null=True, blank=True)
    opened = models.PositiveIntegerField(_("số lần mở"), default=0)
    reminded_at = models.DateTimeField(_("nhắc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tin gửi tuyên truyền viên")
        verbose_name_plural = _("tin gửi tuyên truyền viên")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["propagandist", "bulletin_id", "revision"],
                                               name="one_delivery_per_revision")]
        indexes = [models.Index(fields=["next_attempt_at"], name="outreach_due", condition=Q(status="pending")),
                   models.Index(fields=["bulletin_id", "unit"], name="outreach_bulletin_unit")]

    def __str__(self) -> str:
        return f"{self.title} → {self.propagandist_id}"
