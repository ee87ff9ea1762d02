"""Where unit files live and how they are handed out.

Every uploaded or generated file (directive attachments, report evidence, bulletin attachments and recordings) is
kept in the private storage under PRIVATE_MEDIA_ROOT, which no URL serves: nothing there has a public address.
Stored names are random (the original name stays in a column for display and download). A file is sent by a view
of its own app after the same permission check as the object it belongs to, through django-sendfile2: the
`simple` backend streams it from Django in the embedded profile, the `nginx` backend answers with an
X-Accel-Redirect to an `internal` location of the proxy in production."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django_sendfile import sendfile

# Shown in the browser (players, images); everything else is downloaded.
INLINE_TYPES = {"audio/wav", "audio/x-wav", "audio/mpeg", "audio/ogg", "audio/mp4", "video/mp4", "video/webm",
                "video/quicktime", "image/jpeg", "image/png", "image/gif", "image/webp"}


class PrivateStorage(FileSystemStorage):
    """The file system under settings.PRIVATE_MEDIA_ROOT, read at each use (tests move it); no URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError("Private files have no URL: link to the owning app's download view.")


_private_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of every FileField (a callable, so migrations do not freeze a path)."""
    return _private_storage


def random_extension(filename: str) -> str:
    suffix = PurePosixPath(filename or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ""


def random_file_name(folder: str, filename: str) -> str:
    """`folder/<32 hex><.ext>`: nothing of the original name, which the owning row keeps."""
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{random_extension(filename)}"


@deconstructible
class RandomName:
    """upload_to for a FileField: `<prefix with strftime>/<random>.<ext>`."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        return random_file_name(timezone.now().strftime(self.prefix), filename)

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix

    def __hash__(self):
        return hash(self.prefix)


def download_name(name: str, fallback: str = "tep") -> str:
    """A file name safe for a Content-Disposition header: no path, no control characters."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    return name[:200] or fallback


def file_response(request: HttpRequest, stored_name: str, *, filename: str, content_type: str | None = None,
                  public: bool = False) -> HttpResponse:
    """Send a stored file after the caller checked the permission: original name in Content-Disposition
    (inline for media a page plays or shows, attachment otherwise), nosniff, no caching of private files.
    `stored_name` is the name in the private storage (a FileField's `.name`). A missing file answers 404."""
    if not stored_name:
        raise Http404
    path = Path(private_storage().path(stored_name))
    response = sendfile(request, str(path), attachment=True, attachment_filename=download_name(filename),
                        mimetype=content_type)
    if response["Content-Type"] in INLINE_TYPES:
        response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=600" if public else "private, no-store"
    if not public:
        response["Vary"] = "Cookie"
    return response
