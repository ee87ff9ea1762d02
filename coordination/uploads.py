"""What may be attached to a directive or a unit's report: common.uploads checks the extension, the content (a
renamed script is not a PDF) and the size."""

from common.uploads import upload_check

MAX_UPLOAD_MB = 20
ALLOWED_UPLOAD_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "txt", "jpg", "jpeg", "png", "webp",
                             "mp3", "wav", "ogg", "m4a", "mp4", "webm")


def uploads_validate(files, field: str = "files") -> None:
    """Refuse the whole upload (nothing saved) when one file is too large, of a type we do not keep, or not what
    its extension says."""
    for f in files or []:
        upload_check(f, allowed=ALLOWED_UPLOAD_EXTENSIONS, max_mb=MAX_UPLOAD_MB, field=field)
