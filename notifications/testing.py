"""Test helpers for the notification delivery.

`captured_pushes()` records what notify()/mark_read() hand to the relays (and still delivers it), so
another app's test can assert who was told what, and that it happened after commit.

`database_url()` hands the current (test) database to a daphne or a sender in a child process.

A small asyncio websocket client (RFC 6455, text frames) to drive the notification socket from Python:
the Redis tests and bench/notify.py use it against a real daphne. Written here rather than taken from
autobahn because autobahn's asyncio flavour switches txaio globally, which breaks a daphne running in the
same process; `websockets` and aiohttp are not dependencies of the project."""

import asyncio
import base64
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import connection

from . import push


@contextmanager
def captured_pushes() -> Iterator[list[tuple[int, dict]]]:
    """Yields a list that fills with (user id, message) pairs as they are pushed."""
    sent: list[tuple[int, dict]] = []
    original = push.send

    def record(deliveries):
        sent.extend(deliveries)
        return original(deliveries)

    push.send = record
    try:
        yield sent
    finally:
        push.send = original


def database_url() -> str:
    """The database this process uses (the test database under the test runner), as a DATABASE_URL for a
    child process: a daphne or a sender in another process must write and read the same rows."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class HandshakeRefused(Exception):
    def __init__(self, status: int):
        super().__init__(f"websocket handshake refused with HTTP {status}")
        self.status = status


class ConnectionClosed(Exception):
    def __init__(self, code: int | None):
        super().__init__(f"websocket closed ({code})")
        self.code = code


def _mask(data: bytes, key: bytes) -> bytes:
    n = len(data)
    if not n:
        return data
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


class WebSocketClient:
    """Connect with `await WebSocketClient.connect(url, cookie=..., origin=...)`. A background task reads
    frames (answering pings, as a browser does) into a queue that `receive_json` takes from."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader, self._writer = reader, writer
        self._messages: asyncio.Queue = asyncio.Queue()
        self.close_code: int | None = None
        self.closed = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def connect(cls, url: str, *, cookie: str = "", origin: str = "", timeout: float = 10) -> "WebSocketClient":
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 80
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        key = base64.b64encode(os.urandom(16))
        lines = [
            f"GET {parts.path or '/'} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key.decode()}", "Sec-WebSocket-Version: 13",
        ]
        if origin:
            lines.append(f"Origin: {origin}")
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            writer.close()
            raise HandshakeRefused(0) from exc
        status = int(head.split(b" ", 2)[1])
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
        if status != 101 or accept not in head:
            writer.close()
            raise HandshakeRefused(status)
        return cls(reader, writer)

    async def _read_loop(self) -> None:
        buffer, buffer_op = b"", OP_TEXT
        try:
            while True:
                b0, b1 = await self._reader.readexactly(2)
                fin, opcode, length = b0 & 0x80, b0 & 0x0F, b1 & 0x7F
                if length == 126:
                    length = int.from_bytes(await self._reader.readexactly(2), "big")
                elif length == 127:
                    length = int.from_bytes(await self._reader.readexactly(8), "big")
                mask = await self._reader.readexactly(4) if b1 & 0x80 else b""
                payload = await self._reader.readexactly(length)
                if mask:
                    payload = _mask(payload, mask)
                if opcode == OP_PING:
                    self._send_frame(OP_PONG, payload)
                elif opcode == OP_CLOSE:
                    self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                    break
                elif opcode in (OP_TEXT, OP_BINARY, OP_CONT):
                    if opcode != OP_CONT:
                        buffer, buffer_op = b"", opcode
                    buffer += payload
                    if fin:
                        self._messages.put_nowait(buffer.decode() if buffer_op == OP_TEXT else buffer)
                        buffer = b""
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close_code = self.close_code or 1006
        finally:
            self.closed.set()
            self._messages.put_nowait(None)

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            header = bytes([0x80 | opcode, 0x80 | n])
        elif n < 65536:
            header = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
        key = os.urandom(4)
        self._writer.write(header + key + _mask(payload, key))

    async def send_json(self, data) -> None:
        if self.closed.is_set():
            raise ConnectionClosed(self.close_code)
        self._send_frame(OP_TEXT, json.dumps(data).encode())
        await self._writer.drain()

    async def receive_json(self, timeout: float | None = 10):
        message = await asyncio.wait_for(self._messages.get(), timeout)
        if message is None:
            self._messages.put_nowait(None)  # stay closed for later calls
            raise ConnectionClosed(self.close_code)
        return json.loads(message)

    async def hello(self, last_id: int | None, timeout: float = 10) -> tuple[dict, int]:
        """The browser's first message; returns (catch_up, unread count)."""
        await self.send_json({"type": "hello", "last_id": last_id})
        catch_up = await self.receive_json(timeout)
        unread = await self.receive_json(timeout)
        return catch_up, unread["count"]

    def abort(self) -> None:
        """Drop the connection without a close frame, as a browser whose network goes away."""
        self._writer.transport.abort()
        self._task.cancel()

    async def close(self) -> None:
        if not self.closed.is_set():
            try:
                self._send_frame(OP_CLOSE, (1000).to_bytes(2, "big"))
                await asyncio.wait_for(self.closed.wait(), 2)
            except (TimeoutError, ConnectionError):
                pass
        self._task.cancel()
        self._writer.close()
