"""The embedded profile's in-memory layer: a message reaches a receiver waiting on another thread's event loop
at once, whichever loops have received meanwhile."""

import asyncio
import threading
import time

from notifications.layers import ThreadSafeInMemoryChannelLayer


class LoopThread:
    """An event loop running in a thread of its own, idle (no timers: nothing else wakes it), as daphne's is
    between requests."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def submit(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def test_a_push_wakes_the_relay_after_another_loop_has_received():
    layer = ThreadSafeInMemoryChannelLayer(capacity=100)
    serving = LoopThread()
    try:
        serving.submit(layer.group_add("relays", "relay.a")).result(5)
        waiting = serving.submit(layer.receive("relay.a"))  # the relay, listening from now on
        time.sleep(0.1)

        async def a_listener_elsewhere():  # a test's listener, or a consumer on a test's own loop
            try:
                await asyncio.wait_for(layer.receive("listener.b"), 0.05)
            except TimeoutError:
                pass

        asyncio.run(a_listener_elsewhere())  # its loop is closed once this returns

        started = time.monotonic()
        asyncio.run(layer.group_send("relays", {"type": "x", "n": 1}))  # from a thread's fresh loop, as notify()
        message = waiting.result(2)  # before the fix: the relay's loop was never woken (TimeoutError)
        assert message == {"type": "x", "n": 1}
        assert time.monotonic() - started < 1
    finally:
        serving.stop()


def test_a_send_to_a_channel_nobody_waits_on_is_kept_for_its_receiver():
    layer = ThreadSafeInMemoryChannelLayer(capacity=100)
    asyncio.run(layer.send("later.c", {"type": "y"}))

    async def receive():
        return await asyncio.wait_for(layer.receive("later.c"), 1)

    assert asyncio.run(receive()) == {"type": "y"}
