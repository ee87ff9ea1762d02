"""Pages that move a periodic report's flows: open a period, finish it, send a commune's accepted report back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from common.http import object_or_404
from coordination import access as coordination_access
from coordination import selectors as coordination_selectors
from coordination.models import Directive
from org import selectors as org_selectors
from reporting import selectors
from reporting import services as reporting_services
from reporting.forms import PeriodFinishForm, PeriodOpenForm, ReportReopenForm

from ..views import form_page
from . import services


def _require_issuer(user) -> None:
    if not coordination_access.may_issue_for(user, reporting_services.period_issuing_unit()):
        raise PermissionDenied(_("Chỉ Phòng Thông tin - Báo chí - Xuất bản được mở hoặc kết thúc kỳ báo cáo."))


def _refusal_shown(run, default: str = ""):
    """Run a step whose own check may refuse this person (e.g. the close task is its opener's): the reason
    goes into the form (as a domain error) instead of an error page."""
    try:
        return run()
    except PermissionDenied as error:
        raise ValidationError(str(error) or default or _("Bạn không được thực hiện việc này.")) from error


@login_required
def period_open(request):
    _require_issuer(request.user)
    form = PeriodOpenForm(request.POST or None, structure=org_selectors.structure_in_force())

    def done(period):
        if period.directive.status == Directive.Status.PENDING_APPROVAL:
            messages.success(request, _("Đã mở kỳ báo cáo; văn bản đang chờ lãnh đạo duyệt để gửi tới đơn vị."))
        else:
            messages.success(request, _("Đã mở kỳ báo cáo và gửi tới các đơn vị."))
        return redirect("reporting:period_detail", period.pk)

    return form_page(
        request, form, title=_("Mở kỳ báo cáo định kỳ"), submit_label=_("Mở kỳ báo cáo"), done=done,
        run=lambda data: services.period_open(user=request.user, kind=data["kind"], year=data["year"],
                                              structure=data["structure"], due_date=data.get("due_date")))


@login_required
def period_finish(request, pk):
    _require_issuer(request.user)
    period = object_or_404(selectors.period_for_user(request.user, pk))
    form = PeriodFinishForm(request.POST or None)

    def done(_period):
        messages.success(request, _("Đã kết thúc kỳ báo cáo."))
        return redirect("reporting:period_detail", period.pk)

    return form_page(
        request, form, title=_("Kết thúc kỳ báo cáo"), submit_label=_("Kết thúc kỳ báo cáo"), done=done,
        run=lambda data: _refusal_shown(lambda: services.period_finish(
            period=period, user=request.user, summary=data["summary"]), _("Bạn không được kết thúc kỳ báo cáo này.")))


@login_required
def report_send_back(request, pk):
    """A district sends a commune's accepted report back for correction (its own report not yet sent, or
    returned by the Department)."""
    assignment = coordination_selectors.assignment_for_user(request.user, pk)
    if assignment is None or assignment.parent_id is None:
        raise Http404
    form = ReportReopenForm(request.POST or None)

    def done(_report):
        messages.success(request, _("Đã trả lại báo cáo của %(unit)s để sửa.") % {"unit": assignment.unit.name})
        next_url = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
            return redirect(next_url)
        return redirect("coordination:assignment_detail", assignment.pk)

    return form_page(
        request, form, title=_("Trả lại báo cáo đã chấp nhận: %(unit)s") % {"unit": assignment.unit.name},
        submit_label=_("Trả lại để sửa"), done=done,
        run=lambda data: _refusal_shown(lambda: services.report_send_back(
            assignment=assignment, user=request.user, comment=data["comment"])))
