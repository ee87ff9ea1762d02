"""What a person may attach to their feedback: photos, short clips, documents, checked by common.uploads like
every upload (extension, content, size)."""

from common.uploads import upload_check

MAX_FILES = 5
MAX_UPLOAD_MB = {"document": 10, "image": 10, "audio": 20, "video": 50}
ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "txt", "jpg", "jpeg", "png", "webp", "mp3", "m4a", "ogg", "wav", "mp4",
                      "webm", "mov")


def uploads_check(files, field: str = "files") -> list:
    """The checked uploads (extension, content type) in order, or a ValidationError on `field` naming the file."""
    return [(f, upload_check(f, allowed=ALLOWED_EXTENSIONS, max_mb=MAX_UPLOAD_MB, field=field)) for f in files or []]
