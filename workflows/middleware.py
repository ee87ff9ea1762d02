"""Turn workflow collisions into clear messages instead of error pages: a stale tab acting on a finished or
cancelled task, or a lock held by someone acting on the same process right now."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from . import access


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


# viewflow's own pages in the flows' apps (bulletin, directive, unitassignment): the process page, its cancel
# page and the lists of every process and task; under a node, a task's detail, assign, undo, revive and cancel
# pages. Supervisors and administrators only (workflows/access.py). A task's index (where viewflow's lists and
# old notifications link) sends everyone else to the inbox's "open this task" instead.
FLOW_APPS = frozenset({"bulletin", "directive", "unitassignment"})
ENGINE_PROCESS_PAGES = frozenset({"process_detail", "process_cancel", "process_list", "task_list"})
ENGINE_TASK_PAGES = frozenset({"detail", "assign", "undo", "revive", "cancel"})


class EnginePagesMiddleware:
    """Refuse viewflow's engine pages to everyone but supervisors, on GET and POST alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.namespaces or match.namespaces[0] not in FLOW_APPS:
            return None
        node_page = len(match.namespaces) == 2
        engine_page = (match.url_name in ENGINE_TASK_PAGES if node_page
                       else match.url_name in ENGINE_PROCESS_PAGES)
        task_index = node_page and match.url_name == "index"
        if not (engine_page or task_index):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if access.may_open_engine_pages(request.user):
            return None
        if task_index:
            return redirect("work:task_open", view_kwargs["task_pk"])
        raise PermissionDenied(_("Trang này chỉ dành cho cán bộ quản lý, theo dõi và quản trị hệ thống."))
