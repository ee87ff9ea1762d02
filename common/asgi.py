"""A cap on request bodies, in front of Django. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not limit multipart
file parts, and its ASGI handler spools the whole body before a view runs: a 2 GB upload would be read to disk
first. Above settings.REQUEST_MAX_BODY_MB this answers 413 with a Vietnamese page:
- at once when Content-Length says so, without reading the body (the application is never called);
- as soon as the bytes received pass the cap when there is no (or a false) Content-Length, e.g. chunked:
  the application then sees a client disconnect and stops reading.
The proxy in front should refuse the same size first (nginx `client_max_body_size`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

MB = 1024 * 1024


def max_body_bytes() -> int:
    return int(settings.REQUEST_MAX_BODY_MB) * MB


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send_413(send, limit: int) -> None:
    message = _("Yêu cầu quá lớn: dung lượng gửi lên tối đa %(mb)s MB. Hãy gửi tệp nhỏ hơn hoặc chia thành "
                "nhiều lần.") % {"mb": limit // MB}
    body = (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>413</title></head>'
            f"<body><h1>{escape(_('Tệp quá lớn'))}</h1><p>{escape(message)}</p></body></html>").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close"),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


class RequestBodyLimit:
    """ASGI middleware for the http protocol; other scopes pass through."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = max_body_bytes()
        length = _content_length(scope)
        if length is not None and length > limit:
            return await _send_413(send, limit)

        received = 0
        exceeded = False
        started = False

        async def limited_receive():
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message):
            nonlocal started
            if exceeded:
                return  # the 413 below answers instead
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracked_send)
        if exceeded and not started:
            await _send_413(send, limit)
