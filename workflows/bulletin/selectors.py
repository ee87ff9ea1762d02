"""What the person viewing a bulletin can do in its flow: their open tasks (open or claim) and the entry
actions (submit, withdraw, unschedule, correct). Read by the bulletin page's workflow block."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from editorial import access
from editorial.models import Bulletin
from editorial.services import withdraw_allowed
from org.models import User


def bulletin_actions(user: User, bulletin: Bulletin) -> dict:
    tasks = []
    open_tasks = Task.objects.filter(
        process__artifact_content_type=ContentType.objects.get_for_model(Bulletin),
        process__artifact_object_id=bulletin.pk, flow_task_type="HUMAN",
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).select_related("process")
    for task in open_tasks:
        if task.owner_id == user.pk:
            tasks.append({"title": task.flow_task.task_title, "claim": False,
                          "url": task.flow_task.reverse("execute", args=[task.process_id, task.pk])})
        elif task.status == STATUS.NEW and task.flow_task.can_assign(user, task):
            tasks.append({"title": task.flow_task.task_title, "claim": True,
                          "url": reverse("bulletin:task_claim", args=[task.pk])})
    is_author = access.is_drafter_of(user, bulletin.drafting_unit_id)
    return {
        "tasks": tasks,
        "can_submit": is_author and bulletin.status in (Bulletin.Status.DRAFT, Bulletin.Status.WITHDRAWN),
        "can_withdraw": is_author and bulletin.status in Bulletin.UNDER_REVIEW and withdraw_allowed(bulletin),
        "can_correct": access.can_correct(user, bulletin),
        "can_unschedule": bulletin.status == Bulletin.Status.SCHEDULED and access.can_publish(user),
    }
