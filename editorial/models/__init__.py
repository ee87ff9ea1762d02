"""Editorial models, one module per sub-domain: the plan catalogue, bulletins, frozen revisions and reviews,
audio, publication channels, and the editable policies."""

from .audio import BulletinAudio
from .bulletins import Bulletin, BulletinAttachment, BulletinEvent, BulletinTarget, spoken_text
from .plan import MONTH_VALIDATORS, PlanTopic
from .policies import (
    WPM_VALIDATORS,
    BroadcastLimit,
    EditorialSettings,
    Priority,
    ReviewPolicy,
    ReviewRule,
    SpeechEngine,
)
from .publication import ChannelDelivery, ZaloGroup, ZaloMessage
from .reviews import (
    BulletinRevision,
    Decision,
    Outcome,
    ReviewAssignment,
    ReviewComment,
    ReviewDecision,
    RevisionImmutable,
)

__all__ = [
    "MONTH_VALIDATORS", "WPM_VALIDATORS", "BroadcastLimit", "Bulletin", "BulletinAttachment", "BulletinAudio",
    "BulletinEvent", "BulletinRevision", "BulletinTarget", "ChannelDelivery", "Decision", "EditorialSettings",
    "Outcome", "PlanTopic", "Priority", "ReviewAssignment", "ReviewComment", "ReviewDecision", "ReviewPolicy",
    "ReviewRule", "RevisionImmutable", "SpeechEngine", "ZaloGroup", "ZaloMessage", "spoken_text",
]
