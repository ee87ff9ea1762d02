"""React to viewflow tasks: a human task reaching an inbox or a unit queue notifies its people after
commit. viewflow sends no assign signal, so this listens to Task saves."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from notifications.models import Kind
from notifications.services import notify
from org.models import Unit
from org.selectors import people_with_permission

from .engine import task_notifications_are_suppressed


def _task_link(task: Task) -> str:
    """The inbox's "open this task" link (workflows/inbox_pages.task_open): its form, claimed on opening where
    the reader is its only possible owner, else the object's page with the claim button."""
    return reverse("work:task_open", args=[task.pk])


@receiver(post_save, sender=Task)
def notify_task_arrival(sender, instance: Task, created: bool, update_fields=None, **kwargs):
    if instance.flow_task_type != "HUMAN" or task_notifications_are_suppressed():
        return
    title = str(instance.flow_task.task_title or instance.flow_task)
    if instance.status == STATUS.ASSIGNED and instance.owner_id and not instance.started:
        notify([instance.owner], kind=Kind.TASK_ASSIGNED, title=_("Việc mới: %(t)s") % {"t": title},
               link=_task_link(instance), dedupe_key=f"task:{instance.pk}:assigned:{instance.owner_id}")
    elif created and instance.status == STATUS.NEW and instance.owner_permission == "org.act_for_unit":
        unit = Unit.objects.filter(pk=instance.owner_permission_obj_pk).first()
        if unit:
            notify([unit], kind=Kind.QUEUE_TASK, title=_("Việc mới của đơn vị: %(t)s") % {"t": title},
                   link=_task_link(instance), dedupe_key=f"task:{instance.pk}:queue")
    elif created and instance.status == STATUS.NEW and instance.owner_permission:
        # A queue task needing a role's permission (approve a directive, sign off, publish): its holders.
        notify(list(people_with_permission(instance.owner_permission)), kind=Kind.QUEUE_TASK,
               title=_("Việc mới chờ xử lý: %(t)s") % {"t": title}, link=_task_link(instance),
               dedupe_key=f"task:{instance.pk}:queue")
