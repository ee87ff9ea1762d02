"""Responses every app's views share: a missing or hidden object answers 404, a spreadsheet is downloaded."""

from typing import TypeVar

from django.http import Http404, HttpResponse

T = TypeVar("T")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def object_or_404(obj: T | None) -> T:
    """What a `*_for_user` selector found, or 404 when it found nothing (no such object, or one the user may
    not see: both answer alike, so ids reveal nothing)."""
    if obj is None:
        raise Http404
    return obj


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """An XLSX workbook as a download named `filename`."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
