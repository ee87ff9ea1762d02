from django.contrib import admin

from .models import AirPlan, Cluster, PlayLog


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    """The registry: each unit's IP loudspeaker clusters (vendors may also be imported by code)."""

    list_display = ["code", "unit", "vendor", "status", "last_seen_at", "volume", "is_active"]
    list_filter = ["status", "is_active", "vendor"]
    search_fields = ["code", "serial", "unit__name", "name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["status", "last_seen_at", "offline_since", "volume", "faults"]


@admin.register(AirPlan)
class AirPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "kind", "status", "revision", "created_at", "confirmed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "unit__name"]
    list_select_related = ["unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlayLog)
class PlayLogAdmin(admin.ModelAdmin):
    list_display = ["cluster", "bulletin_id", "revision", "started_at", "duration_seconds", "result", "received_at"]
    list_filter = ["result"]
    search_fields = ["cluster__code", "key"]
    list_select_related = ["cluster"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
