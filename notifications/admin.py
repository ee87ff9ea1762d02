from django.contrib import admin

from .models import Delivery, Notification, NotificationPreference


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["channel", "status", "attempted_at", "error"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "kind", "level", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "level", "created_at"]
    search_fields = ["title", "recipient__username", "recipient__full_name", "dedupe_key"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email_mode", "minutes"]
    list_filter = ["kind", "email_mode"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user"]
