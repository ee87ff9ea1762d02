"""What may be attached to a bulletin and what a presenter may upload as a recording: common.uploads checks the
extension, the content (a renamed script is not an image) and the size, with limits from the editorial settings.
SVG is refused: it can carry scripts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.uploads import upload_check

from .models import BulletinAttachment, EditorialSettings

ATTACHMENT_TYPES = ("jpg", "jpeg", "png", "gif", "webp", "mp4", "m4v", "mov", "webm")
RECORDING_TYPES = ("wav", "wave")


def _capped(limit_mb: int) -> int:
    # A body above the request cap never reaches the check (common/asgi.py answers 413): say the real limit.
    return min(limit_mb, settings.REQUEST_MAX_BODY_MB)


def attachment_validate(file, kind: str | None = None) -> tuple[str, str]:
    """(kind, content_type) of an acceptable upload, or a ValidationError naming the file."""
    limits = EditorialSettings.current()
    checked = upload_check(file, allowed=ATTACHMENT_TYPES, field="attachments",
                           max_mb={"image": _capped(limits.max_image_mb), "video": _capped(limits.max_video_mb)})
    is_video = checked.family == "video"
    if kind is None:
        kind = BulletinAttachment.Kind.VIDEO if is_video else BulletinAttachment.Kind.IMAGE
    if (kind == BulletinAttachment.Kind.VIDEO) != is_video:
        raise ValidationError({"attachments": _("Tệp “%(name)s” không phải là %(kind)s.")
                               % {"name": file.name, "kind": BulletinAttachment.Kind(kind).label}})
    return kind, checked.content_type


def recording_validate(file) -> None:
    """A presenter's recording: PCM WAV only (its duration is read without extra tools)."""
    upload_check(file, allowed=RECORDING_TYPES, field="file",
                 max_mb=_capped(EditorialSettings.current().max_recording_mb))
