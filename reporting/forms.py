"""Forms of periodic reports: the indicator form built from a period's frozen indicators, the district's
aggregate form (notes only: its figures are computed), the open-period form and the completeness filter.

Validation rules live in reporting.services.values_clean; the form calls it so the page and the service
give the same Vietnamese message under the same field."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Structure

from .models import IndicatorKind, PeriodKind
from .selectors import COMPLETENESS_FILTERS, display_value
from .services import values_clean

BLANK = [("", "—")]
YES_NO = [("1", _("Có")), ("0", _("Không"))]


def field_name(code: str) -> str:
    return f"ind_{code}"


def _field(indicator: dict) -> forms.Field:
    label = f"{indicator['name']} ({indicator['unit']})" if indicator["unit"] else indicator["name"]
    common = {"label": label, "required": False, "help_text": indicator.get("help", "")}
    kind = indicator["kind"]
    if kind == IndicatorKind.BOOLEAN:
        return forms.ChoiceField(choices=BLANK + YES_NO, **common)
    if kind == IndicatorKind.CHOICE:
        return forms.ChoiceField(choices=BLANK + [tuple(c) for c in indicator["choices"]],
                                 error_messages={"invalid_choice": _("Lựa chọn không hợp lệ.")}, **common)
    attrs = {"inputmode": "numeric" if kind == IndicatorKind.INTEGER else "decimal", "autocomplete": "off"}
    return forms.CharField(max_length=30, widget=forms.TextInput(attrs=attrs), **common)


def _initial(indicator: dict, value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return ""
    return str(value).replace(".", ",") if indicator["kind"] == IndicatorKind.DECIMAL else str(value)


class IndicatorReportForm(forms.Form):
    """One field per indicator of the period. `complete` (submitting) adds required and cross-field rules."""

    notes = forms.CharField(label=_("Ghi chú, thuyết minh"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicators: list[dict], values: dict | None = None, complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators, self.complete = indicators, complete
        notes = self.fields.pop("notes")
        for indicator in indicators:
            name = field_name(indicator["code"])
            self.fields[name] = _field(indicator)
            if values and indicator["code"] in values:
                self.initial.setdefault(name, _initial(indicator, values[indicator["code"]]))
        self.fields["notes"] = notes

    def raw_values(self) -> dict:
        return {i["code"]: self.cleaned_data.get(field_name(i["code"]), "") for i in self.indicators}

    def clean(self):
        cleaned = super().clean()
        _values, errors = values_clean(self.indicators, self.raw_values(), complete=self.complete)
        self.add_indicator_errors(errors)
        return cleaned

    def add_indicator_errors(self, errors: dict) -> None:
        """Errors keyed by indicator code (from values_clean or the service) go under their field."""
        for code, message in errors.items():
            name = field_name(code)
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)

    def rows(self, previous: dict | None = None) -> list[dict]:
        """Template rows: group heading when the group changes, the field, the previous period's value."""
        rows, group = [], None
        for indicator in self.indicators:
            rows.append({"group": indicator["group"] if indicator["group"] != group else "",
                         "indicator": indicator, "field": self[field_name(indicator["code"])],
                         "previous": display_value(indicator, (previous or {}).get(indicator["code"]))})
            group = indicator["group"]
        return rows


class AggregateReportForm(forms.Form):
    """A district's report: the sums are computed; the district writes its notes."""

    notes = forms.CharField(label=_("Ghi chú, thuyết minh của quận/huyện"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, indicators: list[dict] | None = None, values: dict | None = None,
                 complete: bool = False, **kwargs):
        super().__init__(*args, **kwargs)

    def add_indicator_errors(self, errors: dict) -> None:
        for message in errors.values():
            self.add_error(None, message)


def value_rows(indicators: list[dict], values: dict, previous: dict | None = None, *, aggregate=False) -> list[dict]:
    rows, group = [], None
    for indicator in indicators:
        rows.append({"group": indicator["group"] if indicator["group"] != group else "", "indicator": indicator,
                     "value": display_value(indicator, values.get(indicator["code"]), aggregate=aggregate),
                     "previous": display_value(indicator, (previous or {}).get(indicator["code"]),
                                               aggregate=aggregate)})
        group = indicator["group"]
    return rows


class PeriodOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2020, max_value=2100)
    structure = forms.ChoiceField(label=_("Cơ cấu đơn vị"), choices=[
        (Structure.Y2025, Structure.Y2025.label), (Structure.CURRENT, Structure.CURRENT.label)])
    due_date = forms.DateField(
        label=_("Hạn gửi mới"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("Để trống: theo lịch báo cáo (06/6 hoặc 06/12). Bắt buộc khi hạn theo lịch đã qua."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, structure: str = Structure.Y2025, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["kind"].initial = PeriodKind.HALF_YEAR if today.month < 9 else PeriodKind.ANNUAL
        self.fields["structure"].initial = structure


class CompletenessFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Hiển thị"), required=False, choices=[("", _("Tất cả đơn vị")), *zip(
        COMPLETENESS_FILTERS, [_("Chưa gửi báo cáo"), _("Trễ hạn"), _("Đã gửi"), _("Đã chấp nhận")], strict=True)])


class ReportReopenForm(forms.Form):
    comment = forms.CharField(label=_("Lý do trả lại, việc cần sửa"), widget=forms.Textarea(attrs={"rows": 4}))


class PeriodFinishForm(forms.Form):
    summary = forms.CharField(label=_("Tổng kết kỳ báo cáo"), widget=forms.Textarea(attrs={"rows": 4}))
