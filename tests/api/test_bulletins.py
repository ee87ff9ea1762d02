"""GET /api/v1/bulletins: published bulletins in the client's scope, with audio, targets and attachments; every
pull is recorded per client, bulletin and unit; the query count does not grow with the bulletins."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import BulletinPull
from editorial import services as editorial
from editorial.models import BulletinAttachment
from tests.cast import unit
from tests.clock import hanoi
from tests.editorial.helpers import PNG, communes, draft, published, submit, upload


@pytest.fixture(autouse=True)
def clock():
    """Every bulletin here is published now, with its air window and the pulls recorded from the clock."""
    with time_machine.travel(hanoi(2026, 12, 2, 9), tick=False):
        yield


def published_to(*codenames, **fields):
    return published(draft(target_spec=communes(*codenames), **fields))


def test_a_published_bulletin_carries_text_audio_priority_window_targets_and_attachments(demo, central):
    start = timezone.now() + timedelta(hours=1)
    bulletin = draft(priority="priority", air_from=start, air_until=start + timedelta(days=2),
                     target_spec=communes("phuong_phuc_xa"))
    editorial.attachment_add(bulletin=bulletin, user=bulletin.created_by, file=upload("anh.png", PNG, "image/png"),
                             kind=BulletinAttachment.Kind.IMAGE)
    bulletin = published(bulletin)

    response = central.get("/bulletins")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1 and body["next_offset"] is None
    item = body["items"][0]
    assert item["id"] == bulletin.pk and item["revision"] == 1 and item["is_correction"] is False
    assert item["title"] == "Kỷ niệm 80 năm Quốc khánh 2/9"
    assert item["summary"] == "Treo cờ, tuyên truyền Quốc khánh."
    assert "treo cờ Tổ quốc" in item["text"] and "<p>" not in item["text"]
    assert item["priority"] == "priority" and item["priority_label"] == "Ưu tiên"
    assert item["air_from"].startswith(start.strftime("%Y-%m-%dT"))
    assert item["audio_url"].startswith("http://testserver/") and item["audio_url"].endswith(".wav")
    assert item["audio_duration_seconds"] == pytest.approx(2.5)
    assert [t["code"] for t in item["targets"]] == [unit("phuong_phuc_xa").code]
    [attachment] = item["attachments"]
    assert attachment["kind"] == "image" and attachment["content_type"] == "image/png"
    assert central.http.get(attachment["url"]).status_code == 200  # public once published
    assert central.http.get(item["audio_url"]).status_code == 200


def test_drafts_and_bulletins_outside_the_scope_are_not_listed(demo, central, vendor):
    mine = published_to("xa_minh_phu")
    published_to("phuong_phuc_xa")
    submit(draft(target_spec=communes("xa_minh_phu")))  # under review: not on any channel

    assert [i["id"] for i in vendor.get("/bulletins").json()["items"]] == [mine.pk]  # Sóc Sơn and its communes
    assert central.get("/bulletins").json()["count"] == 2
    assert vendor.get(f"/bulletins/{mine.pk}").status_code == 200


def test_a_bulletin_outside_the_scope_is_not_found_and_a_unit_outside_it_is_forbidden(demo, vendor):
    other = published_to("phuong_phuc_xa")

    response = vendor.get(f"/bulletins/{other.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy bản tin đã phát hành trong phạm vi của ứng dụng.",
                               "code": "not_found", "errors": []}

    response = vendor.get("/bulletins", {"unit": unit("phuong_phuc_xa").code})
    assert response.status_code == 403
    assert "không thuộc phạm vi" in response.json()["detail"]

    assert vendor.get("/bulletins", {"unit": "99999"}).status_code == 404


def test_every_pull_is_recorded_per_client_bulletin_and_unit(demo, central, vendor):
    bulletin = published_to("xa_minh_phu", "phuong_phuc_xa")
    minh_phu = unit("xa_minh_phu")

    vendor.get("/bulletins", {"unit": minh_phu.code})
    vendor.get(f"/bulletins/{bulletin.pk}", {"unit": minh_phu.code})
    central.get("/bulletins")

    by_client = {(p.client_id, p.unit_id): p for p in BulletinPull.objects.filter(bulletin=bulletin)}
    assert set(by_client) == {(vendor.client.pk, minh_phu.pk), (central.client.pk, None)}
    assert by_client[vendor.client.pk, minh_phu.pk].count == 2
    assert by_client[central.client.pk, None].count == 1
    assert by_client[vendor.client.pk, minh_phu.pk].revision == 1
    first = by_client[vendor.client.pk, minh_phu.pk]
    assert first.first_pulled_at <= first.last_pulled_at


def test_the_list_pages_and_filters(demo, central):
    older = published_to("phuong_phuc_xa")
    newer = published_to("phuong_phuc_xa", priority="emergency")

    page = central.get("/bulletins", {"limit": 1}).json()
    assert [i["id"] for i in page["items"]] == [newer.pk] and page["next_offset"] == 1
    page = central.get("/bulletins", {"limit": 1, "offset": 1}).json()
    assert [i["id"] for i in page["items"]] == [older.pk] and page["next_offset"] is None
    assert [i["id"] for i in central.get("/bulletins", {"priority": "emergency"}).json()["items"]] == [newer.pk]
    since = (newer.published_at + timedelta(seconds=1)).isoformat()
    assert central.get("/bulletins", {"since": since}).json()["count"] == 0


def test_invalid_parameters_are_422_in_vietnamese(demo, central):
    response = central.get("/bulletins", {"limit": 0, "since": "hôm qua"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["detail"] == "Dữ liệu gửi lên không hợp lệ."
    assert {e["loc"][-1] for e in body["errors"]} == {"limit", "since"}
    assert all(e["msg"] for e in body["errors"])
    assert central.get("/bulletins/99999999999999999999999").status_code == 422
    assert central.get("/bulletins/0").status_code == 422


def test_listing_costs_the_same_queries_for_two_bulletins_or_eight(demo, central, django_assert_max_num_queries):
    for _ in range(2):
        published_to("phuong_phuc_xa", "xa_minh_phu")
    with django_assert_max_num_queries(12) as few:
        assert central.get("/bulletins").json()["count"] == 2
    for _ in range(6):
        published_to("phuong_phuc_xa", "xa_minh_phu")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert central.get("/bulletins").json()["count"] == 8


def test_the_bulletin_page_shows_which_units_machines_reached(demo, central, vendor, client):
    from api.models import EboardShowing  # noqa: PLC0415

    bulletin = published_to("xa_minh_phu", "phuong_phuc_xa")
    vendor.get("/bulletins", {"unit": unit("xa_minh_phu").code})
    central.get("/bulletins")
    EboardShowing.objects.create(client=vendor.client, unit=unit("phuong_phuc_xa"), bulletin=bulletin, revision=1)
    client.force_login(bulletin.created_by)
    page = client.get(f"/editorial/{bulletin.pk}/").content.decode()
    assert "1 đơn vị được ứng dụng lấy qua API · 1 đơn vị có bảng tin điện tử đang hiển thị" in page
    assert f"Ứng dụng đã lấy cho toàn bộ phạm vi: {central.client.name}" in page
    row = page.split("Xã Minh Phú</td>")[1].split("</tr>")[0]
    assert vendor.client.name in row
