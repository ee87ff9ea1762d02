"""Propagandists: a bulletin published to three communes reaches their 30 seeded propagandists through the
outbox, each with a personal link that cannot be guessed; opening 20 of them records 20 receipts and the rates
say 20/30 on the bulletin page and 7/10 on a commune's page; the unread get one reminder; a channel that is not
configured fails with its reason; a sheet imports once, naming its bad rows; the report form starts from the
registry."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feedback.services import feedback_answer, feedback_submit
from org.models import Structure, Unit, UnitKind
from outreach import imports
from outreach import services as outreach
from outreach.models import Channel, Delivery, Propagandist
from outreach.senders import Sender, SendError
from tests.clock import hanoi
from tests.editorial.helpers import communes, u
from tests.reporting.helpers import COMMUNES as TEST_COMMUNES
from tests.reporting.helpers import acknowledge as period_acknowledge
from tests.reporting.helpers import assignment as period_assignment
from tests.reporting.helpers import open_period, small_org
from tests.workflows.bulletin.helpers import published_bulletin
from tests.workflows.directive.helpers import open_task, unit
from workflows.directive.flow import UnitAssignmentFlow
from workflows.outreach.services import deliver, receipt_link, remind

THREE = ("phuong_phuc_xa", "xa_minh_phu", "phuong_cua_nam")
# The clock of the tests that publish now and send, retry or remind from the sending time.
NOW = hanoi(2026, 12, 2, 9)
# Inside the 2026 half-year period's window (figures to 30/5, due 6/6): it can be opened and reported on.
TODAY = hanoi(2026, 6, 2)


@pytest.fixture(autouse=True)
def no_zalo(settings):
    settings.ZALO_SENDER = ""


def _published(capture):
    bulletin, _directive = published_bulletin(capture, target_spec=communes(*THREE))
    return bulletin


@time_machine.travel(NOW, tick=False)
def test_a_bulletin_reaches_the_30_propagandists_and_20_receipts_read_20_of_30(
        demo, client, django_capture_on_commit_callbacks):
    assert Propagandist.objects.filter(unit__codename__in=THREE).count() == 30  # seeded
    mail.outbox.clear()
    bulletin = _published(django_capture_on_commit_callbacks)
    deliveries = list(Delivery.objects.filter(bulletin_id=bulletin.pk).select_related("propagandist", "unit"))
    assert len(deliveries) == 30 and {d.status for d in deliveries} == {Delivery.Status.SENT}
    assert len(mail.outbox) == 30
    assert all(receipt_link(d) in m.body for d, m in zip(
        sorted(deliveries, key=lambda d: d.propagandist.email),
        sorted(mail.outbox, key=lambda m: m.to[0]), strict=True))
    assert all(len(d.token) >= 40 for d in deliveries) and len({d.token for d in deliveries}) == 30

    for d in deliveries[:20]:
        page = client.get(reverse("outreach_receipt", args=[d.token]))
        assert page.status_code == 200 and bulletin.title in page.content.decode()
        assert page["Referrer-Policy"] == "no-referrer"
    client.get(reverse("outreach_receipt", args=[deliveries[0].token]))  # opened twice: one receipt
    assert Delivery.objects.filter(bulletin_id=bulletin.pk, received_at__isnull=False).count() == 20
    assert client.get(reverse("outreach_receipt", args=["x" * 43])).status_code == 404  # not guessable

    client.force_login(u("phongtt"))
    page = client.get(reverse("editorial:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "tuyên truyền viên đã nhận 20/30" in page
    by_unit = {}
    for d in deliveries[:20]:
        by_unit[d.unit.codename] = by_unit.get(d.unit.codename, 0) + 1
    commune = THREE[0]
    client.force_login(u(commune))
    registry = client.get(reverse("outreach_registry")).content.decode()
    assert f"{by_unit.get(commune, 0)}/10" in registry and bulletin.title in registry


@time_machine.travel(NOW, tick=False)
def test_a_link_shows_only_its_own_bulletin(demo, client, django_capture_on_commit_callbacks):
    first = _published(django_capture_on_commit_callbacks)
    second = _published(django_capture_on_commit_callbacks)
    Bulletin = type(first)
    Bulletin.objects.filter(pk=second.pk).update(title="Bản tin thứ hai khác hẳn")
    token = Delivery.objects.filter(bulletin_id=first.pk).first().token
    page = client.get(reverse("outreach_receipt", args=[token]) + f"?bulletin={second.pk}").content.decode()
    assert "Bản tin thứ hai khác hẳn" not in page
    assert not Delivery.objects.filter(bulletin_id=second.pk, received_at__isnull=False).exists()


@time_machine.travel(NOW, tick=False)
def test_the_unread_get_one_reminder(demo, client, django_capture_on_commit_callbacks):
    bulletin = _published(django_capture_on_commit_callbacks)
    opened = Delivery.objects.filter(bulletin_id=bulletin.pk).order_by("pk")[:5]
    for d in opened:
        client.get(reverse("outreach_receipt", args=[d.token]))
    mail.outbox.clear()
    sent = Delivery.objects.filter(bulletin_id=bulletin.pk).first().sent_at
    assert remind(now=sent + timedelta(hours=23)) == 0
    assert remind(now=sent + timedelta(hours=25)) == 25
    assert remind(now=sent + timedelta(hours=26)) == 0  # once
    assert len(mail.outbox) == 25 and all(m.subject.startswith("Nhắc:") for m in mail.outbox)


@time_machine.travel(NOW, tick=False)
def test_a_channel_not_configured_fails_with_its_reason_and_a_passing_failure_is_retried(demo, settings):
    settings.OUTREACH_SMS_SENDER = ""
    person, _created = outreach.propagandist_save(unit=unit("xa_minh_phu"), full_name="Lê Thị Sáu",
                                                  phone="0987000111", channel=Channel.SMS)
    outreach.deliveries_create(bulletin_id=999, revision=1, title="Thử", units=[person.unit])
    deliver()
    d = Delivery.objects.get(propagandist=person)
    assert d.status == Delivery.Status.FAILED and "chưa cấu hình" in d.last_error and d.attempts == 1

    settings.OUTREACH_SMS_SENDER = "tests.outreach.test_propagandists.FlakySender"
    FlakySender.failures = 1
    now = timezone.now()
    Delivery.objects.filter(pk=d.pk).update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now)
    deliver(now=now)
    d.refresh_from_db()
    assert (d.status, d.attempts) == (Delivery.Status.PENDING, 1) and d.next_attempt_at > now
    deliver(now=d.next_attempt_at)
    d.refresh_from_db()
    assert d.status == Delivery.Status.SENT and FlakySender.sent == 1


class FlakySender(Sender):
    failures = 0
    sent = 0

    def send(self, *, to, subject, text, reference):
        if FlakySender.failures:
            FlakySender.failures -= 1
            raise SendError("mạng lỗi")
        FlakySender.sent += 1


SHEET = ("Họ và tên,Thôn/tổ dân phố,Điện thoại,Thư điện tử,Vai trò,Kênh nhận tin\n"
         "Phạm Văn Một,Thôn 1,0911000001,mot@example.vn,Trưởng thôn,Thư điện tử\n"
         "Phạm Văn Hai,Thôn 2,0911000002,,Đoàn thể,SMS\n"
         ",Thôn 3,0911000003,,,\n"
         "Phạm Văn Bốn,Thôn 4,abc,bon@,,\n")


def test_a_sheet_imports_once_and_names_its_bad_rows(demo, client):
    commune = unit("xa_minh_phu")
    client.force_login(u("xa_minh_phu"))
    url = reverse("outreach_registry")
    upload = SimpleUploadedFile("ttv.csv", SHEET.encode("utf-8"), content_type="text/csv")
    page = client.post(url, {"action": "preview", "file": upload}).content.decode()
    assert "Dòng 4: thiếu họ và tên." in page and "Dòng 5: số điện thoại không hợp lệ: abc." in page
    assert "Dòng 5: thư điện tử không hợp lệ: bon@." in page
    token = client.session["outreach-import"]["token"]
    client.post(url, {"action": "confirm", "token": token})
    assert not Propagandist.objects.filter(full_name__startswith="Phạm Văn").exists()  # a bad row: nothing
    upload = SimpleUploadedFile("ttv.csv", SHEET.encode("utf-8"), content_type="text/csv")
    client.post(url, {"action": "preview", "file": upload, "skip_invalid": "on"})
    client.post(url, {"action": "confirm", "token": client.session["outreach-import"]["token"]})
    imported = Propagandist.objects.filter(unit=commune, full_name__startswith="Phạm Văn")
    assert {(p.full_name, p.role, p.channel) for p in imported} == {
        ("Phạm Văn Một", Propagandist.Role.HAMLET_HEAD, Channel.EMAIL),
        ("Phạm Văn Hai", Propagandist.Role.MASS_ORG, Channel.SMS)}
    rows = imports.check(imports.read(SHEET.encode(), extension="csv"))
    assert imports.import_rows(rows, unit=commune, dry_run=False, skip_invalid=True).created == 0  # idempotent
    client.force_login(u("phuong_phuc_xa"))  # another commune cannot write to this one's list
    assert client.post(f"{url}?unit={commune.pk}", {"action": "add", "full_name": "X"}).status_code in (200, 403)
    assert not Propagandist.objects.filter(unit=commune, full_name="X").exists()


@time_machine.travel(TODAY, tick=False)  # the period is opened and reported on by this clock
def test_the_report_form_starts_from_the_registry(demo, user, client, django_capture_on_commit_callbacks):
    org = small_org()
    commune = org[TEST_COMMUNES[0]]
    for i in range(4):
        outreach.propagandist_save(unit=commune, full_name=f"Người {i}", phone=f"090000000{i}",
                                   role=Propagandist.Role.HAMLET_HEAD if i < 3 else Propagandist.Role.OTHER)
    period = open_period(user("quanly"), django_capture_on_commit_callbacks, year=2026)
    inside = timezone.make_aware(datetime(period.cutoff_date.year, 2, 1, 9))  # within the period's months
    for i in range(3):
        item = feedback_submit(commune=commune, text=f"Loa tổ {i} bị rè", now=inside)
    feedback_answer(feedback=item, user=user(TEST_COMMUNES[0]), answer="Đã sửa loa", now=inside)
    feedback_submit(commune=commune, text="Năm trước", now=inside.replace(year=inside.year - 1))  # not counted
    a = period_assignment(period, TEST_COMMUNES[0])
    period_acknowledge(a, user(TEST_COMMUNES[0]))
    task = open_task(a, UnitAssignmentFlow.report)
    client.force_login(user(TEST_COMMUNES[0]))
    html = client.get(f"/unitassignment/{task.process_id}/report/{task.pk}/execute/").content.decode()
    assert 'id="prefilled"' in html
    field = html.split('name="ind_propagandists_total"')[1].split(">")[0]
    assert 'value="4"' in field
    field = html.split('name="ind_propagandists_hamlet_heads"')[1].split(">")[0]
    assert 'value="3"' in field
    assert 'value="3"' in html.split('name="ind_feedback_received"')[1].split(">")[0]
    assert 'value="1"' in html.split('name="ind_feedback_answered"')[1].split(">")[0]


def test_the_demo_seed_is_idempotent(demo):
    communes_2025 = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE)
    assert Propagandist.objects.filter(unit__in=communes_2025).count() == 10 * communes_2025.count()
    assert outreach.demo_propagandists_ensure(communes_2025) == 0
