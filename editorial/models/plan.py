"""The year's propaganda plan: its catalogue of topics (danh mục bài/nhóm bài)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


class PlanTopic(models.Model):
    """One article or article group of the year's propaganda plan (danh mục bài/nhóm bài)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    title = models.CharField(_("chủ đề"), max_length=300)
    month_from = models.PositiveSmallIntegerField(_("từ tháng"), validators=MONTH_VALIDATORS)
    month_to = models.PositiveSmallIntegerField(_("đến tháng"), validators=MONTH_VALIDATORS)
    directing_source = models.CharField(_("văn bản chỉ đạo"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("chủ đề kế hoạch")
        verbose_name_plural = _("chủ đề kế hoạch")
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="unique_plan_topic_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def months_label(self) -> str:
        if (self.month_from, self.month_to) == (1, 12):
            return str(_("Cả năm"))
        if self.month_from == self.month_to:
            return f"T{self.month_from}"
        return f"T{self.month_from}–{self.month_to}"
