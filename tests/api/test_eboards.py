"""E-boards: the full-screen page opened with an e-board client's token (no login), the same content as JSON,
the websocket authenticated by the token, an emergency pushed to the unit's group after its publication commits,
and what each board showed recorded."""

from datetime import timedelta

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from api import services
from api.models import ApiClient, EboardShowing
from config.asgi import application
from editorial import services as editorial
from editorial.models import BulletinAttachment
from tests.cast import unit
from tests.clock import hanoi
from tests.editorial.helpers import MP4, PNG, communes, draft, published, upload

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
def clock():
    """Every board shows the bulletins published now whose air window holds the clock."""
    with time_machine.travel(hanoi(2026, 12, 2, 9), tick=False):
        yield


def bulletin_with_image(**fields):
    bulletin = draft(target_spec=communes("phuong_phuc_xa"), **fields)
    editorial.attachment_add(bulletin=bulletin, user=bulletin.created_by, file=upload("anh.png", PNG, "image/png"),
                             kind=BulletinAttachment.Kind.IMAGE)
    editorial.attachment_add(bulletin=bulletin, user=bulletin.created_by, file=upload("phim.mp4", MP4, "video/mp4"),
                             kind=BulletinAttachment.Kind.VIDEO)
    return published(bulletin)


def test_the_page_opens_with_an_eboard_token_of_the_unit_only(demo, eboard, central, client):
    normal = bulletin_with_image()
    code = unit("phuong_phuc_xa").code

    page = client.get(f"/eboard/{code}/", {"token": eboard.token})
    assert page.status_code == 200
    html = page.content.decode()
    assert normal.title in html and "Phường Phúc Xá" in html and 'id="eboard-content"' in html
    assert page["Referrer-Policy"] == "no-referrer" and "no-cache" in page["Cache-Control"]

    refused = {
        "no token": client.get(f"/eboard/{code}/"),
        "not an e-board": client.get(f"/eboard/{code}/", {"token": central.token}),
        "another unit": client.get(f"/eboard/{unit('xa_minh_phu').code}/", {"token": eboard.token}),
        "unknown unit": client.get("/eboard/khong-co/", {"token": eboard.token}),
    }
    assert {k: r.status_code for k, r in refused.items()} == dict.fromkeys(refused, 403)
    assert "Không mở được bảng tin" in refused["not an e-board"].content.decode()
    services.client_revoke(client=eboard.client)
    assert client.get(f"/eboard/{code}/", {"token": eboard.token}).status_code == 403


def test_the_same_content_as_json_emergency_first_images_only(demo, eboard):
    normal = bulletin_with_image()
    emergency = published(draft(target_spec=communes("phuong_phuc_xa"), priority="emergency",
                                title="Bão số 3: sơ tán ngay"))
    ended = published(draft(target_spec=communes("phuong_phuc_xa"), air_until=timezone.now() - timedelta(hours=1),
                            air_from=timezone.now() - timedelta(days=1)))

    body = eboard.get(f"/units/{unit('phuong_phuc_xa').code}/eboard").json()

    assert [i["id"] for i in body["items"]] == [emergency.pk, normal.pk]  # the ended window is off the board
    assert ended.pk not in [i["id"] for i in body["items"]]
    assert body["emergency"]["id"] == emergency.pk and body["emergency"]["title"] == "Bão số 3: sơ tán ngay"
    [image] = body["items"][1]["images"]  # the video is not an image
    assert image.startswith("http://testserver/") and eboard.http.get(image).status_code == 200
    assert body["unit"]["name"] == "Phường Phúc Xá"


def _communicator(code, token):
    return WebsocketCommunicator(application, f"/ws/eboard/{code}/?token={token}", headers=[ORIGIN])


def test_the_socket_takes_an_emergency_at_once_and_records_what_was_shown(demo_transactional, channel_layer):
    board, token = services.client_create(name="Bảng tin Phúc Xá", kind=ApiClient.Kind.EBOARD,
                                          units=[unit("phuong_phuc_xa")])
    _other, central_token = services.client_create(name="Trung ương", kind=ApiClient.Kind.CENTRAL, all_units=True)
    normal = published(draft(target_spec=communes("phuong_phuc_xa")))
    code, elsewhere = unit("phuong_phuc_xa").code, unit("xa_minh_phu").code

    async def scenario():
        for refused in (_communicator(code, central_token), _communicator(code, "sai"),
                        _communicator(elsewhere, token)):
            connected, close_code = await refused.connect(timeout=5)
            assert not connected and close_code == 4403
        ws = _communicator(code, token)
        assert (await ws.connect(timeout=5))[0]
        await ws.send_json_to({"type": "shown", "bulletin_id": normal.pk})
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from(timeout=5) == {"type": "pong"}
        await ws.send_json_to({"type": "shown", "bulletin_id": "x"})
        assert (await ws.receive_json_from(timeout=5))["type"] == "error"

        emergency = await database_sync_to_async(lambda: published(draft(
            target_spec=communes("phuong_phuc_xa", "xa_minh_phu"), priority="emergency",
            title="Cảnh báo lũ quét")))()
        message = await ws.receive_json_from(timeout=5)
        assert message["type"] == "emergency" and message["item"]["id"] == emergency.pk
        assert message["item"]["title"] == "Cảnh báo lũ quét" and message["item"]["priority"] == "emergency"
        await ws.send_json_to({"type": "shown", "bulletin_id": emergency.pk})
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from(timeout=5) == {"type": "pong"}
        await ws.disconnect()
        return emergency

    emergency = async_to_sync(scenario)()
    shown = {s.bulletin_id: s for s in EboardShowing.objects.filter(client=board)}
    assert set(shown) == {normal.pk, emergency.pk}
    assert shown[normal.pk].unit == unit("phuong_phuc_xa") and shown[normal.pk].count == 1


def test_a_normal_bulletin_is_not_pushed(demo, django_capture_on_commit_callbacks):
    from api.eboards import emergency_push

    normal = published(draft(target_spec=communes("phuong_phuc_xa")))
    assert emergency_push(normal.pk) == 0
    emergency = published(draft(target_spec={"units": [unit("quan_ba_dinh").pk], "structure": "2025"},
                                priority="emergency"))
    reached = emergency_push(emergency.pk)
    assert reached == 1 + unit("quan_ba_dinh").children.count()  # the district and each of its communes
