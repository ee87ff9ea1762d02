from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import selectors, services
from .audit import history_entries
from .login import login_unlock
from .models import Membership, StructureInForce, Unit, User


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

    def has_add_permission(self, request):
        return not StructureInForce.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.structure_in_force_set(structure=obj.structure, since=obj.in_force_since)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at
