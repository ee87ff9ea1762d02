"""Admin for periodic reporting: the indicator set and the calendar are edited here; periods and reports are
shown read-only (they change through the flows)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from org.admin import AuditedAdmin

from .models import Indicator, ReportingPeriod, ReportingSchedule, UnitReport


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group", "unit_of_measure", "kind", "required", "non_negative", "not_more_than",
                    "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["group", "kind", "is_active", "required"]
    search_fields = ["name", "code", "group"]
    list_select_related = ["not_more_than"]
    autocomplete_fields = ["not_more_than"]


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "open_day", "open_month", "structure", "opener", "is_active"]
    raw_id_fields = ["opener"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(AuditedAdmin):
    list_display = ["__str__", "structure", "cutoff_date", "due_date", "status", "directive", "opened_at"]
    list_filter = ["kind", "year", "structure", "status"]
    readonly_fields = ["status", "directive", "opened_at", "opened_by", "closed_at", "frozen_indicators"]
    fields = ["kind", "year", "structure", "cutoff_date", "due_date", *readonly_fields]

    @admin.display(description=_("bộ chỉ tiêu đã chốt khi mở kỳ"))
    def frozen_indicators(self, obj):
        return ", ".join(i["code"] for i in obj.indicators) or "—"

    def get_readonly_fields(self, request, obj=None):
        opened = obj is not None and obj.status != ReportingPeriod.Status.DRAFT
        return [*self.readonly_fields, "kind", "year", "structure", "cutoff_date", "due_date"] if opened \
            else self.readonly_fields


@admin.register(UnitReport)
class UnitReportAdmin(admin.ModelAdmin):
    list_display = ["unit", "period", "status", "submitted_at", "reviewed_at"]
    list_filter = ["status", "period"]
    search_fields = ["unit__name"]
    list_select_related = ["unit", "period"]
    readonly_fields = ["period", "unit", "assignment", "status", "values", "notes", "updated_at", "updated_by",
                       "submitted_at", "submitted_by", "reviewed_at", "reviewed_by", "return_comment"]

    def has_add_permission(self, request):
        return False
