"""Who is told of what, exactly once: the notification rules of the bulletin and directive flows.

A human task reaching an inbox or a queue is announced here (Task post_save, after commit: viewflow sends no
assign signal); the domain events are announced by the service named in the row. Every row is checked by
`tests/workflows/test_notification_rules.py::test_<id>` (one test per row, named by its id; a test there fails
when a row has no test). Rules that hold for every row: the person who just acted is never told (notify()
drops its `actor`; here the actor is `org.audit.acting_user()`), a step that runs by itself tells nobody, a
claim tells nobody, and a title names the bulletin or directive (and the unit, for a unit's task).

| id | event                             | who is told, once each                | title |
|----|-----------------------------------|---------------------------------------|-------|
| B1 | a drafter submits a bulletin      | Board members (the secretary: B2)     | Bản tin mới trình Ban biên tập: <b> |
| B2 | it waits for reviewers            | the Board secretary                   | Q Phân công thẩm định — <b> |
| B3 | the secretary chooses reviewers   | each reviewer chosen (not herself)    | A Thẩm định bản tin — <b> |
| B4 | the Board approves                | the drafter; the secretary            | Ban biên tập đã duyệt; Q Âm thanh |
| B5 | the Board asks for changes        | the drafter (revise task: silent)     | Bản tin cần chỉnh sửa: <b> |
| B6 | the recording is confirmed        | the Director and the Deputy           | Q Ký duyệt — <b> |
| B7 | a leader signs off                | the drafter; the Office (no leader)   | Đã ký duyệt: <b>; Q Phát hành |
| B8 | the Office publishes              | the drafter; units by D3; no approver | Đã phát hành: <b> |
| B9 | an emergency is submitted         | the Director and the Deputy (no Board) | Q Duyệt tin khẩn cấp — <b> |
| D1 | a directive is composed           | Director, Deputy, Manager             | Q Lãnh đạo duyệt — <d> |
| D2 | a leader approves, it goes out    | its drafter                           | VB… đã được duyệt và gửi đi: <d> |
| D3 | units receive it (fan-out, relay) | each target unit's officers           | Văn bản chỉ đạo mới: <d> (or E) |
| D4 | a leader returns it               | its drafter                           | A Sửa theo ý kiến lãnh đạo — <d> |
| U1 | a unit acknowledges               | nobody (the report task is the actor's) | — |
| U2 | a unit reports                    | the reviewing unit's officers         | U Xem xét báo cáo — <d> (<unit>) |
| U3 | the reviewer returns the report   | the unit (report task: silent)        | Báo cáo bị trả lại: <d> (<unit>) |
| U4 | every unit is done                | the directive's drafter               | A Tổng kết — <d> |
| U5 | the issuer names an officer       | that officer                          | A Tiếp nhận — <d> (<unit>) |
| C1 | someone claims a queue task       | nobody (the claimer is the actor)     | — |
| F1 | a person sends feedback (public)  | the commune's officers | U Xử lý phản ánh, kiến nghị — <f> (<unit>) |
| F2 | a unit forwards it                | the receiving unit's officers | U Xử lý phản ánh, kiến nghị — <f> (<unit>) |
| F3 | a unit answers or closes it       | nobody in the product (the sender by e-mail, if given) | — |
| F4 | it nears its due time             | the handling unit's officers, once    | Sắp đến hạn trả lời phản ánh: <f> |
| F5 | open at its due time | unit leaders, Director, Deputy, feedback unit | Quá hạn trả lời phản ánh: <f> (<unit>) |

<b> the bulletin's title, <d> the directive's, <f> a feedback item's summary, <unit> the unit's name;
Q "Việc mới chờ xử lý: ", A "Việc mới: ", U "Việc mới của đơn vị: ", E "TIN KHẨN CẤP: <d>" (kind emergency: a hỏa tốc
broadcast, an emergency bulletin's).

Sent by: B1 workflows/bulletin/services._tell_the_board; B4–B7 editorial/services/reviews.py (the domain
event) and this module (the next task); B8 editorial/services/publication._notify_published; D2
coordination/services/directives.directive_decide; D3 coordination/services/assignments.
assignments_notify_received; U3 coordination/services/assignments._notify_review; F3 feedback/services.
_email_answer; F4, F5 feedback/services.feedback_deadlines_scan; every "Việc mới…": here.

Nodes say who hears of their queue and when their arrival is already told by another row with
`HumanTask.Notify(to, unless=)` (flow.py); bulk paths (fan-out, relay, the broadcast directive's automatic
approval) run under `engine.task_notifications_suppressed()` and tell the units once themselves (D3)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from notifications.models import Kind
from notifications.services import notify
from org.audit import acting_user
from org.models import Unit
from org.selectors import people_with_permission

from .engine import task_notifications_are_suppressed


def _task_link(task: Task) -> str:
    """The inbox's "open this task" link (workflows/inbox_pages.task_open): its form, claimed on opening where
    the reader is its only possible owner, else the object's page with the claim button."""
    return reverse("work:task_open", args=[task.pk])


def _subject(task: Task) -> str:
    subject = getattr(task.flow_task.flow_class, "task_subject", None)
    try:
        return subject(task) if subject else str(task.flow_task.task_title or task.flow_task)
    except Exception:  # an artifact gone in the same transaction: the node's title still says what it is
        return str(task.flow_task.task_title or task.flow_task)


@receiver(post_save, sender=Task)
def notify_task_arrival(sender, instance: Task, created: bool, update_fields=None, **kwargs):
    if instance.flow_task_type != "HUMAN" or task_notifications_are_suppressed():
        return
    node = instance.flow_task
    suppressed = getattr(node, "notice_suppressed", None)
    if suppressed is not None and suppressed(instance):
        return
    actor = acting_user()
    if instance.status == STATUS.ASSIGNED and instance.owner_id and not instance.started:
        if actor is not None and actor.pk == instance.owner_id:
            return  # a claim, or a task the flow hands back to the person who just acted
        notify([instance.owner], kind=Kind.TASK_ASSIGNED, actor=actor,
               title=_("Việc mới: %(t)s") % {"t": _subject(instance)}, link=_task_link(instance),
               dedupe_key=f"task:{instance.pk}:assigned:{instance.owner_id}")
        return
    if not (created and instance.status == STATUS.NEW and instance.owner_permission):
        return
    chosen = getattr(node, "notice_recipients", None)
    recipients = chosen(instance) if chosen is not None else None
    if instance.owner_permission == "org.act_for_unit" and recipients is None:
        unit = Unit.objects.filter(pk=instance.owner_permission_obj_pk).first()
        if unit:
            notify([unit], kind=Kind.QUEUE_TASK, actor=actor, link=_task_link(instance),
                   title=_("Việc mới của đơn vị: %(t)s") % {"t": _subject(instance)},
                   dedupe_key=f"task:{instance.pk}:queue")
        return
    # A queue task needing a role's permission (approve a directive, sign off, publish): its holders, or whom
    # the node names.
    if recipients is None:
        recipients = people_with_permission(instance.owner_permission)
    notify(list(recipients), kind=Kind.QUEUE_TASK, actor=actor, link=_task_link(instance),
           title=_("Việc mới chờ xử lý: %(t)s") % {"t": _subject(instance)},
           dedupe_key=f"task:{instance.pk}:queue")
