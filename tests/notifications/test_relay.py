"""The relay: one channel per serving event loop, every push handed to that loop's sockets of its user.
Runs on the configured layer (in-memory here, channels-redis in CI's second run)."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync

from notifications import push
from tests.notifications.conftest import requires_redis


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


@requires_redis
def test_every_serving_process_hands_out_the_pushes_for_its_own_sockets():
    """Two event loops in two threads stand in for two daphne processes, each with its relay and a tab of
    the same user, plus a tab of a user only the second one serves."""
    joined = threading.Barrier(3)
    sent = threading.Event()
    tabs = {"first": Tab(), "second": Tab(), "second-other-user": Tab()}

    def serve(name: str, sockets: list[tuple[int, Tab]]):
        async def run():
            relay = push.relay()
            for user_id, tab in sockets:
                await relay.add(user_id, tab)
            await asyncio.to_thread(joined.wait)
            await asyncio.to_thread(sent.wait)
            await settle([tab for _uid, tab in sockets], len(sockets))
            for user_id, tab in sockets:
                await relay.remove(user_id, tab)

        asyncio.run(run())

    threads = [
        threading.Thread(target=serve, args=("first", [(11, tabs["first"])])),
        threading.Thread(target=serve, args=("second", [(11, tabs["second"]), (12, tabs["second-other-user"])])),
    ]
    for t in threads:
        t.start()
    joined.wait(timeout=10)
    assert push.send([(11, {"n": "both tabs"}), (12, {"n": "one tab"})]) == [None, None]
    sent.set()
    for t in threads:
        t.join(timeout=10)
    assert {name: tab.got for name, tab in tabs.items()} == {
        "first": [{"n": "both tabs"}], "second": [{"n": "both tabs"}], "second-other-user": [{"n": "one tab"}],
    }


def test_a_malformed_message_does_not_stop_the_relay(caplog):
    from channels.layers import get_channel_layer

    async def scenario():
        relay = push.relay()
        tab = Tab()
        await relay.add(5, tab)
        await get_channel_layer().group_send(push.RELAY_GROUP, {"type": "something.else"})
        await push.send_async([(5, {"n": 1})])
        await settle([tab], 1)
        assert tab.got == [{"n": 1}]
        await relay.remove(5, tab)

    async_to_sync(scenario)()
    assert "relay receive failed" in caplog.text


@requires_redis
def test_a_relay_forgotten_by_redis_hears_again_once_it_renews(monkeypatch):
    """A Redis restarted empty (or a membership expired) forgets the relay: pushes reach nobody until the relay
    renews its membership, which it does every REJOIN_S."""
    import redis
    from channels.layers import get_channel_layer

    monkeypatch.setattr(push, "REJOIN_S", 0.3)
    layer = get_channel_layer()

    def forget_every_member():
        client = redis.Redis.from_url(layer.hosts[0]["address"])
        client.delete(layer._group_key(push.RELAY_GROUP))
        client.close()

    async def scenario():
        relay = push.relay()
        tab = Tab()
        await relay.add(5, tab)
        forget_every_member()
        await push.send_async([(5, {"n": "lost"})])
        await settle([tab], 1, timeout=0.1)
        assert tab.got == []  # the situation this guards against: nobody is listening
        await asyncio.sleep(0.6)  # the relay renews
        await push.send_async([(5, {"n": "heard"})])
        await settle([tab], 1)
        assert tab.got == [{"n": "heard"}]
        await relay.remove(5, tab)

    async_to_sync(scenario)()


@requires_redis
def test_clearing_the_cache_leaves_the_relays_group_alone():
    """Django's cache.clear() empties its whole Redis database: the cache has one of its own (settings), or the
    relays' membership (and huey's queue) went with it and live pushes stopped."""
    import redis
    from channels.layers import get_channel_layer
    from django.core.cache import cache

    layer = get_channel_layer()
    channel = "notifications.relay.cache-test"
    async_to_sync(layer.group_add)(push.RELAY_GROUP, channel)
    client = redis.Redis.from_url(layer.hosts[0]["address"])
    try:
        cache.set("anything", 1)
        cache.clear()
        assert cache.get("anything") is None
        assert client.zscore(layer._group_key(push.RELAY_GROUP), channel) is not None
    finally:
        async_to_sync(layer.group_discard)(push.RELAY_GROUP, channel)
        client.close()
