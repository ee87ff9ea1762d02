"""The bulletin as it will sound on air. Audio belongs to one frozen revision; what the Board approves and the
editor confirms is that recording, so a later change of the text voids it (`voided_at`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.files import private_storage

from .reviews import BulletinRevision


class BulletinAudio(models.Model):
    class Backend(models.TextChoices):
        ESPEAK = "espeak", _("Giọng máy espeak-ng")
        PIPER = "piper", _("Giọng AI Piper")
        UPLOAD = "upload", _("Bản thu của phát thanh viên")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ tạo")
        RENDERING = "rendering", _("Đang tạo âm thanh")
        READY = "ready", _("Sẵn sàng")
        FAILED = "failed", _("Lỗi")

    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="audios",
                                 verbose_name=_("phiên bản"))
    backend = models.CharField(_("nguồn âm thanh"), max_length=10, choices=Backend.choices)
    voice = models.CharField(_("giọng đọc"), max_length=120, blank=True)
    file = models.FileField(_("tệp âm thanh"), upload_to="editorial/audio/", storage=private_storage, max_length=255,
                            blank=True)
    duration_seconds = models.FloatField(_("thời lượng (giây)"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người yêu cầu"))
    requested_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    # Set by the job that claims the rendering; a claim older than AUDIO_RENDER_LEASE_SECONDS is a dead worker's.
    render_started_at = models.DateTimeField(_("bắt đầu tạo lúc"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("người xác nhận"))
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    voided_at = models.DateTimeField(_("hết hiệu lực lúc"), null=True, blank=True)
    void_reason = models.CharField(_("lý do hết hiệu lực"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("âm thanh bản tin")
        verbose_name_plural = _("âm thanh bản tin")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["revision", "status"], name="audio_revision_status")]
        constraints = [
            # At most one confirmed, still valid recording per revision: the one that goes on air.
            models.UniqueConstraint(fields=["revision"], name="one_confirmed_audio_per_revision",
                                    condition=Q(confirmed_at__isnull=False, voided_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.revision} — {self.get_backend_display()} — {self.get_status_display()}"

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.READY and self.voided_at is None and bool(self.file)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.voided_at is None
