"""The websocket consumer through the real ASGI stack (origin check, session auth, URL routing), with
channels' WebsocketCommunicator. Transactional: the consumer reads on other threads, so rows must be
committed. pytest-asyncio is not used: each async scenario runs under async_to_sync."""

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from notifications import services
from notifications.models import Kind, Level, Notification
from tests.notifications.conftest import session_cookie

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def communicator(cookie: str | None = None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def hello(ws: WebsocketCommunicator, last_id):
    await ws.send_json_to({"type": "hello", "last_id": last_id})
    catch_up = await ws.receive_json_from(timeout=5)
    unread = await ws.receive_json_from(timeout=5)
    assert catch_up["type"] == "catch_up" and unread["type"] == "unread"
    return catch_up, unread["count"]


notify = database_sync_to_async(services.notify)


def test_anonymous_and_foreign_origins_are_refused(demo_transactional, user):
    cookie = session_cookie(user("bientap1"))

    async def scenario():
        for ws in (communicator(None), communicator("not-a-session"),
                   communicator(cookie, origin=(b"origin", b"https://evil.example"))):
            connected, _code = await ws.connect(timeout=5)
            assert not connected
            await ws.disconnect()
        ws = communicator(cookie)
        connected, _ = await ws.connect(timeout=5)
        assert connected
        await ws.disconnect()

    async_to_sync(scenario)()


def test_push_arrives_and_mark_read_reaches_every_tab(demo_transactional, user, channel_layer):
    me = user("bientap1")
    cookie = session_cookie(me)

    async def scenario():
        tab1, tab2 = communicator(cookie), communicator(cookie)
        assert (await tab1.connect(timeout=5))[0] and (await tab2.connect(timeout=5))[0]
        first, unread = await hello(tab1, None)
        assert first["notifications"] == [] and unread == 0
        await hello(tab2, first["last_id"])

        await notify([me], kind=Kind.TASK_ASSIGNED, title="Bản tin mới cần duyệt", actor=await _user("truongban"),
                     link="/workflows/")
        for tab in (tab1, tab2):
            pushed = await tab.receive_json_from(timeout=5)
            assert pushed["type"] == "notification" and "unread" not in pushed  # the browser counts
            n = pushed["notification"]
            assert n["title"] == "Bản tin mới cần duyệt" and n["actor"] == "Lê Quang Huy" and n["read"] is False
            assert n["created_at"].endswith("+00:00") and len(n["created_display"]) == len("02/09/2025 08:00")

        await tab1.send_json_to({"type": "mark_read", "ids": [n["id"], "x", None]})
        for tab in (tab1, tab2):
            assert await tab.receive_json_from(timeout=5) == {"type": "read", "ids": [n["id"]], "all": False,
                                                              "unread": 0}
        await tab1.send_json_to({"type": "ping"})
        assert await tab1.receive_json_from(timeout=5) == {"type": "pong"}
        await tab1.send_to(text_data="{not json")
        assert (await tab1.receive_json_from(timeout=5))["type"] == "error"
        assert await tab1.receive_nothing(timeout=0.2)
        await tab1.disconnect()
        await tab2.disconnect()

    async_to_sync(scenario)()
    assert Notification.objects.get(recipient=me).read_at is not None


def test_reconnect_catches_up_on_what_was_missed(demo_transactional, user, channel_layer):
    me, other = user("phuong_phuc_xa"), user("quan_ba_dinh")
    cookie = session_cookie(me)

    async def scenario():
        ws = communicator(cookie)
        await ws.connect(timeout=5)
        start, _ = await hello(ws, None)
        await ws.disconnect()
        # Offline: three for me (one urgent), one for someone else.
        for i in range(3):
            await notify([me], kind=Kind.DIRECTIVE_RECEIVED, title=f"Văn bản {i}",
                         level=Level.URGENT if i == 2 else Level.INFO)
        await notify([other], kind=Kind.DIRECTIVE_RECEIVED, title="Không phải của tôi")

        ws = communicator(cookie)
        await ws.connect(timeout=5)
        missed, unread = await hello(ws, start["last_id"])
        assert [n["title"] for n in missed["notifications"]] == ["Văn bản 0", "Văn bản 1", "Văn bản 2"]
        assert missed["notifications"][2]["level"] == "urgent"
        assert unread == 3 and not missed["truncated"]
        assert missed["last_id"] == missed["notifications"][-1]["id"]
        # A client that already saw everything gets nothing again.
        again, _ = await hello(ws, missed["last_id"])
        assert again["notifications"] == []
        await ws.send_json_to({"type": "mark_all_read"})
        assert (await ws.receive_json_from(timeout=5))["unread"] == 0
        await ws.disconnect()

    async_to_sync(scenario)()


def test_catch_up_is_capped_to_the_newest(demo_transactional, user, channel_layer):
    from notifications.selectors import CATCH_UP_LIMIT

    me = user("bientap2")
    cookie = session_cookie(me)
    rows = [services.notify([me], kind=Kind.DUE_SOON, title=f"Nhắc {i}")[0] for i in range(CATCH_UP_LIMIT + 5)]

    async def scenario():
        ws = communicator(cookie)
        await ws.connect(timeout=5)
        missed, unread = await hello(ws, 0)
        assert missed["truncated"] and unread == CATCH_UP_LIMIT + 5
        assert [n["id"] for n in missed["notifications"]] == [n.pk for n in rows[5:]]
        await ws.disconnect()

    async_to_sync(scenario)()


@database_sync_to_async
def _user(username):
    from org.models import User

    return User.objects.get(username=username)


def test_clearing_the_layer_between_tests_leaves_a_listening_relay_its_pushes(demo_transactional, user,
                                                                               channel_layer):
    """The `channel_layer` fixture empties the layer while the live server may still serve sockets: its relay
    must go on hearing (tests/notifications/conftest.py)."""
    import asyncio

    from tests.notifications.conftest import clear_layer

    me = user("bientap1")
    cookie = session_cookie(me)

    async def scenario():
        tab = communicator(cookie)
        assert (await tab.connect(timeout=5))[0]
        await hello(tab, None)
        await asyncio.to_thread(clear_layer, channel_layer)
        await notify([me], kind=Kind.TASK_ASSIGNED, title="Sau khi dọn kênh")
        pushed = await tab.receive_json_from(timeout=5)
        assert pushed["notification"]["title"] == "Sau khi dọn kênh"
        await tab.disconnect()

    async_to_sync(scenario)()
