import secrets

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from common.tables import TableError, TableRow
from common.uploads import FORMATS, extension_of, upload_check

from . import imports, selectors, services
from .access import user_may_import_people, user_may_reorganise
from .audit import history_entries
from .login import login_unlock
from .models import Membership, StructureInForce, Unit, UnitSuccession, User


class AuditedAdmin(SimpleHistoryAdmin):
    """simple-history's admin "Lịch sử" page, showing the same readable entries as the object's own page
    (Vietnamese labels, display values). Reverting is off: a revert would bypass the services' rules."""

    object_history_template = "org/admin_history.html"

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:  # a missing or malformed id ("abc"): what Django's own pages answer, not a 500
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        extra = {"history": history_entries(obj)}
        return super().history_view(request, object_id, extra_context={**extra, **(extra_context or {})})

    def revert_disabled(self, request, obj=None):
        return True

    def history_view_title(self, request, obj):
        return _("Lịch sử thay đổi: %s") % obj


IMPORT_TYPES = ["xlsx", "csv"]
IMPORT_MAX_MB = 5
IMPORT_SESSION_KEY = "org_people_import"


class PeopleUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.xlsx hoặc .csv)"))
    skip_invalid = forms.BooleanField(label=_("Bỏ qua các dòng lỗi, nhập các dòng đúng"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file"):
            upload_check(cleaned["file"], allowed=IMPORT_TYPES, max_mb=IMPORT_MAX_MB, field="file")
        return cleaned


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "is_leader"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "job_title", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__unit__kind"]
    search_fields = ["username", "full_name", "email", "memberships__unit__name"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Thông tin công tác"), {"fields": ["full_name", "job_title", "phone"]}),)
    inlines = [MembershipInline]
    actions = ["unlock_login"]
    change_list_template = "org/admin_user_change_list.html"

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="org_user_import"),
            path("import/template/", self.admin_site.admin_view(self.import_template_view),
                 name="org_user_import_template"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"may_import_people": user_may_import_people(request.user)}
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})

    def import_template_view(self, request):
        if not user_may_import_people(request.user):
            raise PermissionDenied
        response = HttpResponse(imports.people_template(), content_type=FORMATS["xlsx"].content_type)
        response["Content-Disposition"] = f'attachment; filename="{imports.TEMPLATE_NAME}"'
        return response

    def import_view(self, request):
        """Upload → preview → confirm. The preview keeps the sheet's cells (not the file) in the session under a
        one-time token; confirming checks them again against the database and writes, so nothing of the upload is
        ever stored as a file and what is written is checked at the moment it is written."""
        if not user_may_import_people(request.user):
            raise PermissionDenied
        form, preview, token = PeopleUploadForm(), None, ""
        if request.method == "POST" and request.POST.get("action") == "confirm":
            pending = request.session.get(IMPORT_SESSION_KEY) or {}
            if not pending or not secrets.compare_digest(pending.get("token", ""), request.POST.get("token", "")):
                messages.error(request, gettext("Bản xem trước đã hết hiệu lực; hãy tải tệp lên lại."))
            else:
                del request.session[IMPORT_SESSION_KEY]
                table = [TableRow(number, values) for number, values in pending["rows"]]
                preview = imports.people_import_rows(imports.people_check(table), dry_run=False,
                                                     skip_invalid=pending["skip_invalid"])
                if preview.written:
                    result = preview.result
                    self.message_user(request, gettext(
                        "Đã nhập: tạo mới %(uc)s tài khoản, cập nhật %(uu)s; tạo mới %(mc)s phân công, cập nhật "
                        "%(mu)s.") % {"uc": result.users_created, "uu": result.users_updated,
                                      "mc": result.memberships_created, "mu": result.memberships_updated})
                    return redirect(reverse("admin:org_user_changelist"))
                messages.error(request, gettext(
                    "Không ghi gì: dữ liệu đã thay đổi từ lúc xem trước, xem các dòng lỗi."))
        elif request.method == "POST":
            form = PeopleUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    table = imports.people_read(upload.read(), extension=extension_of(upload.name))
                except TableError as exc:
                    form.add_error("file", str(exc))
                else:
                    preview = imports.people_import_rows(imports.people_check(table), dry_run=True,
                                                         skip_invalid=form.cleaned_data["skip_invalid"])
                    token = secrets.token_urlsafe(16)
                    request.session[IMPORT_SESSION_KEY] = {
                        "token": token, "rows": [[r.number, r.values] for r in table],
                        "skip_invalid": form.cleaned_data["skip_invalid"]}
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": _("Nhập người dùng từ tệp"),
            "form": form, "preview": preview, "token": token, "max_mb": IMPORT_MAX_MB,
            "may_confirm": bool(token and preview.valid and (not preview.invalid or preview.skip_invalid)),
        }
        return TemplateResponse(request, "org/admin_people_import.html", context)

    @admin.action(description=_("Mở khóa đăng nhập (xóa các lần đăng nhập sai)"), permissions=["change"])
    def unlock_login(self, request, queryset):
        removed = login_unlock(usernames=list(queryset.values_list("username", flat=True)))
        self.message_user(request, _("Đã mở khóa đăng nhập; xóa %(count)s bản ghi đăng nhập sai.") % {"count": removed})

    def save_formset(self, request, form, formset, change):
        """Memberships edited on the user page go through the services, which grant and revoke the unit's and
        the role's groups (a plain formset save would only write the rows)."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_delete(membership)
        for membership in memberships:
            services.membership_save(membership)
        services.membership_groups_sync(form.instance)  # the groups field of this page must not undo them


@admin.register(Unit)
class UnitAdmin(GuardedModelAdmin):
    list_display = ["name", "code", "kind", "structure", "parent", "is_urban", "is_active"]
    list_filter = ["structure", "kind", "is_urban", "is_active"]
    search_fields = ["name", "code", "codename"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "group"]

    def save_model(self, request, obj, form, change):
        services.unit_save(obj)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "is_leader", "created_at"]
    list_filter = ["role", "is_leader", "unit__kind", "unit__structure"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    def save_model(self, request, obj, form, change):
        services.membership_save(obj)

    def delete_model(self, request, obj):
        services.membership_delete(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership)


class StructureInForceForm(forms.ModelForm):
    class Meta:
        model = StructureInForce
        fields = ["structure", "in_force_since"]

    def clean_structure(self):
        structure = self.cleaned_data["structure"]
        if not selectors.structure_loaded(structure):
            raise forms.ValidationError(_("Chưa nạp đơn vị của cơ cấu này: hãy nạp đơn vị trước (load_units)."))
        return structure


@admin.register(StructureInForce)
class StructureInForceAdmin(admin.ModelAdmin):
    """One row: which structure target sets, pickers and periods resolve against. Units of the other structure
    stay, with their history."""

    form = StructureInForceForm
    list_display = ["structure", "in_force_since", "updated_at"]
    change_list_template = "org/admin_structure_change_list.html"

    def changelist_view(self, request, extra_context=None):
        extra = {"may_reorganise": user_may_reorganise(request.user)}
        return super().changelist_view(request, extra_context={**extra, **(extra_context or {})})

    def has_add_permission(self, request):
        return not StructureInForce.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.structure_in_force_set(structure=obj.structure, since=obj.in_force_since)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    """Read only: links are written by `manage.py reorganise` from the official succession data."""

    list_display = ["predecessor", "successor", "is_default", "on"]
    list_filter = ["is_default", "on"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    list_select_related = ["predecessor", "successor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
