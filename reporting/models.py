"""Periodic statistics reports (báo cáo định kỳ 6 tháng / năm).

The indicator set is data, edited in admin. A reporting period freezes it (a JSON snapshot) when it opens, so
later edits do not change a period in progress. Each period is carried by a coordination Directive: one
assignment per commune and district, reminded and escalated like any directive. A unit's figures live in
one UnitReport row per period (values keyed by indicator code).

The tables were created by coordination's migrations and renamed to reporting_* by this app's 0001."""

from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import Assignment, Directive
from org.audit import history_records
from org.models import Structure, Unit

# Codes are JSON keys and database lookups (values__<code>): lowercase, no double underscore.
INDICATOR_CODE = RegexValidator(
    r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    _("Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới (không hai dấu liền nhau)."),
)


class IndicatorKind(models.TextChoices):
    INTEGER = "integer", _("Số nguyên")
    DECIMAL = "decimal", _("Số thập phân")
    BOOLEAN = "boolean", _("Có/Không")
    CHOICE = "choice", _("Chọn một trong danh sách")


NUMERIC_KINDS = (IndicatorKind.INTEGER, IndicatorKind.DECIMAL)


def parse_choices(text: str) -> list[list[str]]:
    """Admin writes one choice per line as "code|label"; returns [[code, label], ...]."""
    result = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        code, _sep, label = line.partition("|")
        result.append([code.strip(), (label or code).strip()])
    return result


class Indicator(models.Model):
    """One statistic every commune reports. Rules: required, non-negative, not more than another indicator."""

    code = models.CharField(_("mã"), max_length=60, unique=True, validators=[INDICATOR_CODE])
    group = models.CharField(_("nhóm"), max_length=100)
    name = models.CharField(_("chỉ tiêu"), max_length=300)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    kind = models.CharField(_("kiểu dữ liệu"), max_length=10, choices=IndicatorKind.choices,
                            default=IndicatorKind.INTEGER)
    choices = models.TextField(_("các lựa chọn"), blank=True,
                               help_text=_("Mỗi dòng một lựa chọn, dạng mã|nhãn (chỉ dùng cho kiểu lựa chọn)."))
    required = models.BooleanField(_("bắt buộc"), default=False)
    non_negative = models.BooleanField(_("không âm"), default=True)
    not_more_than = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("không lớn hơn chỉ tiêu"))
    help_text = models.CharField(_("hướng dẫn"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu báo cáo")
        verbose_name_plural = _("chỉ tiêu báo cáo")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_of_measure})" if self.unit_of_measure else self.name

    def clean(self):
        errors = {}
        choice_list = parse_choices(self.choices)
        if self.kind == IndicatorKind.CHOICE:
            if len(choice_list) < 2:
                errors["choices"] = _("Kiểu lựa chọn cần ít nhất hai lựa chọn.")
            elif len({c for c, _label in choice_list}) != len(choice_list):
                errors["choices"] = _("Mã lựa chọn bị trùng.")
        elif choice_list:
            errors["choices"] = _("Chỉ kiểu lựa chọn mới có danh sách lựa chọn.")
        if self.not_more_than_id:
            other = self.not_more_than
            if other.pk == self.pk:
                errors["not_more_than"] = _("Không so sánh chỉ tiêu với chính nó.")
            elif self.kind not in NUMERIC_KINDS or other.kind not in NUMERIC_KINDS:
                errors["not_more_than"] = _("Chỉ so sánh được hai chỉ tiêu kiểu số.")
        if errors:
            raise ValidationError(errors)

    def snapshot(self) -> dict:
        """What a period freezes: everything the form, the validation and the aggregation need."""
        return {
            "code": self.code, "group": self.group, "name": self.name, "unit": self.unit_of_measure,
            "kind": self.kind, "choices": parse_choices(self.choices) if self.kind == IndicatorKind.CHOICE else [],
            "required": self.required, "non_negative": self.non_negative,
            "max_of": self.not_more_than.code if self.not_more_than_id else None, "help": self.help_text,
        }


class PeriodKind(models.TextChoices):
    HALF_YEAR = "half_year", _("6 tháng")
    ANNUAL = "annual", _("Năm")


