"""Editable rules of the editorial process (admin "Thiết lập"): reading speed and speech engine, the Hanoi
loudspeaker limits, and how the Editorial Board's votes are counted. Each has code defaults, so a missing row
never breaks a page; a data migration writes the rows an administrator then edits."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# espeak-ng accepts 80..450 words per minute; a radio presenter reads Vietnamese at about 130..170.
WPM_VALIDATORS = [MinValueValidator(80), MaxValueValidator(450)]


class Priority(models.TextChoices):
    """Circular 39/2020/TT-BTTTT: how a commune station must treat a bulletin from the source system."""

    NORMAL = "normal", _("Thông thường")
    PRIORITY = "priority", _("Ưu tiên")
    EMERGENCY = "emergency", _("Khẩn cấp")


class SpeechEngine(models.TextChoices):
    ESPEAK = "espeak", _("espeak-ng (giọng máy, có sẵn)")
    PIPER = "piper", _("Piper (giọng AI, cần tệp giọng do quản trị cài)")


class EditorialSettings(models.Model):
    """One row is used (the first)."""

    words_per_minute = models.PositiveSmallIntegerField(
        _("tốc độ đọc mặc định (từ/phút)"), default=150, validators=WPM_VALIDATORS,
        help_text=_("Dùng để ước tính thời lượng và cho giọng đọc espeak-ng; mỗi bản tin có thể chỉnh riêng."),
    )
    speech_engine = models.CharField(_("bộ đọc mặc định"), max_length=10, choices=SpeechEngine.choices,
                                     default=SpeechEngine.ESPEAK)
    espeak_voice = models.CharField(_("giọng espeak-ng"), max_length=40, default="vi",
                                    help_text=_("vi, vi-vn-x-central hoặc vi-vn-x-south."))
    piper_model_path = models.CharField(
        _("tệp giọng Piper (.onnx)"), max_length=500, blank=True,
        help_text=_("Đường dẫn trên máy chủ; tệp .onnx.json phải nằm cạnh. Hệ thống không tải giọng từ mạng."),
    )
    piper_executable = models.CharField(_("chương trình Piper"), max_length=300, default="piper")
    require_confirmed_audio = models.BooleanField(
        _("bắt buộc xác nhận âm thanh trước khi Lãnh đạo ký duyệt"), default=True,
        help_text=_("Cái được duyệt là bản âm thanh sẽ phát. Tin khẩn cấp không qua bước này nhưng chỉ được phát "
                    "hành khi đã có bản âm thanh được xác nhận (tạo tự động khi Lãnh đạo Sở duyệt)."),
    )
    max_image_mb = models.PositiveIntegerField(_("dung lượng tối đa ảnh/infographic (MB)"), default=10)
    max_video_mb = models.PositiveIntegerField(_("dung lượng tối đa video (MB)"), default=200)
    max_recording_mb = models.PositiveIntegerField(_("dung lượng tối đa bản thu âm (MB)"), default=100)

    class Meta:
        verbose_name = _("thiết lập biên tập")
        verbose_name_plural = _("thiết lập biên tập")

    def __str__(self) -> str:
        return str(_("Thiết lập biên tập"))

    @classmethod
    def current(cls) -> EditorialSettings:
        return cls.objects.order_by("pk").first() or cls()


class BroadcastLimit(models.Model):
    """Hanoi's 2021 rules for loudspeaker stations: how long one session may last, by kind of commune."""

    class Area(models.TextChoices):
        URBAN = "urban", _("phường, thị trấn (đô thị)")
        RURAL = "rural", _("xã (nông thôn)")

    area = models.CharField(_("địa bàn"), max_length=10, choices=Area.choices, unique=True)
    max_minutes_per_session = models.PositiveSmallIntegerField(_("tối đa phút mỗi buổi phát"))
    sessions_per_day = models.PositiveSmallIntegerField(_("số buổi tối đa mỗi ngày"), null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(_("số ngày phát mỗi tuần"), null=True, blank=True)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True)

    DEFAULTS = {
        Area.URBAN: {"max_minutes_per_session": 15, "sessions_per_day": 2, "days_per_week": 5},
        Area.RURAL: {"max_minutes_per_session": 45, "sessions_per_day": None, "days_per_week": None},
    }
    DEFAULT_SOURCE = "Quy định về hoạt động đài truyền thanh cơ sở của TP Hà Nội (2021)"

    class Meta:
        verbose_name = _("giới hạn thời lượng phát")
        verbose_name_plural = _("giới hạn thời lượng phát")
        ordering = ["area"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: ≤ {self.max_minutes_per_session} phút/buổi"

    @classmethod
    def current(cls) -> dict[str, BroadcastLimit]:
        limits = {row.area: row for row in cls.objects.all()}
        for area, values in cls.DEFAULTS.items():
            limits.setdefault(area, cls(area=area, source=cls.DEFAULT_SOURCE, **values))
        return limits


class ReviewRule(models.TextChoices):
    ALL = "all", _("Mọi thành viên được phân công đồng ý")
    MAJORITY = "majority", _("Quá nửa số thành viên được phân công đồng ý")


class ReviewPolicy(models.Model):
    """How the Board's decisions are counted. A row for one priority overrides the default row (no priority)."""

    priority = models.CharField(_("áp dụng cho độ ưu tiên"), max_length=10, choices=Priority.choices, blank=True,
                                unique=True, help_text=_("Để trống: mặc định cho mọi bản tin."))
    rule = models.CharField(_("quy tắc"), max_length=10, choices=ReviewRule.choices, default=ReviewRule.ALL)

    class Meta:
        verbose_name = _("quy tắc thẩm định")
        verbose_name_plural = _("quy tắc thẩm định")
        ordering = ["priority"]

    def __str__(self) -> str:
        scope = self.get_priority_display() if self.priority else _("Mặc định")
        return f"{scope}: {self.get_rule_display()}"

    @classmethod
    def rule_for(cls, priority: str) -> str:
        rules = dict(cls.objects.filter(priority__in=[priority, ""]).values_list("priority", "rule"))
        return rules.get(priority) or rules.get("") or ReviewRule.ALL
