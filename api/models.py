"""Machines that talk to us: registered API clients (with a hashed token, a unit scope and a rate limit), the
answers kept for idempotency keys, every pull of a bulletin by a client, and what each e-board showed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import Bulletin
from org.models import Unit


class ApiClient(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Hệ thống thông tin nguồn trung ương")
        LOUDSPEAKER_VENDOR = "loudspeaker_vendor", _("Nhà cung cấp cụm loa CNTT-VT")
        EBOARD = "eboard", _("Bảng tin điện tử công cộng")
        COMMUNE_SOFTWARE = "commune_software", _("Phần mềm của xã/phường")

    class Access(models.TextChoices):
        READ = "read", _("Chỉ đọc")
        READ_WRITE = "read_write", _("Đọc và ghi")

    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    access = models.CharField(_("quyền"), max_length=10, choices=Access.choices, default=Access.READ)
    all_units = models.BooleanField(_("mọi đơn vị"), default=False,
                                    help_text=_("Bật: phạm vi là mọi đơn vị. Tắt: các đơn vị chọn dưới đây và "
                                                "các đơn vị trực thuộc chúng."))
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("đơn vị trong phạm vi"))
    rate_limit_per_minute = models.PositiveIntegerField(_("giới hạn số yêu cầu mỗi phút"), default=120)
    # The token itself is never stored: its SHA-256 (a token is 256 random bits, so a fast hash is enough) and
    # its first characters, for people to tell tokens apart.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("đầu mã truy cập"), max_length=16, editable=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("ứng dụng kết nối")
        verbose_name_plural = _("ứng dụng kết nối")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.READ_WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotentAnswer(models.Model):
    """The answer given to a write with a client's key: the same key with the same body gets it again, the same
    key with another body is refused (409)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    operation = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("khóa chống ghi lặp")
        verbose_name_plural = _("khóa chống ghi lặp")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_one_answer_per_client_key")]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.key}"


class BulletinPull(models.Model):
    """A registered client fetched a published bulletin: once per client, bulletin and unit (the unit the client
    asked for; empty when it asked for its whole scope), with the first and last time and how often."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="pulls", verbose_name=_("ứng dụng"))
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="api_pulls",
                                 verbose_name=_("bản tin"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("đơn vị"))
    revision = models.PositiveIntegerField(_("phiên bản"), default=0)
    first_pulled_at = models.DateTimeField(_("lấy lần đầu"), default=timezone.now)
    last_pulled_at = models.DateTimeField(_("lấy lần cuối"), default=timezone.now)
    count = models.PositiveIntegerField(_("số lần"), default=0)

    class Meta:
        verbose_name = _("lượt lấy bản tin qua API")
        verbose_name_plural = _("lượt lấy bản tin qua API")
        constraints = [
            models.UniqueConstraint(fields=["client", "bulletin", "unit"], condition=Q(unit__isnull=False),
                                    name="api_pull_per_unit"),
            models.UniqueConstraint(fields=["client", "bulletin"], condition=Q(unit__isnull=True),
                                    name="api_pull_whole_scope"),
        ]
        indexes = [models.Index(fields=["bulletin", "unit"], name="api_pull_bulletin")]

    def __str__(self) -> str:
        return f"{self.client} → {self.bulletin_id}"


class EboardShowing(models.Model):
    """What an e-board showed: once per e-board client, unit and bulletin, with the first and last time."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="showings",
                               verbose_name=_("bảng tin điện tử"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="eboard_showings",
                                 verbose_name=_("bản tin"))
    revision = models.PositiveIntegerField(_("phiên bản"), default=0)
    first_shown_at = models.DateTimeField(_("hiển thị lần đầu"), default=timezone.now)
    last_shown_at = models.DateTimeField(_("hiển thị lần cuối"), default=timezone.now)
    count = models.PositiveIntegerField(_("số lần"), default=0)

    class Meta:
        verbose_name = _("bản tin trên bảng tin điện tử")
        verbose_name_plural = _("bản tin trên bảng tin điện tử")
        constraints = [models.UniqueConstraint(fields=["client", "unit", "bulletin"], name="eboard_showing_once")]
        indexes = [models.Index(fields=["bulletin", "unit"], name="eboard_showing_bulletin")]

    def __str__(self) -> str:
        return f"{self.client} — {self.unit_id} — {self.bulletin_id}"