class ReportingSchedule(models.Model):
    """The reporting calendar (editable): when each kind of period opens, its cut-off and its due date.
    The hourly job opens a period on its opening day, or later up to the due date if it was missed."""

    kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices, unique=True)
    cutoff_day = models.PositiveSmallIntegerField(_("số liệu tính đến ngày"))
    cutoff_month = models.PositiveSmallIntegerField(_("tháng"))
    due_day = models.PositiveSmallIntegerField(_("hạn gửi ngày"))
    due_month = models.PositiveSmallIntegerField(_("tháng"))
    open_day = models.PositiveSmallIntegerField(_("tự động mở kỳ ngày"))
    open_month = models.PositiveSmallIntegerField(_("tháng"))
    structure = models.CharField(
        _("cơ cấu đơn vị"), max_length=20, blank=True,
        choices=[(Structure.Y2025, Structure.Y2025.label), (Structure.CURRENT, Structure.CURRENT.label)],
        help_text=_("Để trống: cơ cấu đang có xã/phường trong hệ thống (ưu tiên cơ cấu hiện hành)."))
    opener = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("người mở kỳ tự động"),
                               help_text=_("Để trống: lãnh đạo Phòng Thông tin - Báo chí - Xuất bản."))
    is_active = models.BooleanField(_("tự động mở kỳ"), default=True)

    class Meta:
        verbose_name = _("lịch báo cáo định kỳ")
        verbose_name_plural = _("lịch báo cáo định kỳ")
        ordering = ["cutoff_month"]

    def __str__(self) -> str:
        return str(_("Báo cáo %(kind)s: số liệu đến %(d)02d/%(m)02d, hạn %(dd)02d/%(dm)02d") % {
            "kind": self.get_kind_display().lower(), "d": self.cutoff_day, "m": self.cutoff_month,
            "dd": self.due_day, "dm": self.due_month})

    def clean(self):
        for day, month, field in ((self.cutoff_day, self.cutoff_month, "cutoff_day"),
                                  (self.due_day, self.due_month, "due_day"),
                                  (self.open_day, self.open_month, "open_day")):
            try:
                date(2023, month or 0, day or 0)  # a non-leap year: 29/02 is refused
            except ValueError:
                raise ValidationError({field: _("Ngày/tháng không hợp lệ.")}) from None

    def dates(self, year: int) -> tuple[date, date, date]:
        """(cut-off, due, opening) for a year."""
        return (date(year, self.cutoff_month, self.cutoff_day), date(year, self.due_month, self.due_day),
                date(year, self.open_month, self.open_day))


class ReportingPeriod(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Chưa mở")
        OPEN = "open", _("Đang thu thập")
        CLOSED = "closed", _("Đã kết thúc")
        CANCELLED = "cancelled", _("Đã hủy")  # its directive was cancelled; the period may be opened again

    kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    structure = models.CharField(_("cơ cấu đơn vị"), max_length=20, choices=Structure.choices,
                                 default=Structure.Y2025)
    cutoff_date = models.DateField(_("số liệu tính đến ngày"))
    due_date = models.DateField(_("hạn gửi báo cáo"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    directive = models.OneToOneField(Directive, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="reporting_period", verbose_name=_("văn bản chỉ đạo"))
    indicators = models.JSONField(_("bộ chỉ tiêu của kỳ"), default=list, blank=True, editable=False)
    opened_at = models.DateTimeField(_("thời điểm mở kỳ"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("người mở kỳ"))
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = history_records(_("lịch sử kỳ báo cáo"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-cutoff_date", "structure"]
        constraints = [
            # A cancelled period stays for the record (its directive and reports) beside the one opened again.
            models.UniqueConstraint(fields=["kind", "year", "structure"], condition=~Q(status="cancelled"),
                                    name="one_live_period_per_kind_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == PeriodKind.HALF_YEAR:
            return str(_("Báo cáo thống kê thông tin cơ sở 6 tháng đầu năm %(y)s") % {"y": self.year})
        return str(_("Báo cáo thống kê thông tin cơ sở năm %(y)s") % {"y": self.year})

    @property
    def short_title(self) -> str:
        return str(_("%(kind)s %(y)s") % {"kind": self.get_kind_display(), "y": self.year})

    @property
    def deadline(self) -> datetime:
        """The due date's end of day in Asia/Ho_Chi_Minh (the project's time zone)."""
        return timezone.make_aware(datetime.combine(self.due_date, time(23, 59, 59)),
                                   timezone.get_default_timezone())

    def clean(self):
        if self.cutoff_date and self.due_date and self.due_date < self.cutoff_date:
            raise ValidationError({"due_date": _("Hạn gửi phải sau ngày chốt số liệu.")})


class UnitReport(models.Model):
    """A unit's figures for one period, tied to its assignment. Commune values are typed JSON (int, decimal as
    string, bool, choice code); a district's values are the sums of its accepted communes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Đã gửi")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã chấp nhận")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports",
                               verbose_name=_("kỳ báo cáo"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="period_reports",
                             verbose_name=_("đơn vị"))
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="unit_report",
                                      verbose_name=_("nhiệm vụ"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    values = models.JSONField(_("số liệu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    notes = models.TextField(_("ghi chú, thuyết minh"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("người gửi"))
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("người xem xét"))
    return_comment = models.TextField(_("ý kiến trả lại"), blank=True)

    class Meta:
        verbose_name = _("báo cáo của đơn vị")
        verbose_name_plural = _("báo cáo của đơn vị")
        ordering = ["unit__path"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="one_report_per_unit_period")]
        indexes = [models.Index(fields=["period", "status"])]

    def __str__(self) -> str:
        return f"{self.period} — {self.unit}"
