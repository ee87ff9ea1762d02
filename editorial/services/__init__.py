"""Editorial writes, one module per sub-domain. Every service takes keyword arguments, checks who is acting,
runs in one transaction and sends notifications through notifications.services.notify (pushed after commit)."""

from common.errors import AlreadyDone

from ..rules import review_outcome
from .audio import audio_confirm, audio_render, audio_renders_reconcile, audio_request, audio_revision, audio_upload
from .bulletins import (
    CONTENT_FIELDS,
    EDITABLE_FIELDS,
    approval_void,
    attachment_add,
    attachment_remove,
    bulletin_correct,
    bulletin_create,
    bulletin_submit,
    bulletin_update,
    bulletin_withdraw,
    bulletins_retarget,
    comment_add,
    targets_sync,
    withdraw_allowed,
)
from .plan import PLAN_2025_FILE, TopicImport, editorial_reference_ensure, plan_topics_import, plan_topics_load
from .publication import (
    bulletin_publish,
    bulletin_schedule,
    bulletin_unschedule,
    bulletins_publish_due,
    publication_blockers,
    zalo_message_retry,
    zalo_outbox_deliver,
    zalo_text,
)
from .reviews import (
    bulletin_approve_emergency,
    bulletin_mark_approved,
    bulletin_mark_changes_requested,
    bulletin_mark_rejected,
    bulletin_return_to_board,
    bulletin_sign_off,
    review_hand_over,
    review_record,
    reviewers_set,
    sign_off_blockers,
)

__all__ = [
    "CONTENT_FIELDS", "EDITABLE_FIELDS", "PLAN_2025_FILE", "AlreadyDone", "TopicImport",
    "approval_void", "attachment_add",
    "attachment_remove", "audio_confirm", "audio_render", "audio_renders_reconcile", "audio_request",
    "audio_revision", "audio_upload",
    "bulletin_approve_emergency", "bulletin_correct", "bulletin_create", "bulletin_mark_approved",
    "bulletin_mark_changes_requested", "bulletin_mark_rejected", "bulletin_publish", "bulletin_return_to_board",
    "bulletin_schedule", "bulletin_sign_off", "bulletin_submit", "bulletin_unschedule", "bulletin_update",
    "bulletin_withdraw", "bulletins_publish_due", "bulletins_retarget", "comment_add", "editorial_reference_ensure",
    "plan_topics_import",
    "plan_topics_load",
    "publication_blockers",
    "review_hand_over", "review_outcome", "review_record", "reviewers_set", "sign_off_blockers", "targets_sync",
    "withdraw_allowed", "zalo_message_retry", "zalo_outbox_deliver", "zalo_text",
]
