"""API clients are registered here. The token is shown once, in the message after saving a new client (or after
"issue a new token"); only its hash is kept. Revoking stops it at once."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ApiClient, BulletinPull, EboardShowing


def _show_token(request, client: ApiClient, token: str) -> None:
    messages.warning(request, format_html(
        _("Mã truy cập của «{name}» (chỉ hiển thị một lần, hãy sao chép ngay): <code>{token}</code>"),
        name=client.name, token=token))


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "access", "all_units", "rate_limit_per_minute", "token_prefix", "state",
                    "last_used_at"]
    list_filter = ["kind", "access", "is_active"]
    search_fields = ["name", "token_prefix"]
    autocomplete_fields = ["units"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "kind", "access", "all_units", "units", "rate_limit_per_minute", "is_active", "note",
              "token_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke", "issue_token"]

    @admin.display(description=_("mã truy cập"))
    def state(self, obj: ApiClient) -> str:
        return _("Đã thu hồi") if obj.is_revoked else (_("Đang dùng") if obj.is_active else _("Tạm dừng"))

    def save_model(self, request, obj, form, change):
        token = None if change else services.client_token_set(client=obj)
        super().save_model(request, obj, form, change)
        if token:
            _show_token(request, obj, token)

    @admin.action(description=_("Thu hồi mã truy cập"))
    def revoke(self, request, queryset):
        for client in queryset:
            services.client_revoke(client=client)
        self.message_user(request, ngettext("Đã thu hồi %(n)d mã truy cập.", "Đã thu hồi %(n)d mã truy cập.",
                                            queryset.count()) % {"n": queryset.count()})

    @admin.action(description=_("Cấp mã truy cập mới (mã cũ hết hiệu lực)"))
    def issue_token(self, request, queryset):
        for client in queryset:
            token = services.client_token_set(client=client)
            client.save(update_fields=["token_hash", "token_prefix", "revoked_at"])
            _show_token(request, client, token)


@admin.register(BulletinPull)
class BulletinPullAdmin(admin.ModelAdmin):
    list_display = ["bulletin", "client", "unit", "revision", "first_pulled_at", "last_pulled_at", "count"]
    list_select_related = ["bulletin", "client", "unit"]
    list_filter = ["client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EboardShowing)
class EboardShowingAdmin(BulletinPullAdmin):
    list_display = ["bulletin", "client", "unit", "revision", "first_shown_at", "last_shown_at", "count"]
