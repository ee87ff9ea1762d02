"""Action pages that start or change flows: compose a directive, relay to communes, cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from viewflow.workflow.exceptions import FlowLockFailed

from common.forms import add_errors
from common.ids import parse_ids
from coordination import access as coordination_access
from coordination import selectors as coordination_selectors
from coordination.forms import CancelForm, DirectiveForm, RelayForm
from coordination.models import ReportRequirement

from . import services


@login_required
def directive_create(request):
    issuing_units = coordination_access.issuing_units(request.user)
    if not issuing_units.exists():
        raise PermissionDenied(_("Chỉ các đơn vị thuộc Sở được ban hành văn bản chỉ đạo."))
    form = DirectiveForm(request.POST or None, request.FILES or None, issuing_units=issuing_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directive = services.directive_start(
                user=request.user, issuing_unit=data["issuing_unit"], title=data["title"],
                instructions=data["instructions"], urgency=data["urgency"], deadline=data["deadline"],
                target_spec=form.target_spec(), report_requirements=data["report_requirements"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã gửi văn bản tới lãnh đạo duyệt."))
            return redirect("coordination:directive_detail", directive.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Soạn văn bản chỉ đạo"),
                                                        "submit_label": _("Gửi lãnh đạo duyệt")})


def _assignment_or_404(request, pk):
    assignment = coordination_selectors.assignment_for_user(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


@login_required
def assignment_relay(request, pk):
    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_relay(request.user, assignment):
        raise PermissionDenied(_("Bạn không thuộc đơn vị được giao nhiệm vụ này."))
    form = RelayForm(request.POST or None, candidates=coordination_selectors.relay_candidates(assignment))
    if request.method == "POST" and form.is_valid():
        try:
            children = services.assignment_relay(assignment=assignment, user=request.user,
                                                 units=list(form.cleaned_data["units"]))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã giao tiếp cho %(n)s đơn vị.") % {"n": len(children)})
            return redirect("coordination:assignment_detail", assignment.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Giao tiếp cho xã/phường"),
                                                        "submit_label": _("Giao việc")})


@login_required
def assignment_cancel(request, pk):
    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_cancel_assignment(request.user, assignment):
        raise PermissionDenied(_("Bạn không được hủy nhiệm vụ này."))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assignment_cancel(assignment=assignment, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã hủy nhiệm vụ."))
        return redirect("coordination:assignment_detail", assignment.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Hủy nhiệm vụ"),
                                                        "submit_label": _("Hủy nhiệm vụ")})


@login_required
def directive_cancel(request, pk):
    directive = coordination_selectors.directive_for_user(request.user, pk)
    if directive is None:
        raise Http404
    if not coordination_access.can_cancel(request.user, directive):
        raise PermissionDenied(_("Bạn không được hủy văn bản này."))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.directive_cancel(directive=directive, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Đã hủy văn bản."))
        return redirect("coordination:directive_detail", directive.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Hủy văn bản chỉ đạo"),
                                                        "submit_label": _("Hủy văn bản")})


BULK_ACTIONS = {"claim": gettext_lazy("Nhận việc"), "acknowledge": gettext_lazy("Nhận việc và xác nhận đã nhận")}


def _bulk_one(task, user, action: str, *, planned_air_at=None) -> str:
    """Run one item of a bulk action; returns the Vietnamese result shown beside it."""
    try:
        if action == "claim":
            services.task_claim(task, user)
            return _("Đã nhận việc")
        if task.flow_task.name != "acknowledge":
            return _("Bỏ qua: không phải bước tiếp nhận")
        services.task_run(task, user, services.assignment_acknowledge, planned_air_at=planned_air_at)
        return _("Đã xác nhận đã nhận")
    except (ValidationError, PermissionDenied) as error:
        return _("Không thực hiện: %(e)s") % {"e": " ".join(getattr(error, "messages", [str(error)]))}
    except FlowLockFailed:
        return _("Không thực hiện: người khác đang thao tác, hãy thử lại")


def _asking_air_time(tasks) -> set[int]:
    """The pks of the unit-assignment acknowledge tasks among `tasks` whose directive asks for a planned air time."""
    from .flows import UnitAssignmentFlow

    acknowledges = {t.process.artifact_object_id: t.pk for t in tasks if t.flow_task == UnitAssignmentFlow.acknowledge}
    return {acknowledges[pk] for pk in coordination_selectors.assignments_asking_air_time(acknowledges)}


@login_required
def unit_queue_bulk(request):
    """The unit queue with check boxes: claim or acknowledge many tasks, with a result per item. Acknowledging a
    normal bulletin's broadcast asks for a planned air time: one time, given once, for every such task selected."""
    from .flows import DirectiveFlow, UnitAssignmentFlow
    from .selectors import unit_queue
    from .views import AcknowledgeForm

    flows = [UnitAssignmentFlow, DirectiveFlow]
    results, selected = [], set()
    air_form = AcknowledgeForm(request.POST or None, requirements=[ReportRequirement.SCHEDULE],
                               prefix="bulk")
    if request.method == "POST" and request.POST.get("action") in BULK_ACTIONS:
        action = request.POST["action"]
        ids = parse_ids(request.POST.getlist("tasks"), limit=500)
        tasks = {t.pk: t for t in unit_queue(request.user, flows).filter(pk__in=ids)}
        asking = _asking_air_time(tasks.values()) if action == "acknowledge" else set()
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
    return render(request, "workflows/queue_bulk.html", {
        "page": page, "results": results, "actions": BULK_ACTIONS, "air_form": air_form, "selected": selected,
        "asking_air_time": _asking_air_time(page.object_list)})


