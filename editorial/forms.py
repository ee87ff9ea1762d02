from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import MultipleFileField, SearchableSelectMultiple
from common.ids import ModelMultipleIdField
from org.models import Unit
from org.selectors import unit_group_label
from org.targets import TARGET_SETS, target_fields_limit

from .models import Bulletin, BulletinAttachment, PlanTopic, Priority, SpeechEngine
from .models.policies import WPM_VALIDATORS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}, format="%d/%m/%Y %H:%M")


class RichTextarea(forms.Textarea):
    """A textarea that editorial/richtext.js turns into a small formatting editor (bold, italic, lists)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 14, "data-richtext": "1", **(attrs or {})})


class BulletinForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    drafting_unit = forms.ModelChoiceField(label=_("Đơn vị soạn"), queryset=Unit.objects.none())
    plan_topic = forms.ModelChoiceField(label=_("Chủ đề kế hoạch"), queryset=PlanTopic.objects.none(), required=False,
                                        empty_label=_("— Tin đột xuất, ngoài kế hoạch —"))
    priority = forms.ChoiceField(label=_("Độ ưu tiên"), choices=Priority.choices, initial=Priority.NORMAL,
                                 help_text=_("Thông thường: xã chủ động phát; ưu tiên: phát trước; khẩn cấp: phát "
                                             "ngay (Thông tư 39/2020/TT-BTTTT)."))
    summary = forms.CharField(label=_("Tóm tắt"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(label=_("Nội dung"), widget=RichTextarea())
    target_sets = forms.MultipleChoiceField(label=_("Nhóm đơn vị nhận"), required=False,
                                            choices=list(TARGET_SETS.items()), widget=forms.CheckboxSelectMultiple)
    district_communes = ModelMultipleIdField(label=_("Các xã/phường của quận/huyện"), required=False,
                                             queryset=Unit.objects.none())
    target_units = ModelMultipleIdField(label=_("Đơn vị cụ thể"), required=False, queryset=Unit.objects.none(),
                                        widget=SearchableSelectMultiple(group_of=unit_group_label,
                                                                        placeholder=_("Gõ tên đơn vị để tìm…")))
    air_from = forms.DateTimeField(label=_("Phát từ"), required=False, widget=DATETIME_WIDGET)
    air_until = forms.DateTimeField(label=_("Phát đến"), required=False, widget=DATETIME_WIDGET)
    words_per_minute = forms.IntegerField(label=_("Tốc độ đọc (từ/phút)"), validators=WPM_VALIDATORS)
    attachments = MultipleFileField(label=_("Ảnh, infographic, video"), required=False,
                                    help_text=_("JPG, PNG, GIF, WEBP, MP4, MOV, WEBM."))
    attachment_kind = forms.ChoiceField(label=_("Loại ảnh đính kèm"), choices=[
        (BulletinAttachment.Kind.IMAGE, BulletinAttachment.Kind.IMAGE.label),
        (BulletinAttachment.Kind.INFOGRAPHIC, BulletinAttachment.Kind.INFOGRAPHIC.label),
    ], initial=BulletinAttachment.Kind.IMAGE, required=False)

    def __init__(self, *args, drafting_units=None, structure: str | None = None, bulletin: Bulletin | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafting_unit"].queryset = drafting_units if drafting_units is not None else Unit.objects.none()
        year = timezone.localdate().year
        self.fields["plan_topic"].queryset = PlanTopic.objects.filter(is_active=True, year__gte=year - 1)
        self.structure = target_fields_limit(self, structure)  # the structure in force unless told
        if bulletin is not None:
            del self.fields["drafting_unit"]

    def clean(self):
        data = super().clean()
        if data.get("air_from") and data.get("air_until") and data["air_until"] < data["air_from"]:
            self.add_error("air_until", _("Thời điểm kết thúc phát phải sau thời điểm bắt đầu."))
        return data

    @staticmethod
    def initial_for(bulletin: Bulletin) -> dict:
        spec = bulletin.target_spec or {}
        return {
            "title": bulletin.title, "plan_topic": bulletin.plan_topic_id, "priority": bulletin.priority,
            "summary": bulletin.summary, "body": bulletin.body, "target_sets": spec.get("sets", []),
            "district_communes": spec.get("district_communes", []), "target_units": spec.get("units", []),
            "air_from": bulletin.air_from, "air_until": bulletin.air_until,
            "words_per_minute": bulletin.words_per_minute,
        }

    def target_spec(self) -> dict:
        data = self.cleaned_data
        return {"sets": data["target_sets"], "units": [u.pk for u in data["target_units"]],
                "district_communes": [u.pk for u in data.get("district_communes", [])], "structure": self.structure}

    def bulletin_data(self) -> dict:
        data = self.cleaned_data
        fields = ("title", "plan_topic", "priority", "summary", "body", "air_from", "air_until", "words_per_minute")
        return {**{f: data[f] for f in fields}, "target_spec": self.target_spec()}


class CommentForm(forms.Form):
    quote = forms.CharField(label=_("Đoạn được góp ý (không bắt buộc)"), required=False, max_length=500)
    body = forms.CharField(label=_("Góp ý"), widget=forms.Textarea(attrs={"rows": 3}))


class AudioRequestForm(forms.Form):
    engine = forms.ChoiceField(label=_("Bộ đọc"), choices=SpeechEngine.choices, initial=SpeechEngine.ESPEAK)
    voice = forms.ChoiceField(label=_("Giọng espeak-ng"), required=False, choices=[
        ("vi", _("Miền Bắc (vi)")), ("vi-vn-x-central", _("Miền Trung")), ("vi-vn-x-south", _("Miền Nam")),
    ])


class AudioUploadForm(forms.Form):
    file = forms.FileField(label=_("Bản thu (WAV)"))


class BulletinFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[
        ("", _("Tất cả")), ("published_any", _("Đang phát hành (kể cả đang đính chính)")), *Bulletin.Status.choices])
    priority = forms.ChoiceField(label=_("Độ ưu tiên"), required=False, choices=[("", _("Tất cả")), *Priority.choices])
    plan_topic = forms.ModelChoiceField(label=_("Chủ đề"), required=False, queryset=PlanTopic.objects.none())
    q = forms.CharField(label=_("Tìm theo tiêu đề"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_topic"].queryset = PlanTopic.objects.filter(is_active=True).order_by("-year", "number")


class CorrectionForm(forms.Form):
    """A correction after publication: the new text and why (shown to the Board and in the history)."""

    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    body = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 10}))
    reason = forms.CharField(label=_("Lý do đính chính"), widget=forms.Textarea(attrs={"rows": 3}))
