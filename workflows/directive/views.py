"""Task pages of DirectiveFlow and UnitAssignmentFlow: plain Django views handed `request.activation` by
viewflow; each runs one step of steps.py. A periodic report's report and review tasks show the indicator
pages instead (workflows/reporting/views.py; flow.py names the page that decides)."""

from django.utils.translation import gettext_lazy as _

from coordination.forms import AssignmentReportForm
from coordination.models import Assignment
from coordination.selectors import assignment_detail, relay_candidates
from org.models import UnitKind

from ..views import TaskView
from . import steps
from .forms import AcknowledgeForm, CloseForm, DecisionForm, ReportReviewForm, ReviseForm
from .signals import relay_requested


class DirectiveTaskView(TaskView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "directive": self.request.activation.process.directive}


class AssignmentTaskView(TaskView):
    def get_context_data(self, **kwargs):
        process = self.request.activation.process
        return {**super().get_context_data(**kwargs), "assignment": assignment_detail(process.artifact_object_id)}

    def requirements(self) -> list[str]:
        return self.request.activation.process.assignment.directive.report_requirements


class AcknowledgeView(AssignmentTaskView):
    form_class = AcknowledgeForm
    submit_label = _("Xác nhận đã nhận")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "requirements": self.requirements()}

    def relay_candidates(self) -> list:
        """A district that has not relayed yet may acknowledge and hand the work to all its communes at once."""
        assignment = self.request.activation.process.assignment
        if assignment.relayed or assignment.unit.kind != UnitKind.DISTRICT:
            return []
        return relay_candidates(assignment)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        communes = self.relay_candidates()
        if communes:
            context["extra_submits"] = [{"name": "relay_all", "label": _(
                "Xác nhận đã nhận và giao tiếp cho cả %(n)s xã/phường") % {"n": len(communes)}}]
        return context

    def run(self, form):
        steps.acknowledge_step(self.request.activation, self.request.user,
                               planned_air_at=form.cleaned_data.get("planned_air_at"))
        if "relay_all" in self.request.POST and (communes := self.relay_candidates()):
            relay_requested.send(sender=Assignment, assignment=self.request.activation.process.assignment,
                                 user=self.request.user, units=communes)


class ReportView(AssignmentTaskView):
    form_class = AssignmentReportForm
    submit_label = _("Gửi báo cáo")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "requirements": self.requirements()}

    def run(self, form):
        steps.report_step(self.request.activation, self.request.user, **form.report_kwargs())


class ReviewView(AssignmentTaskView):
    form_class = ReportReviewForm
    submit_label = _("Ghi nhận")

    def get_initial(self):
        return {"decision": "accept"}  # accepting is one click; returning needs a reason anyway

    def run(self, form):
        steps.review_step(self.request.activation, self.request.user,
                          accept=form.cleaned_data["decision"] == "accept", comment=form.cleaned_data["comment"])


class ApproveDirectiveView(DirectiveTaskView):
    form_class = DecisionForm
    submit_label = _("Ghi nhận")

    def run(self, form):
        steps.approve_step(self.request.activation, self.request.user,
                           approve=form.cleaned_data["decision"] == "approve", comment=form.cleaned_data["comment"])


class ReviseDirectiveView(DirectiveTaskView):
    form_class = ReviseForm
    submit_label = _("Gửi lại lãnh đạo")

    def get_initial(self):
        directive = self.request.activation.process.directive
        return {"title": directive.title, "instructions": directive.instructions}

    def run(self, form):
        steps.revise_step(self.request.activation, self.request.user, **form.cleaned_data)


class CloseDirectiveView(DirectiveTaskView):
    form_class = CloseForm
    submit_label = _("Kết thúc văn bản")

    def run(self, form):
        steps.close_step(self.request.activation, self.request.user, summary=form.cleaned_data["summary"])
