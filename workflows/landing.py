"""Where a person lands: the page of the object a process carries (the bulletin, the directive, the unit's
assignment), and where they go once a task is done (never viewflow's process page). Reads no flow class, so the
task pages (workflows/views.py) and the inbox both use it."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from viewflow.workflow.models import Process, Task

from coordination.models import Assignment, Directive
from editorial.models import Bulletin
from feedback.models import Feedback

OBJECT_PAGES = {Bulletin: "editorial:bulletin_detail", Directive: "coordination:directive_detail",
                Assignment: "coordination:assignment_detail", Feedback: "feedback:item"}


def object_url(process: Process) -> str:
    """The page of the object the process carries; the inbox when it carries none we show."""
    if process.artifact_content_type_id:
        model = ContentType.objects.get_for_id(process.artifact_content_type_id).model_class()
        if model in OBJECT_PAGES:
            return reverse(OBJECT_PAGES[model], args=[process.artifact_object_id])
    return reverse("work:inbox")


def after_task_url(task: Task) -> str:
    """A reviewer of a unit's report goes back to the inbox (the next report to review); anyone else to the
    object's page, which shows what comes next."""
    if task.flow_task.name == "review" and task.flow_task.flow_class.__name__ == "UnitAssignmentFlow":
        return reverse("work:inbox")
    return object_url(task.process)
