"""The one upload check every kind of file goes through: the extension must be one the kind allows, the content
must be what the extension says (magic bytes via puremagic, a pure-Python signature table; the inside of ZIP-based
office files; plain text that is really text and not markup), and the size must be within the kind's limit.
Messages are Vietnamese and name the file; a ValidationError is keyed by the form field."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024
HEAD_BYTES = 64 * 1024


def _head(file, size: int = HEAD_BYTES) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def _magic_extensions(file) -> set[str]:
    """What the signature table says the bytes are, from its most specific (longest) matching signatures: a bare
    `RIFF` says nothing, `RIFF....AVI ` says AVI. Never guessed from the name."""
    position = file.tell()
    file.seek(0)
    try:
        matches = puremagic.magic_stream(file)
    except (puremagic.PureError, ValueError):
        return set()
    finally:
        file.seek(position)
    longest = max((len(m.byte_match) for m in matches), default=0)
    return {m.extension.lower() for m in matches if len(m.byte_match) == longest}


def _signature(*extensions: str) -> Callable:
    wanted = set(extensions)
    return lambda file, head: bool(_magic_extensions(file) & wanted)


def _zip_members(file) -> set[str] | None:
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        return names | {f"mimetype={mimetype.decode('ascii', 'replace').strip()}"}
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError):
        return None
    finally:
        file.seek(position)


def _ooxml(member: str) -> Callable:
    def check(file, head: bytes) -> bool:
        members = _zip_members(file) if head.startswith(b"PK\x03\x04") else None
        return bool(members) and "[Content_Types].xml" in members and member in members
    return check


def _odf(mimetype: str) -> Callable:
    def check(file, head: bytes) -> bool:
        members = _zip_members(file) if head.startswith(b"PK\x03\x04") else None
        return bool(members) and f"mimetype={mimetype}" in members
    return check


def _ole2(file, head: bytes) -> bool:
    # Word 97-2003 and Excel 97-2003 share the compound file container.
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|object|embed|svg|meta|\?xml)", re.IGNORECASE)


def _plain_text(file, head: bytes) -> bool:
    """UTF-8 text without NUL bytes nor HTML/SVG/XML markup (a page renamed .txt is not a text file)."""
    if not head or b"\x00" in head or MARKUP.search(head):
        return False
    if _magic_extensions(file) & {".html", ".htm", ".svg", ".xml", ".js", ".php", ".exe", ".zip", ".pdf"}:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head.removeprefix(codecs.BOM_UTF8), final=False)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class FileFormat:
    label: str
    content_type: str
    family: str  # document | image | audio | video
    matches: Callable


def _iso_media(file, head: bytes) -> bool:
    # MP4, M4A, M4V, MOV: an ISO base media file starts with an `ftyp` box (older QuickTime with moov/mdat/wide);
    # phones write many brands, so the box is checked rather than a brand list.
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free") and _magic_extensions(file).isdisjoint(
        {".html", ".svg"})


def _mp3(file, head: bytes) -> bool:
    # ID3 tag, or an MPEG audio layer III frame header (MPEG-1, -2, -2.5; puremagic knows only some of them).
    frame = len(head) > 1 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) == 0x02
    return head.startswith(b"ID3") or frame or bool(_magic_extensions(file) & {".mp3", ".mpga"})


FORMATS: dict[str, FileFormat] = {
    "pdf": FileFormat("PDF", "application/pdf", "document", _signature(".pdf")),
    "doc": FileFormat("DOC", "application/msword", "document", _ole2),
    "docx": FileFormat("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       "document", _ooxml("word/document.xml")),
    "xls": FileFormat("XLS", "application/vnd.ms-excel", "document", _ole2),
    "xlsx": FileFormat("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document",
                       _ooxml("xl/workbook.xml")),
    "odt": FileFormat("ODT", "application/vnd.oasis.opendocument.text", "document",
                      _odf("application/vnd.oasis.opendocument.text")),
    "ods": FileFormat("ODS", "application/vnd.oasis.opendocument.spreadsheet", "document",
                      _odf("application/vnd.oasis.opendocument.spreadsheet")),
    "txt": FileFormat("TXT", "text/plain", "document", _plain_text),
    "csv": FileFormat("CSV", "text/csv", "document", _plain_text),
    "jpg": FileFormat("JPG", "image/jpeg", "image", _signature(".jpg", ".jpeg")),
    "jpeg": FileFormat("JPEG", "image/jpeg", "image", _signature(".jpg", ".jpeg")),
    "png": FileFormat("PNG", "image/png", "image", _signature(".png")),
    "gif": FileFormat("GIF", "image/gif", "image", _signature(".gif")),
    "webp": FileFormat("WEBP", "image/webp", "image", _signature(".webp")),
    "wav": FileFormat("WAV", "audio/wav", "audio", _signature(".wav")),
    "mp3": FileFormat("MP3", "audio/mpeg", "audio", _mp3),
    "ogg": FileFormat("OGG", "audio/ogg", "audio", _signature(".ogg", ".oga")),
    "m4a": FileFormat("M4A", "audio/mp4", "audio", _iso_media),
    "mp4": FileFormat("MP4", "video/mp4", "video", _iso_media),
    "m4v": FileFormat("M4V", "video/mp4", "video", _iso_media),
    "mov": FileFormat("MOV", "video/quicktime", "video", _iso_media),
    "webm": FileFormat("WEBM", "video/webm", "video", _signature(".webm", ".mkv")),
}
FORMATS["wave"] = FORMATS["wav"]


@dataclass(frozen=True)
class CheckedUpload:
    extension: str
    content_type: str
    family: str


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in (name or "") else ""


def upload_check(file, *, allowed: Iterable[str], max_mb: int | Mapping[str, int], field: str) -> CheckedUpload:
    """Accept `file` for a kind that allows the extensions `allowed`, each at most `max_mb` MB (or a limit per
    family: document, image, audio, video), or raise a ValidationError on `field` naming the file."""
    name = getattr(file, "name", "") or ""
    allowed = [e for e in allowed if e in FORMATS]
    extension = extension_of(name)
    if extension not in allowed:
        labels = ", ".join(dict.fromkeys(FORMATS[e].label for e in allowed))
        raise ValidationError({field: _("Tệp “%(name)s” không thuộc loại được phép (%(types)s).")
                               % {"name": name, "types": labels}})
    fmt = FORMATS[extension]
    limit_mb = max_mb if isinstance(max_mb, int) else max_mb[fmt.family]
    if file.size > limit_mb * MB:
        raise ValidationError({field: _("Tệp “%(name)s” lớn hơn %(mb)s MB.") % {"name": name, "mb": limit_mb}})
    if not file.size:
        raise ValidationError({field: _("Tệp “%(name)s” rỗng.") % {"name": name}})
    if not fmt.matches(file, _head(file)):
        raise ValidationError({field: _("Nội dung tệp “%(name)s” không khớp với phần mở rộng .%(ext)s.")
                               % {"name": name, "ext": extension}})
    return CheckedUpload(extension, fmt.content_type, fmt.family)
