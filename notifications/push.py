"""The fast path from a committed notification to the browser tabs that are open.

Callers run `send()` only after their transaction committed (see services), so a browser never hears of a row
it cannot read yet; whatever the fast path misses, the browser fetches on (re)connect.

How a push travels. Every serving event loop (one per daphne process) keeps a `Relay`: the sockets it serves,
by user, and one channel in the `notifications.relays` group. `send()` hands a whole batch of deliveries to
that group as one message; each relay gives every delivery to its own sockets of that user, in memory.

Why not one `user.<id>` group per person: a notification to 1,000 people was then 1,000 group messages, and
channels-redis receives one message per Redis round trip, in sequence (lock, clean-up script, BZPOPMIN):
p99 1.3 s at 1,000 clients on this machine (bench/notify.py). As one batch it is one message per process."""

import asyncio
import logging
import uuid
import weakref
from collections.abc import Sequence
from typing import Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache

logger = logging.getLogger(__name__)

RELAY_GROUP = "notifications.relays"
SENT_KEY = "notifications:pushes-sent"  # in the cache: how many deliveries the layer took (since it was emptied)
# Deliveries per layer message: one notify() to a whole district's communes stays one message, and a message
# stays far below Redis' limits (a delivery is ~0.5 kB).
BATCH = 1000
# channels-redis forgets a group member after `group_expiry` (settings): a relay renews its membership well
# within it, and a relay of a process that died is forgotten after it. Renewing is one ZADD, so it is done
# often: a Redis that restarted empty has forgotten every member, and a relay hears nothing until it renews
# (it also renews at once after a failed receive, the usual sign of that restart).
REJOIN_S = 60
YIELD_EVERY = 50

Delivery = tuple[int, dict]  # (user id, the browser's message)


class Socket(Protocol):
    async def send_json(self, content) -> None: ...


# ------------------------------------------------------------------------------------------------ sending


async def send_async(deliveries: Sequence[Delivery]) -> list[BaseException | None]:
    layer = get_channel_layer()
    if layer is None:
        return [RuntimeError("no channel layer")] * len(deliveries)
    errors: list[BaseException | None] = []
    for start in range(0, len(deliveries), BATCH):
        batch = [[user_id, message] for user_id, message in deliveries[start:start + BATCH]]
        try:
            await layer.group_send(RELAY_GROUP, {"type": "notifications.deliver", "deliveries": batch})
            error = None
        except Exception as exc:  # one failed batch must not stop the others
            error = exc
        errors += [error] * len(batch)
    return errors


def count_sent(n: int) -> None:
    """Add to the count of pushes the layer took (the ttcs_notification_deliveries metric's websocket/sent)."""
    if n <= 0:
        return
    try:
        cache.add(SENT_KEY, 0, None)
        cache.incr(SENT_KEY, n)
    except Exception:  # a metric; never the caller's failure
        logger.warning("could not count %s pushes", n, exc_info=True)


def sent_count() -> int:
    try:
        return int(cache.get(SENT_KEY) or 0)
    except Exception:
        return 0


def send(deliveries: Sequence[Delivery]) -> list[BaseException | None]:
    """Hand each (user id, message) to the serving processes; returns the error per delivery (None when the
    layer took it)."""
    if not deliveries:
        return []
    try:
        return async_to_sync(send_async)(deliveries)
    except Exception as exc:  # the layer itself is down: the rows stay, clients catch up on reconnect
        logger.exception("channel layer unavailable")
        return [exc] * len(deliveries)


# ---------------------------------------------------------------------------------------------- receiving


class Relay:
    """The sockets of one event loop, and the channel their pushes arrive on while there is at least one.

    The channel is a plain (not process-local) name: channels-redis binds process-local channels to the first
    event loop that reads them, and tests serve sockets from more than one loop in a process."""

    def __init__(self):
        self.sockets: dict[int, set[Socket]] = {}
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._channel: str | None = None

    @property
    def listening(self) -> bool:
        return self._channel is not None

    async def add(self, user_id: int, socket: Socket) -> None:
        """Once this returns, every push sent from now on reaches `socket`."""
        async with self._lock:
            if self._channel is None:
                await self._start()
            self.sockets.setdefault(user_id, set()).add(socket)

    async def remove(self, user_id: int, socket: Socket) -> None:
        async with self._lock:
            mine = self.sockets.get(user_id, set())
            mine.discard(socket)
            if not mine:
                self.sockets.pop(user_id, None)
            if not self.sockets and self._channel is not None:
                await self._stop()

    async def deliver(self, deliveries) -> None:
        for i, (user_id, message) in enumerate(deliveries, 1):
            for socket in tuple(self.sockets.get(user_id, ())):
                try:
                    await socket.send_json(message)
                except Exception:  # a socket closing meanwhile; its browser catches up on reconnect
                    logger.warning("push to a socket of user %s failed", user_id, exc_info=True)
            if i % YIELD_EVERY == 0:
                # A send only fills the socket's buffer; the loop writes it out when we yield. Yielding now and
                # then lets the first browsers have it while the rest are still being framed.
                await asyncio.sleep(0)

    async def _start(self) -> None:
        layer = get_channel_layer()
        channel = f"notifications.relay.{uuid.uuid4().hex}"
        await layer.group_add(RELAY_GROUP, channel)  # if Redis is down, the socket fails and the browser retries
        self._channel = channel
        self._tasks = [asyncio.create_task(self._receive(layer, channel)),
                       asyncio.create_task(self._rejoin(layer, channel))]

    async def _stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        channel, self._channel, self._tasks = self._channel, None, []
        try:
            await get_channel_layer().group_discard(RELAY_GROUP, channel)
        except Exception:  # the membership expires anyway
            logger.warning("could not leave %s", RELAY_GROUP, exc_info=True)

    async def _receive(self, layer, channel: str) -> None:
        while True:
            try:
                message = await layer.receive(channel)
                await self.deliver(message["deliveries"])
            except Exception:  # Redis restarting, a malformed message: the relay must not die; browsers catch up
                logger.exception("relay receive failed")
                await asyncio.sleep(1)
                await self._join(layer, channel)

    async def _rejoin(self, layer, channel: str) -> None:
        while True:
            await asyncio.sleep(REJOIN_S)
            await self._join(layer, channel)

    @staticmethod
    async def _join(layer, channel: str) -> None:
        try:
            await layer.group_add(RELAY_GROUP, channel)
        except Exception:
            logger.warning("could not renew the relay's membership", exc_info=True)


_relays: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Relay]" = weakref.WeakKeyDictionary()


def relay() -> Relay:
    """The relay of the running event loop."""
    loop = asyncio.get_running_loop()
    found = _relays.get(loop)
    if found is None:
        found = _relays[loop] = Relay()
    return found
