"""Radio bulletins (bài phát thanh, bản tin): the working copy, its targets, attachments and history.

The working copy (`Bulletin`) is what drafters edit. Every submission freezes a `BulletinRevision`; reviews,
comments, audio and publication all point at a revision, never at the mutable working copy. State changes go
through `editorial.services`; this module only keeps state and the invariants a row can check alone."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.files import private_storage
from org.audit import history_records
from org.models import Unit

from .plan import PlanTopic
from .policies import WPM_VALIDATORS, Priority


def spoken_text(title: str, body: str) -> str:
    """What is read on air: the title, a pause, then the body (HTML is stripped by the normaliser)."""
    return f"<p>{title}</p>\n{body}"


class Bulletin(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã trình, chờ phân công thẩm định")
        IN_REVIEW = "in_review", _("Ban biên tập đang thẩm định")
        CHANGES_REQUESTED = "changes_requested", _("Cần chỉnh sửa")
        APPROVED = "approved", _("Ban biên tập đã duyệt")
        SIGNED_OFF = "signed_off", _("Lãnh đạo Sở đã ký duyệt")
        SCHEDULED = "scheduled", _("Đã hẹn giờ phát hành")
        PUBLISHED = "published", _("Đã phát hành")
        REJECTED = "rejected", _("Bị từ chối")
        WITHDRAWN = "withdrawn", _("Đã rút lại")

    # Drafters edit freely in these; an edit in APPROVAL_HELD voids the approval and its audio.
    EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.WITHDRAWN)
    APPROVAL_HELD = (Status.APPROVED, Status.SIGNED_OFF, Status.SCHEDULED)
    UNDER_REVIEW = (Status.SUBMITTED, Status.IN_REVIEW)

    title = models.CharField(_("tiêu đề"), max_length=300)
    plan_topic = models.ForeignKey(
        PlanTopic, verbose_name=_("chủ đề kế hoạch"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="bulletins", help_text=_("Để trống với tin đột xuất ngoài kế hoạch."),
    )
    body = models.TextField(_("nội dung"), help_text=_("Định dạng cơ bản; mã HTML khác bị loại bỏ."))
    summary = models.TextField(_("tóm tắt"), blank=True, max_length=1000)
    priority = models.CharField(_("độ ưu tiên"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    target_spec = models.JSONField(_("đối tượng nhận"), default=dict, blank=True)
    target_units = models.ManyToManyField(Unit, through="BulletinTarget", related_name="addressed_bulletins",
                                          verbose_name=_("đơn vị nhận"))
    air_from = models.DateTimeField(_("phát từ"), null=True, blank=True)
    air_until = models.DateTimeField(_("phát đến"), null=True, blank=True)
    words_per_minute = models.PositiveSmallIntegerField(_("tốc độ đọc (từ/phút)"), validators=WPM_VALIDATORS,
                                                        default=150)
    estimated_air_seconds = models.PositiveIntegerField(_("thời lượng ước tính (giây)"), default=0, editable=False)
    drafting_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị soạn"), on_delete=models.PROTECT,
                                      related_name="drafted_bulletins")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người soạn"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("lý do"), blank=True,
                                     help_text=_("Lý do trả lại, từ chối hoặc hủy phê duyệt, hiển thị cho người soạn."))
    review_round = models.PositiveSmallIntegerField(_("vòng thẩm định"), default=0)
    review_rule = models.CharField(_("quy tắc thẩm định của vòng"), max_length=10, blank=True)
    current_revision = models.ForeignKey("BulletinRevision", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("phiên bản mới nhất"))
    approved_revision = models.ForeignKey("BulletinRevision", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("phiên bản được duyệt"))
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("lãnh đạo ký duyệt"))
    signed_off_at = models.DateTimeField(_("ký duyệt lúc"), null=True, blank=True)
    publish_at = models.DateTimeField(_("hẹn phát hành lúc"), null=True, blank=True)
    published_revision = models.ForeignKey("BulletinRevision", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("phiên bản đang phát hành"))
    published_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người phát hành"))
    first_published_at = models.DateTimeField(_("phát hành lần đầu lúc"), null=True, blank=True)
    history = history_records(_("lịch sử thay đổi bản tin"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("bản tin")
        verbose_name_plural = _("bản tin")
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("manage_review", _("Điều phối thẩm định bản tin (Thư ký Ban biên tập)")),
            ("sign_off_bulletin", _("Ký duyệt bản tin (Lãnh đạo Sở)")),
            ("publish_bulletin", _("Phát hành bản tin")),
        ]
        indexes = [
            models.Index(fields=["status"], name="bulletin_status"),
            models.Index(fields=["drafting_unit", "status"], name="bulletin_unit_status"),
            models.Index(fields=["publish_at"], name="bulletin_scheduled", condition=Q(status="scheduled")),
            models.Index(fields=["-published_at"], name="bulletin_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(air_from__isnull=True) | Q(air_until__isnull=True) | Q(air_until__gte=F("air_from")),
                name="bulletin_air_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def spoken_text(self) -> str:
        return spoken_text(self.title, self.body)

    @property
    def is_published(self) -> bool:
        return self.published_revision_id is not None

    @property
    def is_correction_pending(self) -> bool:
        return self.is_published and self.status != self.Status.PUBLISHED


class BulletinTarget(models.Model):
    """The units a bulletin is addressed to, resolved from `target_spec` whenever it changes."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("đơn vị nhận bản tin")
        verbose_name_plural = _("đơn vị nhận bản tin")
        constraints = [models.UniqueConstraint(fields=["bulletin", "unit"], name="unique_bulletin_target")]
        indexes = [models.Index(fields=["unit", "bulletin"], name="bulletin_target_unit")]

    def __str__(self) -> str:
        return f"{self.bulletin_id} → {self.unit_id}"


