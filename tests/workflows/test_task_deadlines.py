"""Every human step has a due time: a directive waiting for a leader's approval is due 4 hours after it was
sent (admin-editable), shows so in the inbox, tells its queue once when late and the leaders once more later."""

from datetime import timedelta

from notifications.models import Notification
from tests.workflows.directive.helpers import issue, open_task, unit
from workflows import inbox
from workflows.deadlines import DEFAULTS, tasks_deadlines_scan, timings
from workflows.directive.flow import DirectiveFlow
from workflows.models import TaskDeadline


def _pending(user, capture):
    with capture(execute=True):
        directive = issue(user("phongtt"), [unit("phuong_phuc_xa")], title="Kiểm tra trạm truyền thanh")
    return directive, open_task(directive, DirectiveFlow.approve)


def test_a_leaders_approval_is_due_and_late_steps_are_told_once(demo, user, django_capture_on_commit_callbacks):
    directive, task = _pending(user, django_capture_on_commit_callbacks)
    [row] = [t for t in inbox.inbox_tasks(user("giamdoc")) if t.pk == task.pk]
    # (SQLite computes it to the millisecond)
    assert abs(row.due - (task.created + timedelta(minutes=DEFAULTS["directive.approve"][0]))) < timedelta(seconds=1)

    assert tasks_deadlines_scan(now=task.created + timedelta(hours=3)) == (0, 0)
    assert tasks_deadlines_scan(now=task.created + timedelta(hours=5)) == (1, 0)
    late = Notification.objects.filter(dedupe_key=f"task-overdue:{task.pk}")
    assert {"giamdoc", "phogiamdoc"} <= set(late.values_list("recipient__username", flat=True))
    assert "Lãnh đạo duyệt" in late.first().title and "Kiểm tra trạm truyền thanh" in late.first().title
    assert tasks_deadlines_scan(now=task.created + timedelta(hours=6)) == (0, 0)  # once
    assert tasks_deadlines_scan(now=task.created + timedelta(hours=9)) == (0, 1)  # 4 h late: the leaders
    assert Notification.objects.filter(dedupe_key=f"task-escalated:{task.pk}").exists()
    assert tasks_deadlines_scan(now=task.created + timedelta(hours=10)) == (0, 0)


def test_an_administrator_changes_a_steps_time(demo, user, django_capture_on_commit_callbacks):
    _directive, task = _pending(user, django_capture_on_commit_callbacks)
    TaskDeadline.objects.create(node="directive.approve", minutes=30, escalate_after_minutes=0)
    assert timings()["directive.approve"] == (30, 0)
    [row] = [t for t in inbox.inbox_tasks(user("giamdoc")) if t.pk == task.pk]
    assert abs(row.due - (task.created + timedelta(minutes=30))) < timedelta(seconds=1)
    assert tasks_deadlines_scan(now=task.created + timedelta(minutes=31)) == (1, 0)
    assert tasks_deadlines_scan(now=task.created + timedelta(days=3)) == (0, 0)  # no escalation set


def test_the_admin_lists_the_steps_in_vietnamese(demo, admin_client):
    page = admin_client.get("/admin/workflows/taskdeadline/add/").content.decode()
    assert "Văn bản chỉ đạo: Lãnh đạo duyệt" in page and "Bản tin phát thanh: Ký duyệt" in page
