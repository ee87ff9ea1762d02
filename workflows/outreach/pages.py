"""The propagandist's personal page (no login: the secret in the link is the key; it shows that one bulletin and
records the receipt) and the commune's registry page (its propagandists, adding one, importing its sheet, and the
receipt rate of each bulletin)."""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from common.tables import TableError, TableRow
from editorial.selectors import confirmed_audio, published_bulletin
from org import selectors as org_selectors
from org.models import Unit, UnitKind
from outreach import imports
from outreach import selectors as outreach_selectors
from outreach import services as outreach
from outreach.models import Propagandist

IMPORT_SESSION_KEY = "outreach-import"
MAX_MB = 5


@require_GET
def receipt_page(request, token):
    delivery = outreach_selectors.delivery_by_token(token)
    if delivery is None:
        raise Http404
    bulletin = published_bulletin(delivery.bulletin_id)
    delivery = outreach.receipt_record(delivery)
    response = render(request, "workflows/outreach/receipt.html", {
        "delivery": delivery, "bulletin": bulletin, "revision": bulletin.published_revision if bulletin else None,
        "audio": confirmed_audio(bulletin.published_revision) if bulletin else None})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link's secret stays out of other sites' logs
    response["X-Robots-Tag"] = "noindex"
    return response


def _communes(user) -> list[Unit]:
    """The communes whose registry `user` keeps (their own) or follows (the Department: all in force)."""
    if user.is_superuser or user.has_perm("org.supervise_all_units"):
        return list(org_selectors.units_in_force().filter(kind=UnitKind.COMMUNE).order_by("path"))
    return list(org_selectors.units_acted_for(user).filter(kind=UnitKind.COMMUNE).order_by("path"))


def _may_edit(user, unit: Unit) -> bool:
    return org_selectors.user_can_act_for(user, unit)


class PropagandistForm(forms.ModelForm):
    class Meta:
        model = Propagandist
        fields = ["full_name", "hamlet", "phone", "zalo", "email", "role", "training", "channel", "is_active"]


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV"))
    skip_invalid = forms.BooleanField(label=gettext_lazy("Bỏ qua các dòng lỗi"), required=False)


@login_required
@require_http_methods(["GET", "POST"])
def registry_page(request):
    communes = _communes(request.user)
    if not communes:
        raise PermissionDenied(_("Trang này dành cho cán bộ xã/phường và lãnh đạo Sở."))
    unit = next((u for u in communes if str(u.pk) == request.GET.get("unit", "")), communes[0])
    editable = _may_edit(request.user, unit)
    form, upload, preview = PropagandistForm(), ImportForm(), None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Chỉ cán bộ của xã/phường được sửa danh sách tuyên truyền viên."))
        action = request.POST.get("action")
        if action == "add":
            form = PropagandistForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                outreach.propagandist_save(unit=unit, **data)
                messages.success(request, _("Đã lưu tuyên truyền viên %(name)s.") % {"name": data["full_name"]})
                return redirect(f"{request.path}?unit={unit.pk}")
        elif action == "preview":
            upload = ImportForm(request.POST, request.FILES)
            if upload.is_valid():
                f = upload.cleaned_data["file"]
                extension = f.name.rsplit(".", 1)[-1].lower()
                if f.size > MAX_MB * 1024 * 1024 or extension not in ("xlsx", "csv"):
                    upload.add_error("file", _("Chỉ nhận tệp .xlsx hoặc .csv, tối đa %(mb)s MB.") % {"mb": MAX_MB})
                else:
                    try:
                        table = imports.read(f.read(), extension=extension)
                    except TableError as exc:
                        upload.add_error("file", str(exc))
                    else:
                        preview = imports.import_rows(imports.check(table), unit=unit, dry_run=True)
                        token = secrets.token_urlsafe(16)
                        request.session[IMPORT_SESSION_KEY] = {
                            "token": token, "unit": unit.pk, "skip": upload.cleaned_data["skip_invalid"],
                            "rows": [[r.number, r.values] for r in table]}
                        preview.token = token
        elif action == "confirm":
            pending = request.session.pop(IMPORT_SESSION_KEY, None) or {}
            if pending.get("unit") != unit.pk or not secrets.compare_digest(
                    str(pending.get("token", "")), request.POST.get("token", "")):
                messages.error(request, _("Bản xem trước đã hết hiệu lực; hãy tải tệp lên lại."))
            else:
                rows = imports.check([TableRow(n, v) for n, v in pending["rows"]])
                result = imports.import_rows(rows, unit=unit, dry_run=False, skip_invalid=pending["skip"])
                if result.written:
                    messages.success(request, _("Đã nhập: %(c)s người mới, %(u)s cập nhật.") % {
                        "c": result.created, "u": result.updated})
                else:
                    messages.error(request, _("Không ghi gì: có dòng lỗi."))
                return redirect(f"{request.path}?unit={unit.pk}")
    return render(request, "workflows/outreach/registry.html", {
        "unit": unit, "communes": communes, "editable": editable, "form": form, "upload": upload,
        "preview": preview, "people": outreach_selectors.propagandists_of(unit),
        "counts": outreach_selectors.registry_counts(unit), "receipts": outreach_selectors.receipts_of_unit(unit)})


@login_required
@require_GET
def import_template(request):
    if not _communes(request.user):
        raise PermissionDenied
    response = HttpResponse(imports.template(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{imports.TEMPLATE_NAME}"'
    return response
