"""The floor of bench/notify.py: a bare websocket server (asyncio and the standard library only: no Django, no
database, no channel layer) holding the same client sockets, which on a trigger writes one pre-encoded text
frame to every socket. What is left is the kernel's loopback and the clients' event loop: the physical limit
of this machine for "tell N open sockets one thing".

    python bench/floor_ws.py --port 8765

Protocol, as much of RFC 6455 as notifications/testing.py WebSocketClient needs: the HTTP upgrade (any path,
cookies ignored), the client's hello answered with the same two messages the real consumer sends (an empty
catch-up and an unread count of 0), ping answered with pong, close echoed.

Control on stdin, one JSON object per line: {"title": "..."}. The frame
{"type": "notification", "notification": {"title": ...}} is encoded once and written to every socket; then
one line on stdout {"t0": <when the trigger was read>, "pushed": <when every socket had been written>}, both
time.monotonic() like the other senders of bench/notify.py. "ready <port>" on stdout once listening."""

import argparse
import asyncio
import base64
import hashlib
import json
import sys
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA

sockets: set[asyncio.StreamWriter] = set()


def frame(payload: bytes, opcode: int = OP_TEXT) -> bytes:
    """One unmasked (server to client) frame, FIN set."""
    n = len(payload)
    if n < 126:
        header = bytes([0x80 | opcode, n])
    elif n < 65536:
        header = bytes([0x80 | opcode, 126]) + n.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 127]) + n.to_bytes(8, "big")
    return header + payload


def unmask(data: bytes, key: bytes) -> bytes:
    n = len(data)
    if not n:
        return data
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


HELLO_ANSWER = (
    frame(json.dumps({"type": "catch_up", "notifications": [], "truncated": False, "last_id": 0}).encode())
    + frame(json.dumps({"type": "unread", "count": 0}).encode())
)


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    key = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"sec-websocket-key":
            key = value.strip()
    if not key:
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        writer.close()
        return
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
    sockets.add(writer)
    try:
        while True:
            b0, b1 = await reader.readexactly(2)
            opcode, length = b0 & 0x0F, b1 & 0x7F
            if length == 126:
                length = int.from_bytes(await reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await reader.readexactly(8), "big")
            mask = await reader.readexactly(4) if b1 & 0x80 else b""
            payload = await reader.readexactly(length)
            if mask:
                payload = unmask(payload, mask)
            if opcode == OP_TEXT:
                try:
                    message = json.loads(payload)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("type") == "hello":
                    writer.write(HELLO_ANSWER)
            elif opcode == OP_PING:
                writer.write(frame(payload, OP_PONG))
            elif opcode == OP_CLOSE:
                writer.write(frame(payload[:2], OP_CLOSE))
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        sockets.discard(writer)
        writer.close()


async def control() -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while line := await stdin.readline():
        t0 = time.monotonic()
        title = json.loads(line)["title"]
        data = frame(json.dumps({"type": "notification", "notification": {"title": title}}).encode())
        for writer in tuple(sockets):
            writer.write(data)  # an empty transport buffer: send() right away, no wait for the loop
        pushed = time.monotonic()
        sys.stdout.write(json.dumps({"t0": t0, "pushed": pushed}) + "\n")
        sys.stdout.flush()


async def main(port: int) -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=4096)
    print(f"ready {port}", flush=True)
    async with server:
        await control()  # stdin closed: the benchmark is done


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
