"""The fan-out's assignments are written by one SQL statement on PostgreSQL and by bulk_create elsewhere:
both write the same assignment, history and event rows, and return the same objects, idempotently."""

from datetime import timedelta

import time_machine
from django.forms.models import model_to_dict
from django.utils import timezone

from coordination.models import Assignment, AssignmentEvent, Directive, Urgency
from coordination.services import assignments as assignment_services
from org.audit import history_actor
from org.models import Structure, Unit, User
from tests.clock import hanoi

PER_ROW = {"id", "unit", "history_id", "history_date", "created_at", "assignment", "at"}


def _clean(obj) -> dict:
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    return {k: v for k, v in values.items() if k not in PER_ROW and k.removesuffix("_id") not in PER_ROW}


def _written(assignment: Assignment) -> tuple:
    return (_clean(Assignment.objects.get(pk=assignment.pk)),
            [_clean(h) for h in Assignment.history.filter(id=assignment.pk)],
            [_clean(e) for e in AssignmentEvent.objects.filter(assignment=assignment)])


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)
def test_both_paths_write_the_same_rows(demo):
    leader = User.objects.get(username="giamdoc")
    directive = Directive.objects.create(
        title="Hai đường", issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), urgency=Urgency.objects.first(),
        created_by=User.objects.get(username="phongtt"), deadline=timezone.now() + timedelta(days=30))
    district, *others = Unit.objects.filter(structure=Structure.Y2025).order_by("path")[:5]
    with history_actor(None):  # the actor is named explicitly, as the fan-out does
        [orm_parent] = assignment_services.assignments_create(directive, [district], actor=leader, orm=True)
        orm_made = assignment_services.assignments_create(directive, others[:2], parent=orm_parent, actor=leader,
                                                          orm=True)
        sql_made = assignment_services.assignments_create(directive, others[2:] + others[:2], parent=orm_parent,
                                                          actor=leader)
        again = assignment_services.assignments_create(directive, [district, *others], actor=leader)
    assert again == []  # idempotent on both paths: every unit has its assignment
    assert [a.unit for a in sql_made] == others[2:]  # in the order given, skipping units that had one
    reference = _written(orm_made[0])
    assert reference[0]["parent_id"] == orm_parent.pk and reference[0]["deadline"] == orm_parent.deadline
    assert reference[1] and reference[1][0]["history_type"] == "+" and reference[1][0]["history_user_id"] == leader.pk
    assert reference[2] and reference[2][0]["kind"] == AssignmentEvent.Kind.CREATED
    for made in orm_made + sql_made:
        assert _written(made) == reference
        stored = Assignment.objects.get(pk=made.pk)
        assert model_to_dict(made) == model_to_dict(stored)  # the returned objects are what was stored
        assert made.created_at == stored.created_at and made._state.adding is False
        assert made.directive is directive and made.parent is orm_parent
    assert {h.history_date for made in sql_made for h in Assignment.history.filter(id=made.pk)} == {timezone.now()}