def _bulletin_or_404(request, pk):
    from editorial.selectors import bulletin_for_user

    bulletin = bulletin_for_user(request.user, pk)
    if bulletin is None:
        raise Http404
    return bulletin


@login_required
@require_POST
def bulletin_submit(request, pk):
    from . import bulletin_services

    bulletin = _bulletin_or_404(request, pk)
    try:
        bulletin_services.bulletin_submit(bulletin=bulletin, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã trình Ban biên tập."))
    return redirect("editorial:bulletin_detail", bulletin.pk)


@login_required
@require_POST
def bulletin_withdraw(request, pk):
    from . import bulletin_services

    bulletin = _bulletin_or_404(request, pk)
    try:
        bulletin_services.bulletin_withdraw(bulletin=bulletin, user=request.user,
                                            reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã rút lại bản tin."))
    return redirect("editorial:bulletin_detail", bulletin.pk)


@login_required
@require_POST
def bulletin_unschedule(request, pk):
    from editorial import access as editorial_access

    from . import bulletin_services

    bulletin = _bulletin_or_404(request, pk)
    if not editorial_access.can_publish(request.user):
        raise PermissionDenied(_("Chỉ Văn phòng Sở hoặc Lãnh đạo Sở được phát hành bản tin."))
    try:
        bulletin_services.bulletin_unschedule(bulletin=bulletin, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã hủy hẹn giờ; bản tin trở lại bước phát hành."))
    return redirect("editorial:bulletin_detail", bulletin.pk)


@login_required
def bulletin_correct(request, pk):
    from editorial import access as editorial_access
    from editorial.forms import CorrectionForm

    from . import bulletin_services

    bulletin = _bulletin_or_404(request, pk)
    if not editorial_access.can_correct(request.user, bulletin):
        raise PermissionDenied(_("Chỉ người soạn thảo của phòng đã soạn được đính chính bản tin đã phát hành."))
    form = CorrectionForm(request.POST or None, initial={"title": bulletin.title, "body": bulletin.body})
    if request.method == "POST" and form.is_valid():
        try:
            bulletin_services.bulletin_correct(bulletin=bulletin, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã gửi bản đính chính tới Ban biên tập."))
            return redirect("editorial:bulletin_detail", bulletin.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Đính chính bản tin"),
                                                        "submit_label": _("Trình bản đính chính")})


@login_required
@require_POST
def task_claim_and_open(request, task_pk):
    """One click from a bulletin or assignment page: take the task from the queue and open its form."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(pk=task_pk).first()
    if task is None:
        raise Http404
    try:
        services.task_claim(task, request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])) or _("Không nhận được việc này."))
        return redirect(request.META.get("HTTP_REFERER") or "/")
    return redirect(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))


@login_required
def assignment_officer(request, pk):
    """The issuing (or relaying) unit names the officer who handles one unit's assignment."""
    from coordination.forms import OfficerForm

    assignment = _assignment_or_404(request, pk)
    if not coordination_access.may_name_officer(request.user, assignment):
        raise PermissionDenied(_("Chỉ đơn vị giao việc được chỉ định người xử lý."))
    form = OfficerForm(request.POST or None, candidates=coordination_selectors.officer_candidates(assignment))
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_name_officer(assignment=assignment, user=request.user,
                                             officer=form.cleaned_data["officer"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Đã chỉ định người xử lý."))
            return redirect("coordination:assignment_detail", assignment.pk)
    return render(request, "workflows/form_page.html", {"form": form, "title": _("Chỉ định người xử lý"),
                                                        "submit_label": _("Chỉ định")})
