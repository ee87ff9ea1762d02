"""Pages that start or change the directive flows: compose a directive, relay to communes, name an officer,
cancel, and the unit queue with check boxes (claim or acknowledge many tasks at once)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.exceptions import FlowLockFailed

from common.http import object_or_404
from common.ids import parse_ids
from coordination import access as coordination_access
from coordination import selectors as coordination_selectors
from coordination.forms import CancelForm, DirectiveForm, OfficerForm, RelayForm
from coordination.models import Assignment, ReportRequirement

from .. import engine
from ..selectors import unit_queue
from ..views import form_page
from . import services, steps
from .flow import DirectiveFlow, UnitAssignmentFlow
from .forms import AcknowledgeForm
from .selectors import tasks_asking_air_time


def _done(request, message: str, *to):
    messages.success(request, message)
    return redirect(*to)


@login_required
def directive_create(request):
    issuing_units = coordination_access.issuing_units(request.user)
    if not issuing_units.exists():
        raise PermissionDenied(_("Chỉ các đơn vị thuộc Sở được ban hành văn bản chỉ đạo."))
    form = DirectiveForm(request.POST or None, request.FILES or None, issuing_units=issuing_units)

    def run(data):
        return services.directive_start(
            user=request.user, issuing_unit=data["issuing_unit"], title=data["title"],
            instructions=data["instructions"], urgency=data["urgency"], deadline=data["deadline"],
            target_spec=form.target_spec(), report_requirements=data["report_requirements"],
            attachments=data["attachments"])

    return form_page(request, form, title=_("Soạn văn bản chỉ đạo"), submit_label=_("Gửi lãnh đạo duyệt"), run=run,
                     done=lambda directive: _done(request, _("Đã gửi văn bản tới lãnh đạo duyệt."),
                                                  "coordination:directive_detail", directive.pk))


def _assignment_or_404(request, pk):
    return object_or_404(coordination_selectors.assignment_for_user(request.user, pk))


@login_required
def assignment_relay(request, pk):
    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_relay(request.user, assignment):
        raise PermissionDenied(_("Bạn không thuộc đơn vị được giao nhiệm vụ này."))
    form = RelayForm(request.POST or None, candidates=coordination_selectors.relay_candidates(assignment))
    return form_page(
        request, form, title=_("Giao tiếp cho xã/phường"), submit_label=_("Giao việc"),
        run=lambda data: services.relay(assignment=assignment, user=request.user, units=list(data["units"])),
        done=lambda children: _done(request, _("Đã giao tiếp cho %(n)s đơn vị.") % {"n": len(children)},
                                    "coordination:assignment_detail", assignment.pk))


@login_required
def assignment_officer(request, pk):
    """The issuing (or relaying) unit names the officer who handles one unit's assignment."""
    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_name_officer(request.user, assignment):
        raise PermissionDenied(_("Chỉ đơn vị giao việc được chỉ định người xử lý."))
    form = OfficerForm(request.POST or None, candidates=coordination_selectors.officer_candidates(assignment))
    return form_page(
        request, form, title=_("Chỉ định người xử lý"), submit_label=_("Chỉ định"),
        run=lambda data: services.officer_name(assignment=assignment, user=request.user, officer=data["officer"]),
        done=lambda _result: _done(request, _("Đã chỉ định người xử lý."),
                                   "coordination:assignment_detail", assignment.pk))


@login_required
def assignment_cancel(request, pk):
    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_cancel_assignment(request.user, assignment):
        raise PermissionDenied(_("Bạn không được hủy nhiệm vụ này."))
    relayed = assignment.children.exclude(status__in=Assignment.CLOSED).count()
    intro = _("Hủy nhiệm vụ của %(u)s theo văn bản «%(t)s»") % {
        "u": assignment.unit.name, "t": assignment.directive.title}
    if relayed:
        intro += _(", cùng %(n)s nhiệm vụ đã giao tiếp cho xã/phường") % {"n": relayed}
    intro += _(". Các đơn vị được báo; không hoàn tác được.")
    return form_page(
        request, CancelForm(request.POST or None), title=_("Hủy nhiệm vụ"), submit_label=_("Hủy nhiệm vụ"), intro=intro,
        run=lambda data: services.assignment_withdraw(assignment=assignment, user=request.user, reason=data["reason"]),
        done=lambda _result: _done(request, _("Đã hủy nhiệm vụ."), "coordination:assignment_detail", assignment.pk))


