"""Before the review gateway read the assignment fresh, an accepted report looped back to "Thực hiện và báo cáo":
a report task stayed open (forever, as the report service refuses a closed assignment) in a process that should
have ended. Cancel those tasks and end their processes. Reversing does nothing."""

from django.db import migrations
from django.utils import timezone

FLOW = "workflows/flows.UnitAssignmentFlow"
OPEN = ["NEW", "ASSIGNED", "STARTED"]


def close_reports_reopened_after_acceptance(apps, schema_editor):
    Task = apps.get_model("viewflow", "Task")
    Process = apps.get_model("viewflow", "Process")
    Assignment = apps.get_model("coordination", "Assignment")
    accepted = Assignment.objects.filter(status="accepted").values_list("pk", flat=True)
    stray = Task.objects.filter(flow_task=f"{FLOW}.report", status__in=OPEN, process__flow_class=FLOW,
                                process__status="NEW", process__artifact_object_id__in=list(accepted))
    process_ids = list(stray.values_list("process_id", flat=True))
    if not process_ids:
        return
    now = timezone.now()
    Task.objects.filter(process_id__in=process_ids, status__in=OPEN).update(status="CANCELED", finished=now)
    Process.objects.filter(pk__in=process_ids).update(status="DONE", finished=now)


class Migration(migrations.Migration):
    dependencies = [("workflows", "0003_bulletinprocess"), ("coordination", "0006_period_cancelled"),
                    ("viewflow", "__latest__")]
    operations = [migrations.RunPython(close_reports_reopened_after_acceptance, migrations.RunPython.noop)]
