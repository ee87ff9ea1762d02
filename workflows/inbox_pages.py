"""The one inbox ("Hộp việc") and the links that open a task: from an inbox row, a notification, the directive
or assignment page. Opening a task claims it when the reader is its only possible owner (nobody else could take
it), opens its form when it is theirs, and otherwise lands on the object's page, which has the claim button."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from common.http import object_or_404
from common.ids import parse_ids
from coordination import selectors as coordination_selectors
from coordination.models import Assignment
from org import selectors as org_selectors

from . import access, engine, inbox

PAGE_SIZE = 50


class InboxFilterForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Việc"), required=False, choices=[
        ("", gettext_lazy("Tất cả")), ("mine", gettext_lazy("Của tôi")), ("queue", gettext_lazy("Chờ nhận"))])
    flow = forms.ChoiceField(label=gettext_lazy("Loại"), required=False,
                             choices=[("", gettext_lazy("Tất cả")), *inbox.FLOW_LABELS.items()])
    overdue = forms.BooleanField(label=gettext_lazy("Chỉ việc quá hạn"), required=False)


def _execute_url(task: Task) -> str:
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def _claim(request, task: Task) -> str | None:
    """Claim `task` for the visitor; the reason it could not be claimed, or None."""
    try:
        engine.task_claim(task, request.user)
    except (ValidationError, PermissionDenied) as error:
        return " ".join(getattr(error, "messages", [str(error)])) or _("Không nhận được việc này.")
    except FlowLockFailed:
        return _("Người khác đang thao tác trên việc này. Vui lòng thử lại sau giây lát.")
    return None


@login_required
def inbox_page(request):
    """GET: my tasks and my queues' tasks, filtered, with counts. POST (action=claim): claim the ticked queue
    tasks, then back to the same list with one message per outcome (a redirect: reloading repeats nothing)."""
    if request.method == "POST":
        ids = parse_ids(request.POST.getlist("tasks"), limit=500)
        tasks = {t.pk: t for t in inbox.inbox_tasks(request.user, scope="queue").filter(pk__in=ids)}
        claimed, refused = 0, []
        for pk in ids:
            task = tasks.get(pk)
            reason = _claim(request, task) if task else _("việc không còn trong hàng chờ")
            if reason is None:
                claimed += 1
            else:
                refused.append(f"#{pk}: {reason}")
        if claimed:
            messages.success(request, _("Đã nhận %(n)s việc.") % {"n": claimed})
        for line in refused:
            messages.warning(request, _("Không nhận được %(r)s") % {"r": line})
        return redirect(request.get_full_path(), permanent=False)
    now = timezone.now()
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = inbox.inbox_tasks(request.user, scope=filters.get("scope", ""), flow=filters.get("flow", ""),
                              overdue=bool(filters.get("overdue")), now=now)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflows/inbox.html", {
        "filter_form": form, "page": page, "rows": inbox.inbox_rows(page.object_list, request.user, now),
        "counts": inbox.inbox_counts(request.user, now)})


@login_required
def inbox_counts(request):
    """The home cards' counts, read again when a notification arrives over the websocket."""
    return JsonResponse(inbox.inbox_counts(request.user))


def _open(request, task: Task):
    user = request.user
    if access.may_execute(user, task):
        return redirect(_execute_url(task))
    if access.may_claim(user, task):
        if access.is_only_possible_owner(user, task):
            reason = _claim(request, task)
            if reason is None:
                return redirect(_execute_url(task))
            messages.warning(request, reason)
        return redirect(inbox.object_url(task.process))  # its page has the "Nhận việc" button
    if task.status in (STATUS.DONE, STATUS.CANCELED):
        messages.info(request, _("Việc này đã được xử lý hoặc đã hủy; không cần thao tác nữa."))
    elif task.owner_id and task.owner_id != user.pk:
        messages.info(request, _("Việc này đã được giao cho người khác."))
    return redirect(inbox.object_url(task.process))


@login_required
def task_open(request, task_pk):
    """Where a notification about a task takes its reader (GET): its form, claimed first when they are its only
    possible owner, else its object's page (404 there if the object is not theirs to see)."""
    return _open(request, object_or_404(inbox.human_task(task_pk)))


@login_required
@require_POST
def task_claim(request, task_pk):
    """One click on an inbox row or a "Nhận việc" button: take the task from the queue and open its form."""
    task = object_or_404(inbox.human_task(task_pk))
    if access.may_execute(request.user, task):
        return redirect(_execute_url(task))
    if not access.may_claim(request.user, task):
        if task.status == STATUS.NEW:
            raise PermissionDenied(_("Bạn không được nhận việc này."))
        messages.info(request, _("Việc này đã có người nhận hoặc đã được xử lý."))
        return redirect(inbox.object_url(task.process))
    reason = _claim(request, task)
    if reason is not None:
        messages.warning(request, reason)
        return redirect(inbox.object_url(task.process))
    return redirect(_execute_url(task))


def _open_one_of(request, tasks, fallback: str):
    tasks = list(tasks[:2])
    if len(tasks) == 1:
        return _open(request, tasks[0])
    return redirect(fallback)


@login_required
def directive_open(request, pk):
    """Where "Văn bản chỉ đạo mới" takes a unit: its own task on the directive when it has exactly one (already
    claimed when its officer is the only one), else the directive's page, whose top shows the unit's tasks."""
    directive = object_or_404(coordination_selectors.directive_for_user(request.user, pk))
    units = org_selectors.units_acted_for(request.user).values("pk")
    own = Assignment.objects.filter(directive=directive, unit__in=units)
    return _open_one_of(request, inbox.unit_tasks(request.user, own),
                        reverse("coordination:directive_detail", args=[directive.pk]))


@login_required
def assignment_open(request, pk):
    """Where a notification about one unit's assignment takes its reader: the assignment's open task for them
    (acknowledge, report, review), else the assignment's page."""
    assignment = coordination_selectors.assignment_for_user(request.user, pk)
    if assignment is None:
        raise Http404
    return _open_one_of(request, inbox.unit_tasks(request.user, Assignment.objects.filter(pk=assignment.pk)),
                        reverse("coordination:assignment_detail", args=[assignment.pk]))
