"""Admin → "Việc nền lỗi": failed or stuck work (ops/failed.py) with a retry button; superusers and staff holding
`editorial.change_zalomessage` (the Office's operators)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.ids import parse_id

from .failed import KINDS, failed_work, retry


def may_operate(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and (user.is_superuser or user.has_perm("editorial.change_zalomessage")))


@require_http_methods(["GET", "POST"])
def failed_work_page(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('admin:login')}?next={request.path}")
    if not may_operate(request.user):
        raise PermissionDenied
    if request.method == "POST":
        kind, pk = request.POST.get("kind", ""), parse_id(request.POST.get("pk", "0") or "0")
        if kind not in KINDS or (pk is None and kind != "loudspeaker"):
            messages.error(request, _("Yêu cầu không hợp lệ."))
        elif retry(kind, pk or 0, user=request.user):
            messages.success(request, _("Đã đưa lại vào hàng chờ: %(kind)s #%(pk)s.") % {"kind": KINDS[kind], "pk": pk})
        else:
            messages.info(request, _("Việc này không còn lỗi (đã được gửi lại)."))
        return redirect(reverse("failed_work"))
    return render(request, "ops/failed_work.html", {
        **admin.site.each_context(request), "title": _("Việc nền lỗi hoặc bị treo"), "rows": failed_work()})
