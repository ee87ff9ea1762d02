"""A bulletin's history names who changed it, also when the change is an automatic flow step run from code
(the Board round concluding on the last review) or the scheduled publication job ("Hệ thống")."""

import re
from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import services as editorial
from editorial.models import Bulletin
from org.audit import history_actor
from tests.clock import hanoi
from tests.editorial.helpers import draft, u
from tests.workflows.bulletin.test_flow import confirm_audio, fresh, media, publish, sign, submitted, through_board

__all__ = ["media"]  # the MEDIA_ROOT fixture of the flow tests, used here too
RAW = ["draft", "submitted", "in_review", "approved", "signed_off", "scheduled", "published", "normal"]


def history_section(html: str) -> str:
    match = re.search(r'<section class="ttcs-card ttcs-history" id="change-history">(.*?)</section>', html, re.S)
    assert match, "no history section on the page"
    return match.group(1)


def status_rows(bulletin):
    return [(h.status, h.history_user) for h in bulletin.history.order_by("history_date", "history_id")]


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the publication is scheduled and run from now
def test_flow_steps_and_the_publication_job_record_who_acted(demo, client, django_capture_on_commit_callbacks):
    bulletin = submitted()
    through_board(bulletin)  # the last review (bientap3) concludes the round: an automatic step
    confirm_audio(bulletin)
    sign(bulletin)
    publish(bulletin, publish_at=timezone.now() + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert editorial.bulletins_publish_due(now=timezone.now() + timedelta(hours=3)) == 1
    rows = status_rows(bulletin)
    first_by_status = {}
    for status, who in rows:
        first_by_status.setdefault(status, who)
    assert first_by_status[Bulletin.Status.SUBMITTED] == u("phongtt")
    assert first_by_status[Bulletin.Status.IN_REVIEW] == u("truongban")
    assert first_by_status[Bulletin.Status.APPROVED] == u("bientap3")
    assert first_by_status[Bulletin.Status.SIGNED_OFF] == u("giamdoc")
    assert first_by_status[Bulletin.Status.SCHEDULED] == u("vanphong")
    assert first_by_status[Bulletin.Status.PUBLISHED] is None  # the periodic job: the system

    client.force_login(u("phongtt"))
    section = history_section(client.get(f"/editorial/{bulletin.pk}/").content.decode())
    assert "Trạng thái: Ban biên tập đang thẩm định → Ban biên tập đã duyệt" in section
    assert "Trạng thái: Đã hẹn giờ phát hành → Đã phát hành" in section
    for person in ("phongtt", "truongban", "bientap3", "giamdoc", "vanphong"):
        assert u(person).get_full_name() in section
    assert "Hệ thống" in section
    for code in RAW:
        assert not re.search(rf"\b{code}\b", section), code
    assert fresh(bulletin).status == Bulletin.Status.PUBLISHED


def _bulletin_with_changes(n: int) -> Bulletin:
    bulletin = draft(title=f"Bản tin {n} thay đổi")
    people = [u("phongtt"), u("truyenthong")]
    for i in range(n - 1):
        bulletin.summary = f"Tóm tắt {i}"
        with history_actor(people[i % 2]):
            bulletin.save()
    assert bulletin.history.count() == n
    return bulletin


def test_bulletin_page_query_count_does_not_grow_with_history(demo, client):
    few, many = _bulletin_with_changes(2), _bulletin_with_changes(10)
    client.force_login(u("phongtt"))
    counts = []
    for b in (few, many):
        client.get(f"/editorial/{b.pk}/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/editorial/{b.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert "Tóm tắt 8" in history_section(response.content.decode())
