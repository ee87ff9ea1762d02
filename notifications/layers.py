"""Channels' in-memory layer, made safe to send to from other threads.

In the embedded profile one daphne process serves every socket on one event loop, while notifications are
also sent from other threads: huey's consumer threads, management commands' threads, tests. `async_to_sync`
in such a thread runs `group_send` on a fresh event loop, and the stock InMemoryChannelLayer then wakes the
relay's `asyncio.Queue` (push.py) from the wrong thread: asyncio is not thread-safe, and the waiting relay
only hears of the message the next time its loop wakes for another reason (up to a second with daphne's
timers, measured) — or the wake-up is lost in a race. This subclass puts every message on a channel's queue
from the loop that waits on that channel (the loop of its last `receive`), and runs the other operations on
the loop that last waited in `receive`, when called from another loop.

Per channel, not one serving loop for all: a relay keeps waiting in one `receive` for as long as it listens,
so another loop's `receive` meanwhile (a test's listener, a consumer run by a test's own loop) would have
taken "the serving loop" with it, and once that loop closed, pushes to the relay went from the wrong thread
again (three live-push browser tests failed so in one CI run)."""

import asyncio
from concurrent.futures import Future

from channels.layers import InMemoryChannelLayer

HOP_TIMEOUT_S = 10


class ThreadSafeInMemoryChannelLayer(InMemoryChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._serving_loop: asyncio.AbstractEventLoop | None = None
        self._receiving: dict[str, asyncio.AbstractEventLoop] = {}  # channel → the loop of its last receive

    @staticmethod
    def _elsewhere(loop: asyncio.AbstractEventLoop | None) -> asyncio.AbstractEventLoop | None:
        """`loop` when it is running and is not the caller's loop."""
        if loop is None or loop.is_closed() or not loop.is_running():
            return None
        return None if loop is asyncio.get_running_loop() else loop

    async def _on_serving_loop(self, coro_fn, *args):
        return await self._on_loop(self._serving_loop, coro_fn, *args)

    async def _on_loop(self, target: asyncio.AbstractEventLoop | None, coro_fn, *args):
        loop = self._elsewhere(target)
        if loop is None:
            return await coro_fn(*args)
        future: Future = asyncio.run_coroutine_threadsafe(coro_fn(*args), loop)
        # Bounded: a serving loop that stops meanwhile (shutdown) must not hang the sender forever.
        return await asyncio.wait_for(asyncio.wrap_future(future), HOP_TIMEOUT_S)

    async def receive(self, channel):
        self._serving_loop = self._receiving[channel] = asyncio.get_running_loop()
        return await super().receive(channel)

    async def send(self, channel, message):
        # group_send (on the serving loop) sends to each member through here, so each queue is filled from the
        # loop that waits on it.
        listening = self._receiving.get(channel)
        if listening is not None and listening.is_closed():
            self._receiving.pop(channel, None)
            listening = None
        return await self._on_loop(listening or self._serving_loop, super().send, channel, message)

    async def group_send(self, group, message):
        return await self._on_serving_loop(super().group_send, group, message)

    async def group_add(self, group, channel):
        return await self._on_serving_loop(super().group_add, group, channel)

    async def group_discard(self, group, channel):
        return await self._on_serving_loop(super().group_discard, group, channel)

    async def flush(self):
        return await self._on_serving_loop(super().flush)
