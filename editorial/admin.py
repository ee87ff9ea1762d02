from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.errors import AlreadyDone
from org.admin import AuditedAdmin

from .models import (
    BroadcastLimit,
    Bulletin,
    BulletinAudio,
    BulletinEvent,
    BulletinRevision,
    ChannelDelivery,
    EditorialSettings,
    PlanTopic,
    ReviewDecision,
    ReviewPolicy,
    ZaloGroup,
    ZaloMessage,
)
from .services import zalo_message_retry


@admin.register(PlanTopic)
class PlanTopicAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "year", "month_from", "month_to", "is_active"]
    list_filter = ["year", "is_active"]
    search_fields = ["title"]


@admin.register(EditorialSettings)
class EditorialSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "words_per_minute", "speech_engine", "espeak_voice", "require_confirmed_audio"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not EditorialSettings.objects.exists()


@admin.register(BroadcastLimit)
class BroadcastLimitAdmin(admin.ModelAdmin):
    list_display = ["area", "max_minutes_per_session", "sessions_per_day", "days_per_week", "source"]


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "priority", "rule"]


@admin.register(ZaloGroup)
class ZaloGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "group_id", "unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "group_id"]
    raw_id_fields = ["unit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: visible to administrators, written only by the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(AuditedAdmin, ReadOnlyAdmin):
    list_display = ["title", "status", "priority", "drafting_unit", "plan_topic", "updated_at"]
    list_filter = ["status", "priority"]
    search_fields = ["title"]
    list_select_related = ["drafting_unit", "plan_topic"]


@admin.register(BulletinRevision)
class BulletinRevisionAdmin(ReadOnlyAdmin):
    list_display = ["bulletin", "number", "kind", "created_by", "created_at"]
    list_select_related = ["bulletin", "created_by"]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ["revision", "round", "reviewer", "decision", "decided_at"]
    list_select_related = ["revision", "reviewer"]


@admin.register(BulletinAudio)
class BulletinAudioAdmin(ReadOnlyAdmin):
    list_display = ["revision", "backend", "status", "duration_seconds", "confirmed_at", "voided_at"]
    list_filter = ["status", "backend"]
    list_select_related = ["revision"]
    exclude = ["file"]  # private files have no URL: the download view checks who asks
    readonly_fields = ["recording"]

    @admin.display(description=_("tệp âm thanh"))
    def recording(self, obj: BulletinAudio) -> str:
        if not obj.file:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("editorial:audio_file", args=[obj.pk]), _("Nghe / tải về"))


@admin.register(BulletinEvent)
class BulletinEventAdmin(ReadOnlyAdmin):
    list_display = ["bulletin", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["bulletin", "actor"]


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["bulletin", "channel", "target", "status", "attempt", "created_at"]
    list_filter = ["channel", "status"]
    list_select_related = ["bulletin"]


@admin.register(ZaloMessage)
class ZaloMessageAdmin(ReadOnlyAdmin):
    list_display = ["bulletin", "group_id", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["bulletin"]
    actions = ["retry"]

    @admin.action(description=_("Gửi lại các tin nhắn lỗi đã chọn"))
    def retry(self, request, queryset):
        done = 0
        for message in queryset.filter(status=ZaloMessage.Status.FAILED):
            try:
                zalo_message_retry(message=message, user=request.user)
            except AlreadyDone:
                continue
            done += 1
        self.message_user(request, _("Đã đưa %(n)s tin nhắn vào hàng gửi lại.") % {"n": done}, messages.SUCCESS)
