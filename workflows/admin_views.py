"""The reorganisation's admin page (Quản trị → Cơ cấu đang áp dụng → Sắp xếp đơn vị hành chính): choose, see the
dry run's table, confirm. It lives here, not in org's admin, because it drives every app's open work
(workflows.reorganisation); its URL sits under /admin/ (config/urls.py)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from org.access import user_may_reorganise
from org.models import LOCAL_STRUCTURES, Structure, StructureInForce

from .reorganisation import reorganise, summary, work_rows

CHOICES = [(s, Structure(s).label) for s in LOCAL_STRUCTURES]


class ReorganiseForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Từ cơ cấu"), choices=CHOICES, initial=Structure.Y2025)
    target = forms.ChoiceField(label=gettext_lazy("Sang cơ cấu"), choices=CHOICES, initial=Structure.CURRENT)
    on = forms.DateField(label=gettext_lazy("Có hiệu lực từ ngày"), required=False,
                         help_text=gettext_lazy("dd/mm/yyyy; để trống: 01/07/2025."),
                         input_formats=["%d/%m/%Y", "%Y-%m-%d"])

    def clean(self):
        data = super().clean()
        if data.get("source") and data.get("source") == data.get("target"):
            raise ValidationError(_("Hãy chọn hai cơ cấu khác nhau."))
        return data


@require_http_methods(["GET", "POST"])
def reorganise_page(request):
    """GET: the form. POST "preview": the dry run (nothing written). POST "confirm": the run, in one
    transaction; a second confirm (a double click) changes nothing."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('admin:login')}?next={request.path}")
    if not user_may_reorganise(request.user):
        raise PermissionDenied
    form = ReorganiseForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        confirm = request.POST.get("action") == "confirm"
        try:
            result = reorganise(source=form.cleaned_data["source"], target=form.cleaned_data["target"],
                                on=form.cleaned_data["on"], dry_run=not confirm, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if confirm:
                messages.success(request, summary(result))
                return redirect(reverse("admin:org_structureinforce_changelist"))
    context = {
        **admin.site.each_context(request), "title": _("Sắp xếp đơn vị hành chính"), "form": form,
        "result": result, "summary": summary(result) if result else "", "rows": work_rows(result) if result else [],
        "opts": StructureInForce._meta,
    }
    return render(request, "workflows/admin/reorganise.html", context)
