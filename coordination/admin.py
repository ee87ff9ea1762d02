from django.contrib import admin

from org.admin import AuditedAdmin

from .models import Assignment, AssignmentEvent, DeadlinePolicy, Directive, Urgency


@admin.register(Urgency)
class UrgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sla_hours", "rank"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "escalate_parent_after_hours", "escalate_issuer_after_hours"]


@admin.register(Directive)
class DirectiveAdmin(AuditedAdmin):
    list_display = ["title", "issuing_unit", "urgency", "deadline", "status", "created_at"]
    list_filter = ["status", "urgency"]
    search_fields = ["title"]
    list_select_related = ["issuing_unit", "urgency"]
    readonly_fields = ["fanout_total", "fanout_done"]


class AssignmentEventInline(admin.TabularInline):
    model = AssignmentEvent
    extra = 0
    readonly_fields = ["kind", "actor", "comment", "once_key", "at"]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ["directive", "unit", "status", "deadline", "received_at", "reported_at"]
    list_filter = ["status"]
    search_fields = ["unit__name", "directive__title"]
    list_select_related = ["directive", "unit"]
    raw_id_fields = ["directive", "unit", "parent", "assignee", "received_by"]
    inlines = [AssignmentEventInline]
