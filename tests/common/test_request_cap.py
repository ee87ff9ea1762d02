"""The request body cap in front of Django (common/asgi.py): a 120 MB upload is answered 413 before one byte of
its body is read; a chunked body without Content-Length is cut off as soon as it passes the cap."""

import asyncio

import pytest

from config.asgi import application

MB = 1024 * 1024


def http_scope(path="/editorial/new/", headers=()):
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80)}


def run(scope, receive):
    sent = []

    async def send(message):
        sent.append(message)

    asyncio.run(application(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), content.decode()


def test_a_declared_120_mb_body_is_refused_without_reading_it(settings):
    settings.REQUEST_MAX_BODY_MB = 100

    async def receive():
        raise AssertionError("the body must not be read")

    status, headers, page = run(http_scope(headers=[(b"content-type", b"multipart/form-data; boundary=x"),
                                                    (b"content-length", str(120 * MB).encode())]), receive)
    assert status == 413
    assert headers[b"content-type"] == b"text/html; charset=utf-8" and headers[b"connection"] == b"close"
    assert "Yêu cầu quá lớn: dung lượng gửi lên tối đa 100 MB." in page


def test_a_chunked_body_is_cut_off_once_it_passes_the_cap(settings):
    settings.REQUEST_MAX_BODY_MB = 2
    chunk = b"x" * (MB // 2)
    reads = 0

    async def receive():
        nonlocal reads
        reads += 1
        assert reads <= 6, "kept reading past the cap"
        return {"type": "http.request", "body": chunk, "more_body": True}

    status, _headers, page = run(http_scope(headers=[(b"transfer-encoding", b"chunked")]), receive)
    assert status == 413 and "tối đa 2 MB" in page
    assert reads == 5  # 2.5 MB read: the first chunk past 2 MB


@pytest.mark.django_db
def test_a_small_body_reaches_django(settings):
    settings.REQUEST_MAX_BODY_MB = 1
    messages = [{"type": "http.request", "body": b"username=a&password=b", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # the client stays connected until Django has answered

    status, _headers, _page = run(http_scope("/accounts/login/", headers=[
        (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"21")]), receive)
    assert status == 403  # Django answered (no CSRF token): the cap let it through
