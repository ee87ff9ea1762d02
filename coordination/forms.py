from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import MultipleFileField, SearchableSelectMultiple
from common.ids import ModelMultipleIdField
from org.models import Unit
from org.selectors import unit_group_label
from org.targets import TARGET_SETS, target_fields_limit

from . import selectors as coordination_selectors
from .models import Assignment, ReportRequirement, Urgency
from .services import BROADCAST_CHANNELS


class AssignmentReportForm(forms.Form):
    """The unit's report; the fields follow what the directive asked for."""

    text = forms.CharField(label=_("Nội dung báo cáo"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    count = forms.IntegerField(label=_("Số lượt thực hiện"), required=False, min_value=0)
    files = MultipleFileField(label=_("Tệp minh chứng"), required=False)
    channels = forms.MultipleChoiceField(label=_("Kênh đã phát"), required=False,
                                         choices=list(BROADCAST_CHANNELS.items()), widget=forms.CheckboxSelectMultiple)
    aired_at = forms.DateTimeField(label=_("Thời điểm phát"), required=False,
                                   widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}))
    repetitions = forms.IntegerField(label=_("Số lần phát"), required=False, min_value=0)

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        if ReportRequirement.BROADCAST not in requirements:
            for name in ("channels", "aired_at", "repetitions"):
                del self.fields[name]
        if ReportRequirement.FIGURES not in requirements:
            del self.fields["count"]

    def report_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"text": data.get("text", ""), "files": data.get("files") or [],
                  "figures": {"count": data["count"]} if data.get("count") is not None else {}}
        if "channels" in self.fields:
            aired = data.get("aired_at")
            kwargs["broadcast"] = {"channels": data.get("channels") or [], "repetitions": data.get("repetitions") or 0,
                                   "aired_at": aired.isoformat() if aired else ""}
        return kwargs


class DirectiveForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    instructions = forms.CharField(label=_("Nội dung chỉ đạo"), widget=forms.Textarea(attrs={"rows": 6}))
    issuing_unit = forms.ModelChoiceField(label=_("Đơn vị ban hành"), queryset=Unit.objects.none())
    urgency = forms.ModelChoiceField(label=_("Độ khẩn"), queryset=Urgency.objects.all())
    deadline = forms.DateTimeField(label=_("Hạn hoàn thành (để trống: theo độ khẩn)"), required=False,
                                   widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}))
    target_sets = forms.MultipleChoiceField(label=_("Nhóm đơn vị nhận"), required=False,
                                            choices=list(TARGET_SETS.items()), widget=forms.CheckboxSelectMultiple)
    district_communes = ModelMultipleIdField(
        label=_("Các xã/phường của quận/huyện"), required=False, queryset=Unit.objects.none())
    target_units = ModelMultipleIdField(label=_("Đơn vị cụ thể"), required=False, queryset=Unit.objects.none(),
                                        widget=SearchableSelectMultiple(group_of=unit_group_label,
                                                                        placeholder=_("Gõ tên đơn vị để tìm…")))
    attachments = MultipleFileField(label=_("Tệp đính kèm"), required=False)
    report_requirements = forms.MultipleChoiceField(label=_("Yêu cầu báo cáo"), choices=ReportRequirement.choices,
                                                    initial=[ReportRequirement.TEXT],
                                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, issuing_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_unit"].queryset = issuing_units if issuing_units is not None else Unit.objects.none()
        self.structure = target_fields_limit(self)  # only the structure in force is offered

    def target_spec(self) -> dict:
        data = self.cleaned_data
        return {"sets": data["target_sets"], "units": [u.pk for u in data["target_units"]],
                "district_communes": [u.pk for u in data.get("district_communes", [])], "structure": self.structure}


class RelayForm(forms.Form):
    units = ModelMultipleIdField(label=_("Giao cho các xã/phường"), queryset=Unit.objects.none(),
                                 widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Unit.objects.filter(pk__in=[u.pk for u in candidates or []])


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignmentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False,
                               choices=[("", _("Tất cả"))] + list(Assignment.Status.choices))
    overdue = forms.BooleanField(label=_("Chỉ đơn vị quá hạn"), required=False)
    parent_unit = forms.ModelChoiceField(label=_("Thuộc quận/huyện"), required=False, queryset=Unit.objects.none())

    def __init__(self, *args, directive=None, **kwargs):
        super().__init__(*args, **kwargs)
        districts = coordination_selectors.directive_districts(directive) if directive is not None else None
        if districts is not None and districts.exists():
            self.fields["parent_unit"].queryset = districts
        else:  # a structure without districts (the current one): nothing on the page mentions them
            del self.fields["parent_unit"]


class OfficerForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Người xử lý"), queryset=None)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = candidates
