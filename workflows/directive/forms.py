"""The forms of DirectiveFlow's and UnitAssignmentFlow's task pages (the domain's own forms, such as the
directive and the report, are coordination/forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import ReportRequirement


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), choices=[("approve", _("Đồng ý")), ("return", _("Trả lại"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"),
                                 choices=[("accept", _("Chấp nhận")), ("return", _("Trả lại để bổ sung"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AcknowledgeForm(forms.Form):
    planned_air_at = forms.DateTimeField(label=_("Thời điểm dự kiến phát"), required=False,
                                         widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}))

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        if ReportRequirement.SCHEDULE not in requirements:
            del self.fields["planned_air_at"]


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    instructions = forms.CharField(label=_("Nội dung chỉ đạo"), widget=forms.Textarea(attrs={"rows": 6}))


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("Tổng kết"), widget=forms.Textarea(attrs={"rows": 5}))
