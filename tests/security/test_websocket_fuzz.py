"""Malformed websocket messages never close the notification socket: each gets an error answer or is
ignored, and the socket still answers a valid message afterwards (it once closed with 1011 on
{"ids": [1e400]}, {"ids": 5} and {"last_id": 1e400})."""

import json

from asgiref.sync import async_to_sync

from notifications import services
from notifications.models import Kind, Notification
from tests.notifications.conftest import session_cookie
from tests.notifications.test_consumer import communicator

MALFORMED_TEXT = [
    "{not json", " ", "[]", "[1, 2]", "null", "true", "42", '"hello"', "1e400", "{}",
    '{"type": null}', '{"type": ["hello"]}', '{"type": {"a": 1}}', '{"type": "x' + "x" * 100_000 + '"}',
    "[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000,
    '{"type": "hello", "last_id": 1e400}', '{"type": "hello", "last_id": -1e400}', '{"type": "hello", "last_id": NaN}',
    '{"type": "mark_read", "ids": [1e400]}', '{"type": "mark_read", "ids": [NaN, Infinity, -Infinity]}',
    '{"type": "mark_read", "ids": [' + "9" * 5_000 + "]}", '{"type": "hello", "last_id": ' + "9" * 5_000 + "}",
]
MALFORMED_JSON = [
    {"ids": [1e400]}, {"ids": 5}, {"last_id": 1e400},
    {"type": "hello", "last_id": 2**64}, {"type": "hello", "last_id": -1}, {"type": "hello", "last_id": "abc"},
    {"type": "hello", "last_id": [1]}, {"type": "hello", "last_id": {"id": 1}}, {"type": "hello", "last_id": True},
    {"type": "hello", "last_id": 1.5}, {"type": "hello", "last_id": "9" * 30},
    {"type": "mark_read", "ids": 5}, {"type": "mark_read", "ids": "1,2"}, {"type": "mark_read", "ids": {"1": 1}},
    {"type": "mark_read", "ids": [2**63, 2**64, 10**30, -1, 0, "abc", None, [1], {"id": 1}, True, 1.5]},
    {"type": "mark_read", "ids": [[[[[[1]]]]]]}, {"type": "mark_read", "ids": list(range(1, 10_000))},
    {"type": "mark_read"}, {"type": "mark_read", "ids": "y" * 100_000},
    {"type": "unknown"}, {"type": "x" * 10_000},
]


def test_malformed_messages_never_close_the_socket(demo_transactional, user, channel_layer):
    me = user("bientap1")
    cookie = session_cookie(me)
    mine = services.notify([me], kind=Kind.TASK_ASSIGNED, title="Việc mới")[0]

    async def still_answers(ws):
        await ws.send_json_to({"type": "ping"})
        answer = await ws.receive_json_from(timeout=5)
        while answer["type"] != "pong":  # error answers of the malformed message come first
            assert answer["type"] in ("error", "read", "catch_up", "unread"), answer
            answer = await ws.receive_json_from(timeout=5)

    async def scenario():
        ws = communicator(cookie)
        assert (await ws.connect(timeout=5))[0]
        for text in MALFORMED_TEXT:
            await ws.send_to(text_data=text)
            await still_answers(ws)
        for message in MALFORMED_JSON:
            await ws.send_to(text_data=json.dumps(message))
            await still_answers(ws)
        await ws.send_to(bytes_data=b"\x00\xff binary")
        await still_answers(ws)
        # Nothing closed the socket, and a valid message still works.
        await ws.send_json_to({"type": "hello", "last_id": 0})
        catch_up = await ws.receive_json_from(timeout=5)
        assert catch_up["type"] == "catch_up", catch_up
        assert [n["id"] for n in catch_up["notifications"]] == [mine.pk]
        assert (await ws.receive_json_from(timeout=5))["type"] == "unread"
        await ws.send_json_to({"type": "mark_read", "ids": [mine.pk, 2**64, "x"]})
        assert await ws.receive_json_from(timeout=5) == {"type": "read", "ids": [mine.pk], "all": False,
                                                         "unread": 0}
        await ws.disconnect()

    async_to_sync(scenario)()
    assert Notification.objects.get(pk=mine.pk).read_at is not None


def test_each_bad_message_gets_an_error_answer(demo_transactional, user, channel_layer):
    cookie = session_cookie(user("bientap2"))

    async def scenario():
        ws = communicator(cookie)
        assert (await ws.connect(timeout=5))[0]
        for message in ({"ids": [1e400]}, {"ids": 5}, {"last_id": 1e400}, {"type": "hello", "last_id": 1e400},
                        {"type": "hello", "last_id": 2**64}, {"type": "mark_read", "ids": 5},
                        {"type": "mark_read", "ids": list(range(1, 10_000))}):
            await ws.send_to(text_data=json.dumps(message))
            assert (await ws.receive_json_from(timeout=5))["type"] == "error", message
        await ws.send_to(bytes_data=b"\x01")
        assert (await ws.receive_json_from(timeout=5))["type"] == "error"
        await ws.disconnect()

    async_to_sync(scenario)()
