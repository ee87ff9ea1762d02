from django.contrib import admin

from .models import Delivery, Propagandist


@admin.register(Propagandist)
class PropagandistAdmin(admin.ModelAdmin):
    list_display = ["full_name", "unit", "hamlet", "role", "channel", "is_active"]
    list_filter = ["role", "channel", "is_active"]
    search_fields = ["full_name", "phone", "email", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["title", "propagandist", "unit", "channel", "status", "attempts", "sent_at", "received_at"]
    list_filter = ["status", "channel"]
    search_fields = ["title", "propagandist__full_name"]
    list_select_related = ["propagandist", "unit"]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