def attachment_upload_to(instance: BulletinAttachment, filename: str) -> str:
    # A random name: the original name is kept in `name` and never becomes a path on disk.
    extension = PurePosixPath(filename).suffix.lower()[:10]
    return f"editorial/attachments/{instance.bulletin_id}/{uuid.uuid4().hex}{extension}"


class BulletinAttachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        INFOGRAPHIC = "infographic", _("Infographic")
        VIDEO = "video", _("Video")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_upload_to, storage=private_storage, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm bản tin")
        verbose_name_plural = _("tệp đính kèm bản tin")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def snapshot(self) -> dict:
        return {"id": self.pk, "kind": self.kind, "name": self.name, "file": self.file.name,
                "content_type": self.content_type, "size": self.size}


class BulletinEvent(models.Model):
    """What happened to a bulletin, who did it and why: the history shown on the bulletin page."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo dự thảo")
        UPDATED = "updated", _("Sửa nội dung")
        SUBMITTED = "submitted", _("Trình duyệt")
        WITHDRAWN = "withdrawn", _("Rút lại")
        REVIEWERS_SET = "reviewers_set", _("Phân công thẩm định")
        DECIDED = "decided", _("Cho ý kiến thẩm định")
        APPROVED = "approved", _("Ban biên tập duyệt")
        CHANGES_REQUESTED = "changes_requested", _("Trả lại để sửa")
        REJECTED = "rejected", _("Từ chối")
        SIGNED_OFF = "signed_off", _("Lãnh đạo ký duyệt")
        RETURNED_TO_BOARD = "returned_to_board", _("Lãnh đạo trả lại Ban biên tập")
        APPROVAL_VOIDED = "approval_voided", _("Hủy phê duyệt do nội dung thay đổi")
        SCHEDULED = "scheduled", _("Hẹn giờ phát hành")
        UNSCHEDULED = "unscheduled", _("Hủy hẹn giờ")
        PUBLISHED = "published", _("Phát hành")
        CORRECTED = "corrected", _("Đính chính")
        AUDIO_REQUESTED = "audio_requested", _("Yêu cầu tạo âm thanh")
        AUDIO_UPLOADED = "audio_uploaded", _("Tải lên bản thu âm")
        AUDIO_CONFIRMED = "audio_confirmed", _("Xác nhận âm thanh")
        RETARGETED = "retargeted", _("Chuyển đơn vị nhận theo sắp xếp đơn vị hành chính")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    revision = models.ForeignKey("BulletinRevision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử bản tin")
        verbose_name_plural = _("lịch sử bản tin")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.bulletin_id}: {self.get_kind_display()}"
