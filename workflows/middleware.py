"""Turn workflow collisions into clear messages instead of error pages: a stale tab acting on a finished or
cancelled task, or a lock held by someone acting on the same process right now."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


class WorkflowErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FlowLockFailed):
            messages.warning(request, _("Người khác đang thao tác trên việc này. Vui lòng thử lại sau giây lát."))
            return redirect(request.get_full_path())
        if isinstance(exception, PermissionDenied) and request.resolver_match:
            task_pk = request.resolver_match.kwargs.get("task_pk")
            if task_pk is None:
                return None
            task = Task.objects.filter(pk=task_pk).only("status", "process_id").first()
            if task and task.status in (STATUS.DONE, STATUS.CANCELED):
                messages.info(request, _("Việc này đã được xử lý hoặc đã hủy; không cần thao tác nữa."))
                return redirect("/")
        return None
