"""The relay: one channel per serving event loop, every push handed to that loop's sockets of its user.
Runs on the configured layer (in-memory here, channels-redis in CI's second run)."""

import asyncio

import pytest
from asgiref.sync import async_to_sync

from notifications import push


class Tab:
    """A socket as the relay sees it: something to send JSON to."""

    def __init__(self, fail=False):
        self.got: list[dict] = []
        self.fail = fail

    async def send_json(self, content):
        if self.fail:
            raise ConnectionError("socket already closed")
        self.got.append(content)


async def settle(tabs, expected: int, timeout=5.0):
    """Wait until the tabs hold `expected` messages between them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while sum(len(t.got) for t in tabs) < expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # and nothing more arrives


@pytest.fixture(autouse=True)
def _clean(channel_layer):
    yield


def test_each_push_reaches_every_tab_of_its_user_and_nobody_else():
    async def scenario():
        relay = push.relay()
        a1, a2, b, broken = Tab(), Tab(), Tab(), Tab(fail=True)
        await relay.add(1, a1)
        await relay.add(1, broken)  # a tab closing meanwhile must not stop the others
        await relay.add(1, a2)
        await relay.add(2, b)
        errors = await push.send_async([(1, {"n": "a"}), (2, {"n": "b"}), (3, {"n": "nobody here"})])
        assert errors == [None, None, None]
        await settle([a1, a2, b], 3)
        assert (a1.got, a2.got, b.got) == ([{"n": "a"}], [{"n": "a"}], [{"n": "b"}])
        for user_id, tab in ((1, a1), (1, broken), (1, a2), (2, b)):
            await relay.remove(user_id, tab)

    async_to_sync(scenario)()


def test_large_sends_go_in_batches_and_arrive_whole(monkeypatch):
    monkeypatch.setattr(push, "BATCH", 3)

    async def scenario():
        relay = push.relay()
        tabs = {uid: Tab() for uid in range(1, 9)}
        for uid, tab in tabs.items():
            await relay.add(uid, tab)
        await push.send_async([(uid, {"to": uid}) for uid in tabs])
        await settle(tabs.values(), len(tabs))
        assert {uid: tab.got for uid, tab in tabs.items()} == {uid: [{"to": uid}] for uid in tabs}
        for uid, tab in tabs.items():
            await relay.remove(uid, tab)

    async_to_sync(scenario)()


def test_the_relay_listens_only_while_it_has_sockets():
    async def scenario():
        relay = push.relay()
        first = Tab()
        assert not relay.listening
        await relay.add(7, first)
        assert relay.listening
        await relay.remove(7, first)
        assert not relay.listening and relay.sockets == {}
        # It starts again for the next socket, and the pushes reach it.
        again = Tab()
        await relay.add(7, again)
        await push.send_async([(7, {"n": 1})])
        await settle([again, first], 1)
        assert again.got == [{"n": 1}] and first.got == []
        await relay.remove(7, again)

    async_to_sync(scenario)()
