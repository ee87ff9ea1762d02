"""The triage task page: the item (with the sender's contact, for the unit handling it) and one form to answer,
forward or close it."""

from django.utils.translation import gettext_lazy as _

from feedback import selectors as feedback_selectors

from ..views import TaskView
from . import steps
from .forms import TriageForm


class TriageView(TaskView):
    form_class = TriageForm
    template_name = "workflows/feedback/triage.html"
    submit_label = _("Ghi nhận")

    def feedback(self):
        return feedback_selectors.feedback_detail(self.request.activation.process.artifact_object_id)

    def get_form_kwargs(self):
        feedback = self.request.activation.process.feedback
        return {**super().get_form_kwargs(), "targets": feedback_selectors.forward_targets(feedback),
                "department": feedback_selectors.department_unit()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "feedback": self.feedback(), "show_contact": True}

    def run(self, form):
        data = form.cleaned_data
        steps.triage_step(self.request.activation, self.request.user, decision=data["decision"],
                          answer=data["answer"], reason=data["reason"], unit=data["unit"], note=data["note"])
