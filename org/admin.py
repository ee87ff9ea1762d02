from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from . import services
from .login import login_unlock
from .models import Membership, Unit, User


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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "is_leader", "created_at"]
    list_filter = ["role", "is_leader", "unit__kind", "unit__structure"]
    search_fields = ["user__username", "user__full_name", "unit__name"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["user", "unit"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.membership_create(user=obj.user, unit=obj.unit, role=obj.role, is_leader=obj.is_leader)

    def delete_model(self, request, obj):
        services.membership_delete(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.membership_delete(membership)
