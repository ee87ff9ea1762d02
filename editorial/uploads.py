"""What may be attached to a bulletin, checked by extension and by the file's first bytes (a renamed script is
not an image), with size limits from the editorial settings. SVG is refused: it can carry scripts."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import BulletinAttachment, EditorialSettings

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    family: str  # image | video


FILE_TYPES = {
    "jpg": FileType("image/jpeg", "image"),
    "jpeg": FileType("image/jpeg", "image"),
    "png": FileType("image/png", "image"),
    "gif": FileType("image/gif", "image"),
    "webp": FileType("image/webp", "image"),
    "mp4": FileType("video/mp4", "video"),
    "m4v": FileType("video/mp4", "video"),
    "mov": FileType("video/quicktime", "video"),
    "webm": FileType("video/webm", "video"),
}


def _sniff(head: bytes) -> str | None:
    """The content type the bytes say, for the formats we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:10] == b"qt" else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def _head(file, size: int = 16) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def attachment_validate(file, kind: str | None = None) -> tuple[str, str]:
    """(kind, content_type) of an acceptable upload, or a ValidationError naming the file."""
    name = getattr(file, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    declared = FILE_TYPES.get(extension)
    if declared is None:
        raise ValidationError({"attachments": _("Tệp “%(name)s” không thuộc loại được phép (ảnh JPG, PNG, GIF, WEBP; "
                                                "video MP4, MOV, WEBM).") % {"name": name}})
    sniffed = _sniff(_head(file))
    same_family = sniffed is not None and FILE_TYPES_BY_TYPE.get(sniffed) == declared.family
    if not same_family:
        raise ValidationError({"attachments": _("Nội dung tệp “%(name)s” không khớp với phần mở rộng .%(ext)s.")
                               % {"name": name, "ext": extension}})
    if kind is None:
        kind = BulletinAttachment.Kind.VIDEO if declared.family == "video" else BulletinAttachment.Kind.IMAGE
    if (kind == BulletinAttachment.Kind.VIDEO) != (declared.family == "video"):
        raise ValidationError({"attachments": _("Tệp “%(name)s” không phải là %(kind)s.")
                               % {"name": name, "kind": BulletinAttachment.Kind(kind).label}})
    settings_row = EditorialSettings.current()
    limit_mb = settings_row.max_video_mb if declared.family == "video" else settings_row.max_image_mb
    if file.size > limit_mb * MB:
        raise ValidationError({"attachments": _("Tệp “%(name)s” lớn hơn %(mb)s MB.") % {"name": name, "mb": limit_mb}})
    return kind, sniffed


FILE_TYPES_BY_TYPE = {t.content_type: t.family for t in FILE_TYPES.values()}


def recording_validate(file) -> None:
    """A presenter's recording: PCM WAV only (its duration is read without extra tools)."""
    name = getattr(file, "name", "") or ""
    if not name.lower().endswith((".wav", ".wave")):
        raise ValidationError({"file": _("Bản thu phải là tệp WAV.")})
    head = _head(file, 12)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise ValidationError({"file": _("Tệp “%(name)s” không phải tệp WAV hợp lệ.") % {"name": name}})
    limit_mb = EditorialSettings.current().max_recording_mb
    if file.size > limit_mb * MB:
        raise ValidationError({"file": _("Bản thu lớn hơn %(mb)s MB.") % {"mb": limit_mb}})
