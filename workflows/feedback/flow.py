"""FeedbackFlow: one process per item a person sends from a commune's public page. The commune's officers triage
it in their queue: answer, close as not relevant, or forward it to another unit (or the Department), which puts a
new triage task in that unit's queue. The triage page runs a step of steps.py; the public page starts the flow
(services.feedback_receive)."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from feedback import access
from feedback import selectors as feedback_selectors
from feedback.models import Feedback
from org.models import Unit

from ..engine import ArtifactFlow, HumanTask
from ..models import FeedbackProcess
from . import views


def _feedback(task) -> Feedback:
    return Feedback.objects.select_related("unit").get(pk=task.process.artifact_object_id)


def handling_unit(process) -> Unit:
    """Read fresh: after a forward the process's cached item still names the unit that forwarded it."""
    return Unit.objects.get(pk=Feedback.objects.values_list("unit_id", flat=True).get(pk=process.artifact_object_id))


def still_open(activation) -> bool:
    """Forwarded (still open, another unit's now): triage again, in that unit's queue."""
    return Feedback.objects.filter(pk=activation.process.artifact_object_id, status=Feedback.Status.RECEIVED).exists()


class FeedbackFlow(ArtifactFlow):
    """A citizen's feedback: triage by the unit that holds it (answer, forward, close) until answered or closed."""

    process_class = FeedbackProcess
    process_title = _("Phản ánh, kiến nghị")
    process_description = _("Tiếp nhận, chuyển đơn vị có thẩm quyền và trả lời phản ánh, kiến nghị của người dân.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.feedback.summary }}"

    # services.feedback_receive (the commune's public page)
    start = flow.StartHandle(this.start_process).Annotation(title=_("Tiếp nhận")).Next(this.triage)

    # the officers of the unit holding the item
    triage = (
        HumanTask(views.TriageView.as_view())
        .Annotation(title=_("Xử lý phản ánh, kiến nghị"))
        .Permission("org.act_for_unit", obj=handling_unit)
        .Access(lambda user, task: access.can_handle(user, _feedback(task)))
        .Next(this.check_open)
    )
    check_open = (
        flow.If(still_open)
        .Annotation(title=_("Đã chuyển đơn vị khác?"))
        .Then(this.triage)
        .Else(this.end)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    @classmethod
    def task_object_name(cls, task) -> str:
        feedback = Feedback.objects.select_related("unit").only("summary", "unit__name").get(
            pk=task.process.artifact_object_id)
        return f"{feedback.summary} ({feedback.unit.name})"

    def artifact_visible_to(self, user, artifact_pk: int) -> bool:
        return feedback_selectors.feedback_for_user(user, artifact_pk) is not None
