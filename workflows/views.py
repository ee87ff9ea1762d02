"""Task pages: plain Django views handed `request.activation` by viewflow; each calls one service."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from coordination.forms import AssignmentReportForm
from coordination.models import ReportRequirement
from coordination.selectors import assignment_detail
from org.web import add_errors

from . import services
from .models import AssignmentProcess, DirectiveProcess


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), choices=[("approve", _("Đồng ý")), ("return", _("Trả lại"))],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
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


class TaskView(FormView):
    """A task page: shows the object, runs the service on a valid form, reports domain errors in the form."""

    template_name = "workflows/task.html"
    submit_label = _("Hoàn thành")

    def service_kwargs(self, form) -> dict:
        return {}

    def run(self, form):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        process = self.request.activation.process
        context = super().get_context_data(**kwargs)
        context.update(activation=self.request.activation, task=self.request.activation.task,
                       process=process, submit_label=self.submit_label)
        if isinstance(process, AssignmentProcess):  # hasattr would load the artifact just to test it
            context["assignment"] = assignment_detail(process.artifact_object_id)
        if isinstance(process, DirectiveProcess):
            context["directive"] = process.directive
        return context

    def form_valid(self, form):
        try:
            self.run(form)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã lưu."))
        return HttpResponseRedirect(self.request.activation.get_success_url(self.request))


class AcknowledgeView(TaskView):
    form_class = AcknowledgeForm
    submit_label = _("Xác nhận đã nhận")

    def get_form_kwargs(self):
        requirements = self.request.activation.process.assignment.directive.report_requirements
        return {**super().get_form_kwargs(), "requirements": requirements}

    def run(self, form):
        services.assignment_acknowledge(self.request.activation, self.request.user,
                                        planned_air_at=form.cleaned_data.get("planned_air_at"))


def period_task_view(step: str, request):
    """A periodic report's assignment uses the indicator pages (workflows/reporting_views.py) for its report and
    review tasks; any other assignment keeps the pages below. None when the assignment is not a period's."""
    from reporting.selectors import period_for_directive

    from .reporting_views import PERIOD_TASK_VIEWS

    if period_for_directive(request.activation.process.assignment.directive_id) is None:
        return None
    return PERIOD_TASK_VIEWS[step]


class ReportView(TaskView):
    form_class = AssignmentReportForm
    submit_label = _("Gửi báo cáo")

    def dispatch(self, request, *args, **kwargs):
        period_view = period_task_view("report", request)
        if period_view is not None:
            return period_view(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        requirements = self.request.activation.process.assignment.directive.report_requirements
        return {**super().get_form_kwargs(), "requirements": requirements}

    def run(self, form):
        services.assignment_report(self.request.activation, self.request.user, **form.report_kwargs())


class ReviewView(TaskView):
    form_class = ReviewForm
    submit_label = _("Ghi nhận")

    def dispatch(self, request, *args, **kwargs):
        period_view = period_task_view("review", request)
        if period_view is not None:
            return period_view(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def run(self, form):
        services.assignment_review(self.request.activation, self.request.user,
                                   accept=form.cleaned_data["decision"] == "accept",
                                   comment=form.cleaned_data["comment"])


class ApproveDirectiveView(TaskView):
    form_class = DecisionForm
    submit_label = _("Ghi nhận")

    def run(self, form):
        services.directive_decide(self.request.activation, self.request.user,
                                  approve=form.cleaned_data["decision"] == "approve",
                                  comment=form.cleaned_data["comment"])


class ReviseDirectiveView(TaskView):
    form_class = ReviseForm
    submit_label = _("Gửi lại lãnh đạo")

    def get_initial(self):
        directive = self.request.activation.process.directive
        return {"title": directive.title, "instructions": directive.instructions}

    def run(self, form):
        services.directive_revise(self.request.activation, self.request.user, **form.cleaned_data)


class CloseDirectiveView(TaskView):
    form_class = CloseForm
    submit_label = _("Kết thúc văn bản")

    def run(self, form):
        services.directive_close(self.request.activation, self.request.user, summary=form.cleaned_data["summary"])
