"""Periodic report pages that move flows: the indicator form on a period assignment's `report` task, the
review page on its `review` task (workflows/views.py hands these tasks over), opening and closing a period."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination import selectors as coordination_selectors
from coordination import services as coordination
from coordination.models import Assignment, Directive
from org.web import add_errors
from reporting import selectors
from reporting import services as reporting_services
from reporting.forms import (
    AggregateReportForm,
    IndicatorReportForm,
    PeriodFinishForm,
    PeriodOpenForm,
    ReportReopenForm,
    value_rows,
)

from . import reporting
from .views import ReviewForm, TaskView


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
        from .flows import UnitAssignmentFlow

        children = list(Assignment.objects.filter(parent=self.assignment).select_related("unit", "unit_report")
                        .order_by("unit__path"))
        tasks = Task.objects.filter(
            flow_task=UnitAssignmentFlow.review, status__in=[STATUS.NEW, STATUS.ASSIGNED],
            process__artifact_object_id__in=[c.pk for c in children]).select_related("process")
        links = {t.process.artifact_object_id: t.flow_task.reverse("index", args=[t.process_id, t.pk]) for t in tasks}
        here = quote(self.request.get_full_path())
        return [{"assignment": c, "report": getattr(c, "unit_report", None), "review_url": links.get(c.pk),
                 "reopen_url": (f"{reverse('coordination:report_reopen', args=[c.pk])}?next={here}"
                                if self.offers_reopen and c.status == Assignment.Status.ACCEPTED else None)}
                for c in children]


class PeriodReportView(PeriodTaskMixin, TaskView):
    """A commune fills the indicators (draft or submit); a district sends the sums of its accepted communes."""

    template_name = "workflows/period_report.html"
    submit_label = gettext_lazy("Gửi báo cáo")
    offers_reopen = True  # the district's own report is still open here

    def is_draft(self) -> bool:
        return self.request.method == "POST" and self.request.POST.get("action") == "draft"

    def get_form_class(self):
        return AggregateReportForm if self.aggregating else IndicatorReportForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(indicators=self.period.indicators, values=self.report.values if self.report else {},
                      complete=not self.is_draft())
        if self.report:
            kwargs["initial"] = {**kwargs.get("initial", {}), "notes": self.report.notes}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context())
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
                reporting.report_submit(self.request.activation, self.request.user, values=values, notes=notes)
        except ValidationError as error:
            _add_service_errors(form, error)
            return self.form_invalid(form)
        if self.is_draft():
            messages.success(self.request, _("Đã lưu nháp. Báo cáo chưa được gửi."))
            return redirect(self.request.get_full_path())
        messages.success(self.request, _("Đã gửi báo cáo."))
        return HttpResponseRedirect(self.request.activation.get_success_url(self.request))


class PeriodReviewView(PeriodTaskMixin, TaskView):
    """The reviewing unit sees the figures beside the previous period's and accepts or returns them."""

    template_name = "workflows/period_review.html"
    form_class = ReviewForm
    submit_label = gettext_lazy("Ghi nhận")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.period_context())
        values = self.report.values if self.report else {}
        context["value_rows"] = value_rows(self.period.indicators, values, context["previous"],
                                           aggregate=self.aggregating)
        return context

    def run(self, form):
        reporting.report_review(self.request.activation, self.request.user,
                                accept=form.cleaned_data["decision"] == "accept", comment=form.cleaned_data["comment"])


PERIOD_TASK_VIEWS = {"report": PeriodReportView.as_view(), "review": PeriodReviewView.as_view()}


# --- opening and closing a period -------------------------------------------------------------------------------

def _require_issuer(user) -> None:
    if not coordination.user_can_issue(user, reporting_services.period_issuing_unit()):
        raise PermissionDenied(_("Chỉ Phòng Thông tin - Báo chí - Xuất bản được mở hoặc kết thúc kỳ báo cáo."))


@login_required
def period_open(request):
    _require_issuer(request.user)
    form = PeriodOpenForm(request.POST or None, structure=reporting_services.structure_in_use())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = reporting.period_open(user=request.user, kind=data["kind"], year=data["year"],
                                           structure=data["structure"], due_date=data.get("due_date"))
        except ValidationError as error:
            add_errors(form, error)
        else:
            if period.directive.status == Directive.Status.PENDING_APPROVAL:
                messages.success(request, _("Đã mở kỳ báo cáo; văn bản đang chờ lãnh đạo duyệt để gửi tới đơn vị."))
            else:
                messages.success(request, _("Đã mở kỳ báo cáo và gửi tới các đơn vị."))
            return redirect("reporting:period_detail", period.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Mở kỳ báo cáo định kỳ"),
                                                        "submit_label": _("Mở kỳ báo cáo")})


@login_required
def period_finish(request, pk):
    _require_issuer(request.user)
    period = selectors.period_for_user(request.user, pk)
    if period is None:
        raise Http404
    form = PeriodFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.period_finish(period=period, user=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:  # the close task belongs to the person who opened the period
            form.add_error(None, str(error) or _("Bạn không được kết thúc kỳ báo cáo này."))
        else:
            messages.success(request, _("Đã kết thúc kỳ báo cáo."))
            return redirect("reporting:period_detail", period.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Kết thúc kỳ báo cáo"),
                                                        "submit_label": _("Kết thúc kỳ báo cáo")})


@login_required
def report_reopen(request, pk):
    """A district sends a commune's accepted report back for correction (its own report not yet sent, or
    returned by the Department)."""
    assignment = coordination_selectors.assignment_for_user(request.user, pk)
    if assignment is None or assignment.parent_id is None:
        raise Http404
    form = ReportReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.report_reopen(assignment=assignment, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã trả lại báo cáo của %(unit)s để sửa.") % {"unit": assignment.unit.name})
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
                return redirect(next_url)
            return redirect("coordination:assignment_detail", assignment.pk)
    return render(request, "workflows/form_page.html", {
        "form": form, "title": _("Trả lại báo cáo đã chấp nhận: %(unit)s") % {"unit": assignment.unit.name},
        "submit_label": _("Trả lại để sửa")})
