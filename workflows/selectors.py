"""Task lists for inbox, unit queue and archive. viewflow's own queue reads guardian's generic permission
tables, but our unit permissions live in direct-FK tables; this reads them in one query and annotates each
task with its unit and directive, so list pages cost the same whatever the number of rows."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Assignment, Directive
from editorial.models import Bulletin
from feedback.models import Feedback
from org import selectors as org_selectors
from org.models import User


def _artifact_value(model, field: str):
    """A field of the task's artifact, only when the artifact is a `model` (ids repeat across tables)."""
    content_type = ContentType.objects.get_for_model(model)
    value = Subquery(model.objects.filter(pk=OuterRef("process__artifact_object_id")).values(field)[:1])
    return Case(When(process__artifact_content_type_id=content_type.pk, then=value), default=None)


def _annotated(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("process", "owner").annotate(
        unit_name=Coalesce(_artifact_value(Assignment, "unit__name"), _artifact_value(Feedback, "unit__name")),
        assignment_title=_artifact_value(Assignment, "directive__title"),
        assignment_deadline=_artifact_value(Assignment, "deadline"),
        directive_title=_artifact_value(Directive, "title"),
        bulletin_title=_artifact_value(Bulletin, "title"),
        feedback_summary=_artifact_value(Feedback, "summary"),
    )


def unit_queue(user: User, flow_classes) -> QuerySet[Task]:
    """Unclaimed human tasks this user may take: their units' tasks and tasks needing a global permission
    they hold."""
    unit_pks = [str(pk) for pk in org_selectors.units_acted_for(user).values_list("pk", flat=True)]
    global_perms = user.get_all_permissions()
    qs = Task.objects.filter(flow_task_type="HUMAN", status=STATUS.NEW, process__flow_class__in=flow_classes)
    allowed = qs.filter(owner_permission="org.act_for_unit", owner_permission_obj_pk__in=unit_pks) | qs.filter(
        owner_permission__in=global_perms, owner_permission_obj_pk__isnull=True
    )
    return _annotated(allowed).order_by("-created")


def inbox(user: User, flow_classes) -> QuerySet[Task]:
    return _annotated(
        Task.objects.filter(owner=user, status=STATUS.ASSIGNED, process__flow_class__in=flow_classes)
    ).order_by("-created")


def archive(user: User, flow_classes) -> QuerySet[Task]:
    return _annotated(
        Task.objects.filter(owner=user, finished__isnull=False, flow_task_type="HUMAN",
                            process__flow_class__in=flow_classes)
    ).order_by("-finished")
