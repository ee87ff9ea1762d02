"""Frozen revisions and everything the Editorial Board says about them.

A revision is append-only: written once when a bulletin is submitted (or corrected), never updated or deleted.
Decisions and comments point at the revision they were about, so a later edit cannot change what was reviewed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bulletins import Bulletin, spoken_text
from .plan import PlanTopic
from .policies import Priority


class RevisionImmutable(Exception):
    """A frozen revision was about to be changed or deleted."""


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise RevisionImmutable("bulletin revisions are never updated")

    def delete(self):
        raise RevisionImmutable("bulletin revisions are never deleted")


class BulletinRevision(models.Model):
    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("Trình duyệt")
        CORRECTION = "correction", _("Đính chính sau phát hành")

    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("phiên bản số"))
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.SUBMISSION)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"))
    summary = models.TextField(_("tóm tắt"), blank=True)
    # Snapshot of the working copy's other fields at submission.
    priority = models.CharField(_("độ ưu tiên"), max_length=10, choices=Priority.choices)
    plan_topic = models.ForeignKey(PlanTopic, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("chủ đề kế hoạch"))
    target_spec = models.JSONField(_("đối tượng nhận"), default=dict, blank=True)
    air_from = models.DateTimeField(_("phát từ"), null=True, blank=True)
    air_until = models.DateTimeField(_("phát đến"), null=True, blank=True)
    words_per_minute = models.PositiveSmallIntegerField(_("tốc độ đọc (từ/phút)"))
    estimated_air_seconds = models.PositiveIntegerField(_("thời lượng ước tính (giây)"))
    attachments = models.JSONField(_("tệp đính kèm"), default=list, blank=True)
    note = models.TextField(_("ghi chú"), blank=True, help_text=_("Ghi chú khi trình, hoặc lý do đính chính."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("người trình"))
    created_at = models.DateTimeField(_("trình lúc"), default=timezone.now)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiên bản bản tin")
        verbose_name_plural = _("phiên bản bản tin")
        ordering = ["bulletin", "number"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RevisionImmutable(f"revision {self.pk} is frozen; submit a new revision instead")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RevisionImmutable(f"revision {self.pk} is frozen and kept for the record")

    @property
    def spoken_text(self) -> str:
        return spoken_text(self.title, self.body)


class ReviewComment(models.Model):
    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("người góp ý"))
    quote = models.CharField(_("đoạn được góp ý"), max_length=500, blank=True)
    body = models.TextField(_("ý kiến"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("góp ý")
        verbose_name_plural = _("góp ý")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:50]}"


class ReviewAssignment(models.Model):
    """A Board member chosen to review one round. Only they may record a decision in that round."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="review_assignments")
    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="review_assignments")
    round = models.PositiveSmallIntegerField(_("vòng"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("người thẩm định"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bulletin", "round", "reviewer"], name="unique_reviewer_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — vòng {self.round}"


class Decision(models.TextChoices):
    APPROVE = "approve", _("Đồng ý")
    REQUEST_CHANGES = "request_changes", _("Yêu cầu chỉnh sửa")
    REJECT = "reject", _("Từ chối")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Đang chờ ý kiến")
    APPROVED = "approved", _("Được duyệt")
    CHANGES_REQUESTED = "changes_requested", _("Cần chỉnh sửa")
    REJECTED = "rejected", _("Bị từ chối")


class ReviewDecision(models.Model):
    revision = models.ForeignKey(BulletinRevision, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("người thẩm định"))
    round = models.PositiveSmallIntegerField(_("vòng"))
    decision = models.CharField(_("ý kiến"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("nhận xét"), blank=True)
    decided_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("ý kiến thẩm định")
        verbose_name_plural = _("ý kiến thẩm định")
        ordering = ["round", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "round", "reviewer"], name="unique_decision_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_decision_display()}"
