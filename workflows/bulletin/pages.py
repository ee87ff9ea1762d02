"""The bulletin's entry actions, shown on its page (templates/editorial/bulletin_detail.html): submit to the
Board, withdraw, cancel a set publication time, correct a published text."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.http import object_or_404
from editorial import access as editorial_access
from editorial.forms import CorrectionForm
from editorial.selectors import bulletin_for_user

from ..views import action, form_page
from . import services


def _bulletin_or_404(request, pk):
    return object_or_404(bulletin_for_user(request.user, pk))


def _page(bulletin) -> str:
    return reverse("editorial:bulletin_detail", args=[bulletin.pk])


@login_required
@require_POST
def submit(request, pk):
    bulletin = _bulletin_or_404(request, pk)
    return action(request, lambda: services.review_start(bulletin=bulletin, user=request.user),
                  success=_("Đã trình Ban biên tập."), back=_page(bulletin))


@login_required
@require_POST
def withdraw(request, pk):
    bulletin = _bulletin_or_404(request, pk)
    return action(request, lambda: services.withdraw(bulletin=bulletin, user=request.user,
                                                     reason=request.POST.get("reason", "")),
                  success=_("Đã rút lại bản tin."), back=_page(bulletin))


@login_required
@require_POST
def unschedule(request, pk):
    bulletin = _bulletin_or_404(request, pk)
    if not editorial_access.can_publish(request.user):
        raise PermissionDenied(_("Chỉ Văn phòng Sở hoặc Lãnh đạo Sở được phát hành bản tin."))
    return action(request, lambda: services.unschedule(bulletin=bulletin, user=request.user),
                  success=_("Đã hủy hẹn giờ; bản tin trở lại bước phát hành."), back=_page(bulletin))


@login_required
def correct(request, pk):
    bulletin = _bulletin_or_404(request, pk)
    if not editorial_access.can_correct(request.user, bulletin):
        raise PermissionDenied(_("Chỉ người soạn thảo của phòng đã soạn được đính chính bản tin đã phát hành."))
    form = CorrectionForm(request.POST or None, initial={"title": bulletin.title, "body": bulletin.body})

    def done(_bulletin):
        messages.success(request, _("Đã gửi bản đính chính tới Ban biên tập."))
        return redirect(_page(bulletin))

    return form_page(request, form, title=_("Đính chính bản tin"), submit_label=_("Trình bản đính chính"), done=done,
                     run=lambda data: services.correction_start(bulletin=bulletin, user=request.user, **data))
