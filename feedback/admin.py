from django.contrib import admin

from .models import FeedbackSettings


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "answer_within_hours", "remind_hours_before")

    def has_add_permission(self, request):
        return not FeedbackSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
