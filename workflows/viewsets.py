"""viewflow's Material apps for the three flows, with our inbox/queue/archive querysets and columns; each app
also mounts its flow package's own pages (urls.py), so they are named `bulletin:…`, `directive:…` and
`unitassignment:…` like the flow's task pages."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application
from viewflow.utils import Icon, viewprop
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import FlowArchiveListView, FlowChartView, FlowInboxListView, FlowQueueListView
from viewflow.workflow.flow.views.dashboard import DashboardProcessListView
from viewflow.workflow.flow.views.detail import DetailProcessView

from coordination.models import Directive

from . import access, inbox_pages, inbox_urls, selectors
from .bulletin import urls as bulletin_urls
from .bulletin.flow import BulletinFlow
from .directive import urls as directive_urls
from .directive.flow import DirectiveFlow, UnitAssignmentFlow
from .feedback import urls as feedback_urls
from .feedback.flow import FeedbackFlow
from .reporting import urls as reporting_urls


class TaskColumns:
    columns = ("task_id", "task_title", "subject", "deadline", "created")

    def task_id(self, task):
        return format_html('<a href="{}">#{}/{}</a>', task.flow_task.reverse("index", args=[task.process_id, task.pk]),
                           task.process_id, task.pk)

    task_id.short_description = "#"

    def task_title(self, task):
        return task.flow_task.task_title or str(task.flow_task)

    task_title.short_description = _("Việc")

    def subject(self, task):
        if task.feedback_summary:
            return f"{task.unit_name}: {task.feedback_summary}"
        if task.unit_name:
            return f"{task.unit_name}: {task.assignment_title}"
        return task.bulletin_title or task.directive_title or ""

    subject.short_description = _("Nội dung")

    def deadline(self, task):
        if not task.assignment_deadline:
            return ""
        return timezone.localtime(task.assignment_deadline).strftime("%d/%m/%Y %H:%M")

    deadline.short_description = _("Hạn")


class InboxView(TaskColumns, FlowInboxListView):
    @viewprop
    def queryset(self):
        return selectors.inbox(self.request.user, [self.flow_class])


class QueueView(TaskColumns, FlowQueueListView):
    @viewprop
    def queryset(self):
        return selectors.unit_queue(self.request.user, [self.flow_class])


class ArchiveView(TaskColumns, FlowArchiveListView):
    columns = ("task_id", "task_title", "subject", "created")

    @viewprop
    def queryset(self):
        return selectors.archive(self.request.user, [self.flow_class])


class ProcessListView(DashboardProcessListView):
    """viewflow's list of a flow's processes, newest first (its own queryset has no order, so its pages could
    repeat or skip rows)."""

    def get_queryset(self):
        return super().get_queryset().order_by("-created", "-pk")

    def process_id(self, process):
        return super().process_id(process)

    process_id.short_description = "#"

    def brief(self, process):
        return process.brief

    brief.short_description = _("Tóm tắt")

    def active_tasks(self, process):
        return process.active_tasks_count

    active_tasks.short_description = _("Việc đang mở")


class ProcessDetailView(DetailProcessView):
    """viewflow's process page (supervisors only: workflows/middleware.EnginePagesMiddleware), whose cancel
    button shows only to who may cancel the process's directive or assignment."""

    template_name = "workflows/process_detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "may_cancel": access.may_cancel_process(self.request.user, self.object)}


def process_cancel(flow_class):
    """Cancelling a process is cancelling its directive or its unit's assignment, on the domain's confirmation
    page that says what it cancels and asks why (the engine's own cancel would leave the object open)."""

    def view(request, process_pk):
        process = flow_class.process_class._default_manager.filter(flow_class=flow_class, pk=process_pk).first()
        if process is None:
            raise Http404
        if not access.may_cancel_process(request.user, process):
            raise PermissionDenied(_("Bạn không được hủy quy trình này."))
        artifact = access.process_artifact(process)
        if isinstance(artifact, Directive):
            return redirect("directive:cancel", artifact.pk)
        return redirect("unitassignment:cancel", artifact.pk)

    return view


class ChartView(FlowChartView):
    """The flow's chart for anyone who uses the app; one process's steps only for a process of this flow that
    the user may see (viewflow draws any id, even one that does not exist)."""

    def dispatch(self, request, *args, **kwargs):
        process_pk = kwargs.get("process_pk")
        if process_pk is not None:
            process = self.flow_class.process_class._default_manager.filter(
                flow_class=self.flow_class, pk=process_pk).first()
            if process is None:
                raise Http404
            if not self.flow_class.instance.has_view_permission(request.user, obj=process):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _dashboard_for_supervisors(view):
    """The dashboard shows every unit's work: managers and leaders see it; everyone else who uses the app
    lands on their inbox (the menu's link to the app leads there)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("org.supervise_all_units"):
            if not request.resolver_match.flow_viewset.has_view_permission(request.user):
                raise PermissionDenied
            return redirect(request.resolver_match.flow_viewset.reverse("inbox"))
        return view(request, *args, **kwargs)

    return wrapped


def _supervisors_only(view):
    """viewflow's dashboard and process/task lists show every unit's work: managers and leaders only."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("org.supervise_all_units"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class CoordinationFlowViewset(FlowAppViewset):
    inbox_view_class = InboxView
    queue_view_class = QueueView
    archive_view_class = ArchiveView
    chart_view_class = ChartView
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView

    @viewprop
    def process_cancel_view(self):
        return process_cancel(self._flow_class)

    @viewprop
    def dashboard_view(self):
        return _dashboard_for_supervisors(super().dashboard_view)

    @viewprop
    def process_list_view(self):
        return _supervisors_only(super().process_list_view)

    @viewprop
    def task_list_view(self):
        return _supervisors_only(super().task_list_view)

    def get_context_data(self, request):
        return {
            "user_inbox": selectors.inbox(request.user, [self._flow_class]),
            "user_queue": selectors.unit_queue(request.user, [self._flow_class]),
        }


class WorkApp(Application):
    """The one inbox across every flow ("Hộp việc"), every officer's home, and the links that open a task."""

    title = _("Hộp việc")
    icon = Icon("inbox")
    app_name = "work"
    menu_template_name = "workflows/inbox_menu.html"
    urlpatterns = inbox_urls.urlpatterns

    @property
    def index_path(self):
        return path("", inbox_pages.inbox_page, name="index")


def flow_apps():
    return [
        CoordinationFlowViewset(BulletinFlow, icon=Icon("campaign"), title=_("Duyệt bản tin"),
                                urlpatterns=bulletin_urls.urlpatterns),
        CoordinationFlowViewset(UnitAssignmentFlow, icon=Icon("assignment"), title=_("Nhiệm vụ đơn vị"),
                                urlpatterns=[*directive_urls.assignment_urlpatterns,
                                             *reporting_urls.assignment_urlpatterns]),
        CoordinationFlowViewset(DirectiveFlow, icon=Icon("gavel"), title=_("Văn bản chỉ đạo"),
                                urlpatterns=[*directive_urls.directive_urlpatterns,
                                             *reporting_urls.directive_urlpatterns]),
        CoordinationFlowViewset(FeedbackFlow, icon=Icon("forum"), title=_("Phản ánh, kiến nghị"),
                                urlpatterns=feedback_urls.urlpatterns),
    ]
