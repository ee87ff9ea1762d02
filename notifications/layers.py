"""Channels' in-memory layer, made safe to send to from other threads.

In the embedded profile one daphne process serves every socket on one event loop, while notifications are
also sent from other threads: huey's consumer threads, management commands' threads, tests. `async_to_sync`
in such a thread runs `group_send` on a fresh event loop, and the stock InMemoryChannelLayer then wakes the
relay's `asyncio.Queue` (push.py) from the wrong thread: asyncio is not thread-safe, and the waiting relay
only hears of the message the next time its loop wakes for another reason (up to a second with daphne's
timers, measured) — or the wake-up is lost in a race. This subclass runs every operation on the loop that
serves the sockets (the loop that last waited in `receive`) when called from another loop."""

import asyncio
from concurrent.futures import Future

from channels.layers import InMemoryChannelLayer

HOP_TIMEOUT_S = 10


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._serving_loop: asyncio.AbstractEventLoop | None = None

    def _elsewhere(self) -> asyncio.AbstractEventLoop | None:
        """The serving loop when it is running and is not the caller's loop."""
        loop = self._serving_loop
        if loop is None or loop.is_closed() or not loop.is_running():
            return None
        return None if loop is asyncio.get_running_loop() else loop

    async def _on_serving_loop(self, coro_fn, *args):
        loop = self._elsewhere()
        if loop is None:
            return await coro_fn(*args)
        future: Future = asyncio.run_coroutine_threadsafe(coro_fn(*args), loop)
        # Bounded: a serving loop that stops meanwhile (shutdown) must not hang the sender forever.
        return await asyncio.wait_for(asyncio.wrap_future(future), HOP_TIMEOUT_S)

    async def receive(self, channel):
        self._serving_loop = asyncio.get_running_loop()
        return await super().receive(channel)

    async def send(self, channel, message):
        return await self._on_serving_loop(super().send, channel, message)

    async def group_send(self, group, message):
        return await self._on_serving_loop(super().group_send, group, message)

    async def group_add(self, group, channel):
        return await self._on_serving_loop(super().group_add, group, channel)

    async def group_discard(self, group, channel):
        return await self._on_serving_loop(super().group_discard, group, channel)

    async def flush(self):
        return await self._on_serving_loop(super().flush)
