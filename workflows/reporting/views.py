"""A periodic report's task pages: the indicator form on a period assignment's `report` task, the figures to
review on its `review` task. `report_page` and `review_page`, named by UnitAssignmentFlow's nodes, show these
for an assignment that carries a period and the ordinary pages (workflows/directive/views.py) otherwise."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment
from reporting import selectors
from reporting import services as reporting_services
from reporting.forms import AggregateReportForm, IndicatorReportForm, value_rows

from ..directive.forms import ReportReviewForm
from ..directive.views import AssignmentTaskView, ReportView, ReviewView
from ..landing import after_task_url
from . import steps
from .prefill import figures_from_data


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        form.add_indicator_errors({key: " ".join(messages) for key, messages in error.message_dict.items()})
    else:
        for message in error.messages:
            form.add_error(None, message)


class PeriodTaskMixin:
    """The period, the unit's report and the previous period's values for a period assignment's task."""

    offers_reopen = False  # whether the communes' table links to sending an accepted report back

    def dispatch(self, request, *args, **kwargs):
        self.assignment = request.activation.process.assignment
        self.period = selectors.period_for_directive(self.assignment.directive_id)
        self.report = selectors.report_for_assignment(self.assignment)
        self.aggregating = reporting_services.is_aggregating(self.assignment)
        return super().dispatch(request, *args, **kwargs)

    def period_context(self) -> dict:
        previous_period, previous = selectors.previous_values(self.period, self.assignment.unit)
        context = {"period": self.period, "report": self.report, "aggregating": self.aggregating,
                   "previous_period": previous_period, "previous": previous}
        if self.aggregating:
            context["children"] = self.children()
        return context

    def children(self) -> list[dict]:
        """The district's communes with their report and, for open reviews, the task link (two queries)."""
        flow_class = self.request.activation.flow_class  # UnitAssignmentFlow, whose task this page is
        children = list(Assignment.objects.filter(parent=self.assignment).select_related("unit", "unit_report")
                        .order_by("unit__path"))
        tasks = Task.objects.filter(
            flow_task=flow_class.review, status__in=[STATUS.NEW, STATUS.ASSIGNED],
            process__artifact_object_id__in=[c.pk for c in children]).select_related("process")
        links = {t.process.artifact_object_id: t.flow_task.reverse("index", args=[t.process_id, t.pk]) for t in tasks}
        here = quote(self.request.get_full_path())
        return [{"assignment": c, "report": getattr(c, "unit_report", None), "review_url": links.get(c.pk),
                 "reopen_url": (f"{reverse('unitassignment:report_send_back', args=[c.pk])}?next={here}"
                                if self.offers_reopen and c.status == Assignment.Status.ACCEPTED else None)}
                for c in children]


class PeriodReportView(PeriodTaskMixin, AssignmentTaskView):
    """A commune fills the indicators (draft or submit); a district sends the sums of its accepted communes."""

    template_name = "workflows/reporting/period_report.html"
    submit_label = gettext_lazy("Gửi báo cáo")
    offers_reopen = True  # the district's own report is still open here

    def is_draft(self) -> bool:
        return self.request.method == "POST" and self.request.POST.get("action") == "draft"

    def get_form_class(self):
        return AggregateReportForm if self.aggregating else IndicatorReportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        saved = self.report.values if self.report else {}
        self.prefilled = {} if self.aggregating else {
            k: v for k, v in figures_from_data(self.assignment.unit, self.period).items() if k not in saved}
        kwargs.update(indicators=self.period.indicators, values={**self.prefilled, **saved},
                      complete=not self.is_draft())
        if self.report:
            kwargs["initial"] = {**kwargs.get("initial", {}), "notes": self.report.notes}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context())
        context["prefilled"] = getattr(self, "prefilled", {})
        if self.aggregating:
            sums = selectors.district_values(self.period, self.assignment.unit)
            context["value_rows"] = value_rows(self.period.indicators, sums, context["previous"], aggregate=True)
        else:
            context["rows"] = context["form"].rows(context["previous"])
        return context

    def form_valid(self, form):
        values = None if self.aggregating else form.raw_values()
        notes = form.cleaned_data.get("notes", "")
        try:
            if self.is_draft():
                reporting_services.report_save_draft(assignment=self.assignment, user=self.request.user, values=values,
                                                     notes=notes)
            else:
                steps.report_submit_step(self.request.activation, self.request.user, values=values, notes=notes)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self.form_invalid(form)
        if self.is_draft():
            messages.success(self.request, _("Đã lưu nháp. Báo cáo chưa được gửi."))
            return redirect(self.request.get_full_path())
        messages.success(self.request, _("Đã gửi báo cáo."))
        return HttpResponseRedirect(after_task_url(self.request.activation.task))


class PeriodReviewView(PeriodTaskMixin, AssignmentTaskView):
    """The reviewing unit sees the figures beside the previous period's and accepts or returns them."""

    template_name = "workflows/reporting/period_review.html"
    form_class = ReportReviewForm
    submit_label = gettext_lazy("Ghi nhận")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context())
        values = self.report.values if self.report else {}
        context["value_rows"] = value_rows(self.period.indicators, values, context["previous"],
                                           aggregate=self.aggregating)
        return context

    def run(self, form):
        steps.report_review_step(self.request.activation, self.request.user,
                                accept=form.cleaned_data["decision"] == "accept", comment=form.cleaned_data["comment"])


def period_or_ordinary(period_view, ordinary_view):
    """The page of a UnitAssignmentFlow task: `period_view` when the assignment carries a reporting period."""

    def page(request, *args, **kwargs):
        carries_period = selectors.period_for_directive(request.activation.process.assignment.directive_id)
        return (period_view if carries_period else ordinary_view)(request, *args, **kwargs)

    return page


report_page = period_or_ordinary(PeriodReportView.as_view(), ReportView.as_view())
review_page = period_or_ordinary(PeriodReviewView.as_view(), ReviewView.as_view())


