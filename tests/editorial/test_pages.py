"""Pages over HTTP: visibility per person, forms, the diff and XSS, and query counts that do not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import selectors, services
from editorial.models import Bulletin, BulletinAudio, PlanTopic
from tests.clock import hanoi
from tests.editorial.helpers import (
    BODY,
    MP4,
    approved,
    communes,
    decide,
    division,
    draft,
    fresh,
    open_round,
    published,
    recording,
    submit,
    topic,
    u,
    unit,
    upload,
)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _many(n: int, **fields):
    made = []
    for i in range(n):
        b = draft(title=f"Bản tin số {i}", plan_topic=topic(1 + i % 5), **fields)
        if i % 2:
            submit(b)
        made.append(b)
    return made


@pytest.mark.parametrize("url", ["/editorial/", "/editorial/plan/?year=2025", "/editorial/published/",
                                 "/editorial/feeds/json/", "/editorial/feeds/rss/"])
def test_page_query_count_does_not_grow_with_rows(demo, client, url):
    client.force_login(u("phongtt"))
    published()
    before = _queries(client, url)
    _many(12)
    for _ in range(3):
        published(draft(title="Đã phát hành thêm", plan_topic=topic(3)))
    after = _queries(client, url)
    assert after <= before + 1, f"{url}: {before} → {after} queries"


def test_detail_page_query_count_does_not_grow_with_history(demo, client):
    client.force_login(u("phongtt"))
    bulletin = approved()
    url = f"/editorial/{bulletin.pk}/"
    before = _queries(client, url)
    services.bulletin_return_to_board(bulletin=bulletin, user=u("giamdoc"), reason="Xem lại")
    open_round(bulletin, ["bientap3"])
    decide(bulletin, "bientap3", "request_changes", "Sửa đoạn cuối")
    services.bulletin_mark_changes_requested(bulletin=bulletin)
    for i in range(3):
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"summary": f"Tóm tắt {i}"})
        revision = submit(bulletin)
        services.comment_add(revision=revision, user=u("phongtt"), body=f"Ghi chú {i}")
        services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=recording(1))
        services.bulletin_withdraw(bulletin=bulletin, user=u("phongtt"))
    after = _queries(client, url)
    assert after <= before + 2, f"{before} → {after} queries"


def test_who_sees_what(demo, client):
    private = draft(title="Dự thảo nội bộ")
    other_division = draft(title="Dự thảo Phòng Truyền thông số", user="truyenthong", unit_code="SVHTT-TTS")
    in_review = draft(title="Đang thẩm định")
    submit(in_review)
    for_phuc_xa = published(draft(title="Gửi Phúc Xá", target_spec=communes("phuong_phuc_xa")))
    for_minh_phu = published(draft(title="Gửi Minh Phú", target_spec=communes("xa_minh_phu")))

    def visible(username):
        return set(selectors.bulletins_visible_to(u(username)).values_list("title", flat=True))

    assert visible("phongtt") == {"Dự thảo nội bộ", "Đang thẩm định", "Gửi Phúc Xá", "Gửi Minh Phú"}
    assert visible("truyenthong") == {"Dự thảo Phòng Truyền thông số", "Gửi Phúc Xá", "Gửi Minh Phú"}
    assert visible("bientap1") == {"Đang thẩm định", "Gửi Phúc Xá", "Gửi Minh Phú"}
    assert visible("giamdoc") == visible("quanly") == visible("bientap1")
    assert visible("vanphong") == {"Gửi Phúc Xá", "Gửi Minh Phú"}
    assert visible("phuong_phuc_xa") == {"Gửi Phúc Xá"}
    assert visible("xa_minh_phu") == {"Gửi Minh Phú"}
    assert visible("quan_ba_dinh") == {"Gửi Phúc Xá"}  # a district sees what its communes receive
    assert visible("huyen_soc_son") == {"Gửi Minh Phú"}
    client.force_login(u("phuong_phuc_xa"))
    assert client.get(f"/editorial/{for_phuc_xa.pk}/").status_code == 200
    for hidden in (for_minh_phu, private, other_division, in_review):
        assert client.get(f"/editorial/{hidden.pk}/").status_code == 404
    page = client.get("/editorial/").content.decode()
    assert "Gửi Phúc Xá" in page and "Gửi Minh Phú" not in page


@pytest.mark.time_machine(hanoi(2025, 5, 20))  # the 2025 plan's topics are offered in 2025 and 2026 only
def test_create_and_edit_through_the_form(demo, client):
    client.force_login(u("phongtt"))
    form = client.get("/editorial/new/")
    assert form.status_code == 200 and "Soạn bản tin" in form.content.decode()
    response = client.post("/editorial/new/", {
        "title": "Phòng chống đuối nước trẻ em", "drafting_unit": division().pk, "plan_topic": topic(15).pk,
        "priority": "priority", "summary": "Mùa hè an toàn", "body": BODY + "<script>alert(1)</script>",
        "target_sets": ["all_communes"], "words_per_minute": 150, "attachments": [upload("clip.mp4", MP4)],
        "air_from": "01/06/2025 07:00", "air_until": "30/06/2025 17:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    bulletin = Bulletin.objects.get(title="Phòng chống đuối nước trẻ em")
    assert response["Location"] == f"/editorial/{bulletin.pk}/"
    assert bulletin.targets.count() == 526 and "<script" not in bulletin.body
    assert bulletin.attachments.get().kind == "video"
    assert timezone.localtime(bulletin.air_from).strftime("%d/%m/%Y %H:%M") == "01/06/2025 07:00"
    edit = client.get(f"/editorial/{bulletin.pk}/edit/")
    assert edit.status_code == 200
    data = {"title": "Phòng chống đuối nước", "plan_topic": topic(15).pk, "priority": "normal", "summary": "",
            "body": BODY, "target_units": [unit("phuong_phuc_xa").pk], "words_per_minute": 160}
    assert client.post(f"/editorial/{bulletin.pk}/edit/", data).status_code == 302
    bulletin = fresh(bulletin)
    assert bulletin.title == "Phòng chống đuối nước" and bulletin.words_per_minute == 160
    assert list(bulletin.targets.values_list("unit", flat=True)) == [unit("phuong_phuc_xa").pk]
    # Others cannot open the form.
    client.force_login(u("truyenthong"))
    assert client.get(f"/editorial/{bulletin.pk}/edit/").status_code == 404
    client.force_login(u("bientap1"))
    assert client.get("/editorial/new/").status_code == 403


@pytest.mark.time_machine(hanoi(2025, 5, 20))  # its 2025 plan topic must still be on offer
def test_editing_an_approved_bulletin_warns_that_it_voids_the_approval(demo, client):
    bulletin = approved()
    client.force_login(u("phongtt"))
    assert "sẽ hủy phê duyệt" in client.get(f"/editorial/{bulletin.pk}/edit/").content.decode()
    data = {"title": "Tiêu đề mới", "plan_topic": topic().pk, "priority": "normal", "body": BODY,
            "target_units": [unit("phuong_phuc_xa").pk], "words_per_minute": 150}
    response = client.post(f"/editorial/{bulletin.pk}/edit/", data, follow=True)
    assert "Phê duyệt và bản âm thanh đã hết hiệu lực" in response.content.decode()
    assert fresh(bulletin).status == Bulletin.Status.DRAFT


def test_air_time_warning_is_shown_but_does_not_block(demo, client):
    long_body = "<p>" + " ".join(["tuyên truyền"] * 1300) + "</p>"  # 2600 words: about 17 minutes at 150 wpm
    client.force_login(u("phongtt"))
    response = client.post("/editorial/new/", {
        "title": "Bản tin rất dài", "drafting_unit": division().pk, "priority": "normal", "body": long_body,
        "target_units": [unit("phuong_phuc_xa").pk], "words_per_minute": 150}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "vượt giới hạn 15 phút mỗi buổi phát ở phường, thị trấn" in page
    bulletin = Bulletin.objects.get(title="Bản tin rất dài")
    # Only rural communes: 17 minutes is within their 45.
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"target_spec": communes("xa_minh_phu")})
    assert selectors.bulletin_air_time_warnings(fresh(bulletin)) == []
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"target_spec": {"sets": ["all_districts"]}})
    assert len(selectors.bulletin_air_time_warnings(fresh(bulletin))) == 1


def test_detail_page_shows_the_escaped_diff_and_no_script(demo, client):
    bulletin = draft(body="<p>Đoạn một.</p><p>Đoạn hai.</p>")
    submit(bulletin)
    open_round(bulletin, ["bientap1"])
    decide(bulletin, "bientap1", "request_changes", "<b>Thêm</b> cảnh báo")
    services.bulletin_mark_changes_requested(bulletin=bulletin)
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={
        "body": "<p>Đoạn một.</p><p>Đoạn hai &lt;script&gt;alert(1)&lt;/script&gt; đã sửa.</p>"
                "<p><img src=x onerror=alert(2)>Đoạn ba.</p>"})
    submit(bulletin)
    client.force_login(u("phongtt"))
    page = client.get(f"/editorial/{bulletin.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "onerror" not in page and "<b>Thêm</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    assert "<ins>Đoạn ba.</ins>" in page and "So sánh v2 với v1" in page
    assert "&lt;b&gt;Thêm&lt;/b&gt; cảnh báo" in page  # the reviewer's reason, escaped
    first = client.get(f"/editorial/{bulletin.pk}/?v=1").content.decode()
    assert "Phiên bản đầu tiên v1" in first


def test_comment_and_audio_actions_over_http(demo, client, django_capture_on_commit_callbacks):
    bulletin = approved()
    client.force_login(u("bientap1"))
    response = client.post(f"/editorial/{bulletin.pk}/revisions/1/comments/", {"body": "Tốt."})
    assert response.status_code == 302 and fresh(bulletin).current_revision.comments.get().body == "Tốt."
    client.force_login(u("phongtt"))
    response = client.post(f"/editorial/{bulletin.pk}/audio/upload/", {"file": recording(2)})
    assert response.status_code == 302
    audio = BulletinAudio.objects.get()
    page = client.get(f"/editorial/{bulletin.pk}/").content.decode()
    assert f"/editorial/audio/{audio.pk}/confirm/" in page and "<audio" in page
    client.post(f"/editorial/audio/{audio.pk}/confirm/")
    audio.refresh_from_db()
    assert audio.is_confirmed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/editorial/{bulletin.pk}/audio/", {"engine": "espeak", "voice": "vi-vn-x-south"})
    rendered = BulletinAudio.objects.exclude(pk=audio.pk).get()
    assert rendered.voice == "vi-vn-x-south" and rendered.status == "ready"
    # The status endpoint is for people who may see the bulletin.
    client.force_login(u("xa_minh_phu"))
    assert client.get(f"/editorial/audio/{audio.pk}/status/").status_code == 404


def test_in_progress_audio_is_polled(demo, client):
    bulletin = draft()
    submit(bulletin)
    audio = BulletinAudio.objects.create(revision=fresh(bulletin).current_revision, backend="espeak", voice="vi")
    client.force_login(u("phongtt"))
    page = client.get(f"/editorial/{bulletin.pk}/").content.decode()
    assert f'data-status-url="/editorial/audio/{audio.pk}/status/"' in page and "editorial/audio.js" in page
    assert client.get(f"/editorial/audio/{audio.pk}/status/").json()["done"] is False


def test_plan_coverage(demo, client):
    on_time = published(draft(title="Quốc khánh", plan_topic=topic(20)))
    Bulletin.objects.filter(pk=on_time.pk).update(first_published_at=timezone.make_aware(
        timezone.datetime(2025, 9, 1, 8, 0)))
    late = published(draft(title="Tết muộn", plan_topic=topic(1)))
    Bulletin.objects.filter(pk=late.pk).update(first_published_at=timezone.make_aware(
        timezone.datetime(2025, 3, 1, 8, 0)))
    draft(title="Bản nháp chủ đề 21", plan_topic=topic(21))
    coverage = selectors.plan_coverage(year=2025, fetched_by=u("quanly"), today=date(2025, 9, 15))
    states = {row.topic.number: row.state for row in coverage.rows}
    assert len(coverage.rows) == 32
    assert states[20] == "covered" and states[1] == "covered_late"
    assert states[19] == "late" and states[21] == "due" and states[22] == "upcoming"
    assert states[30] == "due"  # all-year topics are due until December
    row21 = next(r for r in coverage.rows if r.topic.number == 21)
    assert row21.bulletin_count == 1 and row21.bulletins == []  # the manager does not see another division's draft
    mine = selectors.plan_coverage(year=2025, fetched_by=u("phongtt"), today=date(2025, 9, 15))
    assert [b.title for b in next(r for r in mine.rows if r.topic.number == 21).bulletins] == ["Bản nháp chủ đề 21"]
    client.force_login(u("quanly"))
    page = client.get("/editorial/plan/?year=2025").content.decode()
    assert "Quốc khánh" in page and "Quá tháng, chưa phát hành" in page
    assert PlanTopic.objects.filter(year=2025).count() == 32


def test_public_pages(demo, client):
    bulletin = published(draft(body=BODY + "<p>Chi tiết</p>"))
    response = client.get(f"/editorial/published/{bulletin.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and "Chi tiết" in page and "<audio" in page
    assert client.get(f"/editorial/published/{draft().pk}/").status_code == 404
    assert "Kỷ niệm 80 năm" in client.get("/editorial/published/").content.decode()


def test_list_filters_keep_their_query_in_the_pager(demo, client):
    _many(3)
    client.force_login(u("phongtt"))
    page = client.get("/editorial/?status=submitted").content.decode()
    assert "Bản tin số 1" in page and "Bản tin số 0" not in page
