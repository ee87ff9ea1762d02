"""The bulk fan-out writes exactly the rows viewflow's StartHandle.run() writes, and flows go on from them:
both of its paths (one SQL statement per chunk on PostgreSQL, bulk_create elsewhere), and the progress it
reports while it runs."""

from datetime import timedelta

import time_machine
from django.forms.models import model_to_dict
from django.utils import timezone
from viewflow.workflow.models import Task

from coordination.models import Assignment, Directive, Urgency
from org.models import Structure, Unit, User
from tests.clock import hanoi
from workflows.directive import services as directive_services
from workflows.directive.flow import UnitAssignmentFlow
from workflows.models import AssignmentProcess

IGNORED = {"id", "created", "started", "finished", "artifact_object_id", "process", "previous",
           "owner_permission_obj_pk"}


def _rows(assignment):
    process = AssignmentProcess.objects.get(flow_class=UnitAssignmentFlow, artifact_object_id=assignment.pk)
    tasks = list(Task.objects.filter(process=process).order_by("pk"))
    links = [(t.flow_task, [p.flow_task for p in t.previous.all()]) for t in tasks]
    clean = lambda obj: {k: str(v) for k, v in model_to_dict(obj).items() if k not in IGNORED}  # noqa: E731
    times = [(t.created, t.started, t.finished) for t in tasks]
    return clean(process), [clean(t) for t in tasks], links, [t.owner_permission_obj_pk for t in tasks], times


def _directive(title="So sánh"):
    return Directive.objects.create(
        title=title, issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), urgency=Urgency.objects.first(),
        created_by=User.objects.get(username="phongtt"), deadline=timezone.now() + timedelta(days=30))


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the directive's deadline is set from now
def test_bulk_rows_equal_start_handle_rows(demo):
    directive = _directive()
    a, b, c, d = (Assignment.objects.create(directive=directive, unit=u, deadline=directive.deadline) for u in
                  Unit.objects.filter(structure=Structure.Y2025, kind="commune").order_by("pk")[:4])
    UnitAssignmentFlow.start.run(assignment=a)
    directive_services.unit_processes_start([b, c])  # the SQL path on PostgreSQL
    directive_services.unit_processes_start([d], orm=True)  # bulk_create on every database
    process_a, tasks_a, links_a, perm_a, times_a = _rows(a)
    for other in (b, c, d):
        process, tasks, links, perm, times = _rows(other)
        assert process == process_a
        assert tasks == tasks_a
        assert links == links_a
        assert perm_a == [None, str(a.unit_id)] and perm == [None, str(other.unit_id)]
        assert [[t is None for t in row] for row in times] == [[t is None for t in row] for row in times_a]
    # each process's start task comes before its first human task, as StartHandle.run() writes them
    for other in (b, c, d):
        process = AssignmentProcess.objects.get(artifact_object_id=other.pk)
        assert [t.flow_task for t in Task.objects.filter(process=process).order_by("pk")] == [
            UnitAssignmentFlow.start, UnitAssignmentFlow.acknowledge]


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)
def test_progress_is_written_after_every_chunk(demo, monkeypatch):
    """The directive page's bar moves during a long fan-out: the job says the total at once, then how many
    flows it has started after each chunk (in the cache, outside the fan-out's transaction)."""
    directive = _directive("Tiến độ")
    assignments = [Assignment.objects.create(directive=directive, unit=u, deadline=directive.deadline) for u in
                   Unit.objects.filter(structure=Structure.Y2025, kind="commune").order_by("pk")[:5]]
    monkeypatch.setattr(directive_services, "BULK_CHUNK", 2)
    written, started = [], []
    real_set, real_chunk = directive_services.cache.set, directive_services._start_chunk

    def chunk(part, **kwargs):
        started.append(AssignmentProcess.objects.filter(flow_class=UnitAssignmentFlow).count())
        real_chunk(part, **kwargs)

    monkeypatch.setattr(directive_services.cache, "set", lambda key, value, *a: (written.append(value),
                                                                                 real_set(key, value, *a)))
    monkeypatch.setattr(directive_services, "_start_chunk", chunk)
    directive_services.unit_processes_start(assignments, progress_key="progress-test")
    assert written == [{"done": n, "total": 5} for n in (0, 2, 4, 5)]
    assert started == [0, 2, 4]  # each count was written once its chunk's flows existed, not before
    assert directive_services.cache.get("progress-test") == {"done": 5, "total": 5}