@login_required
def directive_cancel(request, pk):
    directive = object_or_404(coordination_selectors.directive_for_user(request.user, pk))
    if not coordination_access.can_cancel(request.user, directive):
        raise PermissionDenied(_("Bạn không được hủy văn bản này."))
    open_units = directive.assignments.exclude(status__in=Assignment.CLOSED).count()
    intro = _("Hủy văn bản «%(t)s» và nhiệm vụ đang mở của %(n)s đơn vị; các đơn vị được báo; không hoàn tác "
              "được.") % {"t": directive.title, "n": open_units}
    return form_page(
        request, CancelForm(request.POST or None), title=_("Hủy văn bản chỉ đạo"), submit_label=_("Hủy văn bản"),
        intro=intro,
        run=lambda data: services.directive_withdraw(directive=directive, user=request.user, reason=data["reason"]),
        done=lambda _result: _done(request, _("Đã hủy văn bản."), "coordination:directive_detail", directive.pk))


BULK_ACTIONS = {"claim": gettext_lazy("Nhận việc"), "acknowledge": gettext_lazy("Nhận việc và xác nhận đã nhận")}


def _bulk_one(task, user, action: str, *, planned_air_at=None) -> str:
    """Run one item of a bulk action; returns the Vietnamese result shown beside it."""
    try:
        if action == "claim":
            engine.task_claim(task, user)
            return _("Đã nhận việc")
        if task.flow_task != UnitAssignmentFlow.acknowledge:
            return _("Bỏ qua: không phải bước tiếp nhận")
        engine.task_run(task, user, steps.acknowledge_step, planned_air_at=planned_air_at)
        return _("Đã xác nhận đã nhận")
    except (ValidationError, PermissionDenied) as error:
        return _("Không thực hiện: %(e)s") % {"e": " ".join(getattr(error, "messages", [str(error)]))}
    except FlowLockFailed:
        return _("Không thực hiện: người khác đang thao tác, hãy thử lại")


@login_required
def unit_queue_bulk(request):
    """The unit queue with check boxes: claim or acknowledge many tasks, with a result per item. Acknowledging a
    normal bulletin's broadcast asks for a planned air time: one time, given once, for every such task selected."""
    flows = [UnitAssignmentFlow, DirectiveFlow]
    results, selected = [], set()
    air_form = AcknowledgeForm(request.POST or None, requirements=[ReportRequirement.SCHEDULE], prefix="bulk")
    if request.method == "POST" and request.POST.get("action") in BULK_ACTIONS:
        action = request.POST["action"]
        ids = parse_ids(request.POST.getlist("tasks"), limit=500)
        tasks = {t.pk: t for t in unit_queue(request.user, flows).filter(pk__in=ids)}
        asking = tasks_asking_air_time(tasks.values()) if action == "acknowledge" else set()
        planned_air_at = air_form.cleaned_data.get("planned_air_at") if air_form.is_valid() else None
        if asking and planned_air_at is None:
            if air_form.is_valid():
                air_form.add_error("planned_air_at", _(
                    "%(n)s bản tin đã chọn cần thời điểm dự kiến phát: hãy nhập thời điểm rồi xác nhận lại."
                ) % {"n": len(asking)})
            selected = set(ids)
        else:
            for pk in ids:
                task = tasks.get(pk)
                outcome = _bulk_one(task, request.user, action,
                                    planned_air_at=planned_air_at if pk in asking else None) if task else _(
                    "Không thực hiện: việc không còn trong hàng chờ")
                results.append({"pk": pk, "subject": f"{task.unit_name}: {task.assignment_title}" if task else "",
                                "outcome": outcome})
    page = Paginator(unit_queue(request.user, flows), 100).get_page(request.GET.get("page"))
    return render(request, "workflows/directive/queue_bulk.html", {
        "page": page, "results": results, "actions": BULK_ACTIONS, "air_form": air_form, "selected": selected,
        "asking_air_time": tasks_asking_air_time(page.object_list)})
