from django.contrib import admin

from .models import PlanTopic


@admin.register(PlanTopic)
class PlanTopicAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "year", "month_from", "month_to", "is_active"]
    list_filter = ["year", "is_active"]
    search_fields = ["title"]
