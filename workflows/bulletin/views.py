"""BulletinFlow task pages: a form each, the bulletin shown above it, one step of steps.py on submit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.ids import ModelMultipleIdField
from editorial.models import Decision
from editorial.selectors import bulletin_revisions, confirmed_audio, reviewer_candidates, revision_diff, round_reviewers
from org.models import Role

from ..views import TaskView
from . import steps


class BulletinTaskView(TaskView):
    template_name = "workflows/bulletin/task.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bulletin = self.request.activation.process.bulletin
        revisions = bulletin_revisions(bulletin)
        context.update(bulletin=bulletin, diff=revision_diff(revisions),
                       audio=confirmed_audio(bulletin.approved_revision))
        return context


class ChooseReviewersForm(forms.Form):
    reviewers = ModelMultipleIdField(label=_("Thành viên thẩm định"), queryset=None,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = reviewer_candidates()


class ChooseReviewersView(BulletinTaskView):
    form_class = ChooseReviewersForm
    submit_label = _("Giao thẩm định")

    def get_initial(self):
        return {"reviewers": list(reviewer_candidates().filter(memberships__role=Role.BOARD_MEMBER))}

    def run(self, form):
        steps.choose_reviewers_step(self.request.activation, self.request.user,
                                  reviewers=list(form.cleaned_data["reviewers"]))


class BulletinReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Ý kiến thẩm định"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Nhận xét"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class ReviewBulletinView(BulletinTaskView):
    form_class = BulletinReviewForm
    submit_label = _("Gửi ý kiến")

    def run(self, form):
        steps.review_step(self.request.activation, self.request.user, **form.cleaned_data)


class HandOverForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Giao cho thành viên"), queryset=None)

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_candidates().exclude(pk__in=exclude)


class HandOverReviewView(BulletinTaskView):
    """The Board secretary gives an open review to another Board member (viewflow's "reassign" action)."""

    form_class = HandOverForm
    submit_label = _("Giao lại")

    def get_form_kwargs(self):
        bulletin = self.request.activation.process.bulletin
        return {**super().get_form_kwargs(), "exclude": [a.reviewer_id for a in round_reviewers(bulletin)]}

    def run(self, form):
        steps.hand_over_step(self.request.activation, self.request.user, to=form.cleaned_data["reviewer"])


class ResubmitForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú cho Ban biên tập"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReviseBulletinView(BulletinTaskView):
    form_class = ResubmitForm
    submit_label = _("Trình lại Ban biên tập")

    def run(self, form):
        steps.revise_step(self.request.activation, self.request.user, note=form.cleaned_data["note"])


class ConfirmForm(forms.Form):
    pass


class PrepareAudioView(BulletinTaskView):
    form_class = ConfirmForm
    submit_label = _("Chuyển Lãnh đạo Sở ký duyệt")

    def run(self, form):
        steps.prepare_audio_step(self.request.activation, self.request.user)


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), widget=forms.RadioSelect,
                                 choices=[("sign", _("Ký duyệt")), ("return", _("Trả lại Ban biên tập"))])
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SignOffView(BulletinTaskView):
    form_class = SignOffForm
    submit_label = _("Ghi nhận")

    def run(self, form):
        steps.sign_off_step(self.request.activation, self.request.user,
                                 approve=form.cleaned_data["decision"] == "sign", comment=form.cleaned_data["comment"])


class EmergencyForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveEmergencyView(BulletinTaskView):
    form_class = EmergencyForm
    submit_label = _("Duyệt và cho phát ngay")

    def run(self, form):
        steps.approve_emergency_step(self.request.activation, self.request.user, comment=form.cleaned_data["comment"])


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("Hẹn giờ phát hành (để trống: phát hành ngay)"), required=False,
                                     widget=forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm"}))


class PublishView(BulletinTaskView):
    form_class = PublishForm
    submit_label = _("Phát hành")

    def run(self, form):
        steps.publish_step(self.request.activation, self.request.user,
                                publish_at=form.cleaned_data["publish_at"])
