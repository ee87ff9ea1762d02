"""The public feedback form (with its honeypot) and the triage form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import MultipleFileField
from feedback.uploads import ALLOWED_EXTENSIONS, MAX_FILES


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Họ và tên (không bắt buộc)"), max_length=150, required=False)
    phone = forms.CharField(label=_("Điện thoại (không bắt buộc)"), max_length=30, required=False)
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc; nhận trả lời qua thư)"), required=False)
    files = MultipleFileField(label=_("Ảnh, tệp đính kèm (không bắt buộc)"), required=False,
                              help_text=_("Tối đa %(n)s tệp: %(types)s.") % {
                                  "n": MAX_FILES, "types": ", ".join(ALLOWED_EXTENSIONS)})
    # the honeypot: hidden from people by CSS, filled in by robots that fill every field
    website = forms.CharField(label=_("Trang web"), required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Mã theo dõi"), max_length=32)


DECISIONS = [("answer", _("Trả lời người gửi")), ("forward", _("Chuyển đơn vị khác")),
             ("close", _("Đóng: không thuộc phạm vi"))]


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=_("Xử lý"), choices=DECISIONS, widget=forms.RadioSelect, initial="answer")
    answer = forms.CharField(label=_("Nội dung trả lời (hiện trên trang theo dõi)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5}))
    unit = forms.ModelChoiceField(label=_("Chuyển tới"), queryset=None, required=False,
                                  empty_label=_("— chọn đơn vị —"))
    note = forms.CharField(label=_("Ghi chú khi chuyển"), required=False, max_length=1000)
    reason = forms.CharField(label=_("Lý do đóng"), required=False, max_length=1000)

    def __init__(self, *args, targets, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = targets
        if department is not None:
            self.fields["unit"].help_text = _("Chọn “%(d)s” để chuyển lên Sở.") % {"d": department.name}

    def clean(self):
        data = super().clean()
        required = {"answer": "answer", "forward": "unit", "close": "reason"}.get(data.get("decision"))
        if required and not data.get(required):
            raise ValidationError({required: _("Xin điền mục này.")})
        return data
