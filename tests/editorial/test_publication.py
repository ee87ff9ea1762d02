"""Publication: now or at a set time (idempotent), corrections, feeds, and the Zalo outbox."""

import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from common.errors import AlreadyDone
from editorial import selectors, services
from editorial.models import (
    Bulletin,
    BulletinEvent,
    BulletinRevision,
    ChannelDelivery,
    Priority,
    ZaloGroup,
    ZaloMessage,
)
from editorial.zalo import FileZaloSender, ZaloOAGroupSender, ZaloSender, ZaloSendError, ZaloSendResult
from notifications.models import Notification
from tests.clock import hanoi
from tests.conftest import requires_postgres
from tests.editorial.helpers import (
    confirmed_recording,
    decide,
    draft,
    fresh,
    open_round,
    published,
    signed_off,
    submit,
    u,
    unit,
)

ATOM = "{http://www.w3.org/2005/Atom}"
# The clock of the tests that set times from now (a publication time, an air window, a retry) or need it to move.
NOW = hanoi(2026, 12, 2, 9)


def test_publish_now_lists_on_the_feeds_and_notifies(demo):
    bulletin = signed_off()
    with pytest.raises(PermissionDenied):
        services.bulletin_publish(bulletin=bulletin, user=u("phongtt"))
    services.bulletin_publish(bulletin=bulletin, user=u("vanphong"))
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.PUBLISHED
    assert bulletin.published_revision == bulletin.approved_revision and bulletin.published_by == u("vanphong")
    assert bulletin.first_published_at == bulletin.published_at
    channels = set(bulletin.deliveries.values_list("channel", "status"))
    assert channels == {("portal_feed", "listed"), ("source_system", "listed")}
    # the units hear of it once, from the broadcast assignment the flow gives them (workflows/signals.py, B8)
    assert not Notification.objects.filter(recipient__username="phuong_phuc_xa").exists()
    assert Notification.objects.filter(recipient__username="phongtt", kind="bulletin_published").exists()
    assert not Notification.objects.filter(recipient__username="phuong_truc_bach").exists()
    with pytest.raises(AlreadyDone):
        services.bulletin_publish(bulletin=bulletin, user=u("vanphong"))


def test_emergency_publication_tells_the_drafter_and_leaves_the_units_to_the_broadcast(
        demo, django_capture_on_commit_callbacks):
    """The units' urgent emergency notice comes with their broadcast assignment (rule D3 of workflows/signals.py,
    tests/workflows/test_notification_rules.py::test_d3_…)."""
    bulletin = draft(title="Bão số 3: sơ tán khẩn", priority=Priority.EMERGENCY)
    submit(bulletin)
    with django_capture_on_commit_callbacks(execute=True):  # the approval renders and confirms the recording
        services.bulletin_approve_emergency(bulletin=bulletin, user=u("giamdoc"))
    services.bulletin_publish(bulletin=bulletin, user=u("giamdoc"))
    assert not Notification.objects.filter(recipient__username="xa_minh_phu").exists()
    assert Notification.objects.filter(recipient__username="phongtt", kind="bulletin_published").exists()


@time_machine.travel(NOW, tick=False)
def test_scheduled_publication_happens_once(demo):
    bulletin = signed_off()
    with pytest.raises(ValidationError):
        services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"), publish_at=timezone.now())
    at = timezone.now() + timezone.timedelta(hours=1)
    services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"), publish_at=at)
    assert fresh(bulletin).status == Bulletin.Status.SCHEDULED
    assert services.bulletins_publish_due(now=at - timezone.timedelta(minutes=1)) == 0
    assert services.bulletins_publish_due(now=at) == 1
    assert services.bulletins_publish_due(now=at + timezone.timedelta(minutes=1)) == 0
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.PUBLISHED and bulletin.published_at == at
    assert bulletin.events.filter(kind=BulletinEvent.Kind.PUBLISHED).count() == 1
    assert bulletin.deliveries.count() == 2


@time_machine.travel(NOW, tick=False)
def test_unschedule_returns_to_signed_off(demo):
    bulletin = signed_off()
    services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"),
                               publish_at=timezone.now() + timezone.timedelta(hours=1))
    services.bulletin_unschedule(bulletin=bulletin, user=u("vanphong"))
    assert fresh(bulletin).status == Bulletin.Status.SIGNED_OFF
    assert services.bulletins_publish_due(now=timezone.now() + timezone.timedelta(days=1)) == 0


@time_machine.travel(NOW, tick=False)
def test_periodic_job_publishes_due_bulletins(demo):
    from editorial.tasks import publish_due_bulletins

    bulletin = signed_off()
    services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"),
                               publish_at=timezone.now() + timezone.timedelta(seconds=1))
    Bulletin.objects.filter(pk=bulletin.pk).update(publish_at=timezone.now() - timezone.timedelta(seconds=1))
    assert publish_due_bulletins.call_local() == 1
    assert fresh(bulletin).status == Bulletin.Status.PUBLISHED


@time_machine.travel(NOW, tick=False)
def test_correction_after_publication_needs_approval_again(demo):
    bulletin = published()
    first = fresh(bulletin).published_revision
    with pytest.raises(PermissionDenied):
        services.bulletin_correct(bulletin=bulletin, user=u("truyenthong"), title="x", body="<p>x</p>", reason="x")
    with pytest.raises(ValidationError):
        services.bulletin_correct(bulletin=bulletin, user=u("phongtt"), title="x", body="<p>x</p>", reason=" ")
    with pytest.raises(ValidationError, match="đính chính"):
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": "Sửa thẳng"})
    revision = services.bulletin_correct(
        bulletin=bulletin, user=u("phongtt"), title="Kỷ niệm 80 năm Quốc khánh (đính chính)",
        body="<p>Lễ kỷ niệm tổ chức ngày 2/9/2025 tại Quảng trường Ba Đình.</p>", reason="Sai địa điểm")
    assert (revision.number, revision.kind, revision.note) == (2, BulletinRevision.Kind.CORRECTION, "Sai địa điểm")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SUBMITTED and bulletin.approved_revision is None
    assert bulletin.is_correction_pending and bulletin.published_revision == first
    with pytest.raises(AlreadyDone):
        services.bulletin_correct(bulletin=bulletin, user=u("phongtt"), title="x", body="<p>y</p>", reason="z")
    # The channels keep the published text until the correction is approved, signed off and published.
    [item] = selectors.published_bulletins()
    assert item.published_revision == first
    open_round(bulletin, ["bientap1"])
    decide(bulletin, "bientap1")
    services.bulletin_mark_approved(bulletin=bulletin)
    with pytest.raises(ValidationError):  # the recording of revision 1 does not cover revision 2
        services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))
    confirmed_recording(bulletin)
    services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))
    with time_machine.travel(NOW + timezone.timedelta(days=1), tick=False):  # the correction goes out the next day
        services.bulletin_publish(bulletin=bulletin, user=u("vanphong"))
    bulletin = fresh(bulletin)
    assert bulletin.published_revision == revision and bulletin.first_published_at < bulletin.published_at
    assert bulletin.deliveries.filter(revision=revision).count() == 2
    # the units are told by the correction's broadcast assignment (workflows/signals.py, B8), the drafter here
    assert not Notification.objects.filter(recipient__username="phuong_phuc_xa").exists()
    assert Notification.objects.filter(recipient__username="phongtt", title__startswith="Đã phát hành: Đính chính")


# ------------------------------------------------------------------------------------------------ feeds


@time_machine.travel(NOW, tick=False)
def test_rss_atom_and_json_feeds(demo, client):
    bulletin = published(draft(priority=Priority.PRIORITY, air_from=timezone.now(),
                               air_until=timezone.now() + timezone.timedelta(days=2)))
    draft(title="Bản nháp chưa phát hành")
    audio = selectors.confirmed_audio(fresh(bulletin).published_revision)

    rss = client.get("/editorial/feeds/rss/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    assert item.findtext("title") == "[Ưu tiên] Kỷ niệm 80 năm Quốc khánh 2/9"
    assert item.findtext("link").endswith(f"/editorial/published/{bulletin.pk}/")
    assert "Đề nghị các phường" in item.findtext("description")
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "audio/wav"
    assert enclosure.get("url").startswith(f"http://testserver/editorial/published/{bulletin.pk}/audio/")
    assert int(enclosure.get("length")) > 0
    # The feed's audio is public: an anonymous client (a podcast app, an IP loudspeaker) fetches it.
    fetched = client.get(enclosure.get("url").removeprefix("http://testserver"))
    assert fetched.status_code == 200 and fetched["Content-Type"] == "audio/wav"
    assert fetched.content[:4] == b"RIFF"

    atom = ET.fromstring(client.get("/editorial/feeds/atom/").content)
    [entry] = atom.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "[Ưu tiên] Kỷ niệm 80 năm Quốc khánh 2/9"
    assert any(link.get("rel") == "enclosure" for link in entry.findall(f"{ATOM}link"))

    response = client.get("/editorial/feeds/json/")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    [entry] = feed["items"]
    ttcs = entry["_ttcs"]
    assert ttcs["priority"] == "priority" and ttcs["priority_label"] == "Ưu tiên"
    assert ttcs["air_from"] and ttcs["air_until"] and ttcs["revision"] == 1 and not ttcs["is_correction"]
    assert ttcs["audio_url"] == f"http://testserver/editorial/published/{bulletin.pk}/audio/{audio.pk}.wav"
    assert ttcs["audio_duration_seconds"] == audio.duration_seconds
    assert {t["code"] for t in ttcs["targets"]} == {unit("phuong_phuc_xa").code, unit("xa_minh_phu").code}
    assert entry["attachments"][0]["mime_type"] == "audio/wav"
    assert entry["date_published"] and "Đề nghị các phường" in entry["content_text"]
    # One unit's view of the feed.
    assert len(client.get(f"/editorial/feeds/json/?unit={unit('xa_minh_phu').code}").json()["items"]) == 1
    assert client.get(f"/editorial/feeds/json/?unit={unit('phuong_truc_bach').code}").json()["items"] == []


def test_feeds_escape_the_summary(demo, client):
    published(draft(summary='<script>alert("x")</script> & co'))
    description = ET.fromstring(client.get("/editorial/feeds/rss/").content).find("channel/item").findtext(
        "description")
    assert "<script>" not in description and "&lt;script&gt;" in description


# ------------------------------------------------------------------------------------------- Zalo outbox


def _groups():
    return [ZaloGroup.objects.create(name="Tuyên truyền viên toàn thành phố", group_id="g-all"),
            ZaloGroup.objects.create(name="Phúc Xá", group_id="g-phucxa", unit=unit("phuong_phuc_xa")),
            ZaloGroup.objects.create(name="Trúc Bạch", group_id="g-trucbach", unit=unit("phuong_truc_bach")),
            ZaloGroup.objects.create(name="Ngừng dùng", group_id="g-off", is_active=False)]


def test_publication_queues_one_message_per_addressed_group(demo):
    _groups()
    bulletin = published()
    messages = {m.group_id: m for m in ZaloMessage.objects.filter(bulletin=bulletin)}
    assert set(messages) == {"g-all", "g-phucxa"}
    text = messages["g-all"].text
    assert text.startswith("Kỷ niệm 80 năm Quốc khánh") and f"/editorial/published/{bulletin.pk}/" in text


def test_unconfigured_zalo_fails_clearly_without_retrying(demo):
    _groups()
    bulletin = published()
    assert services.zalo_outbox_deliver() == 0
    for message in ZaloMessage.objects.filter(bulletin=bulletin):
        assert message.status == ZaloMessage.Status.FAILED and message.attempts == 1
        assert "chưa cấu hình" in message.last_error
    failures = bulletin.deliveries.filter(channel="zalo", status="failed")
    assert failures.count() == 2 and "chưa cấu hình" in failures.first().detail
    assert services.zalo_outbox_deliver() == 0  # nothing due any more
    # After configuring, an Office user sends them again.
    message = ZaloMessage.objects.get(group_id="g-all")
    services.zalo_message_retry(message=message, user=u("vanphong"))
    assert fresh_message(message).status == ZaloMessage.Status.PENDING
    with pytest.raises(AlreadyDone):
        services.zalo_message_retry(message=message, user=u("vanphong"))


def fresh_message(message):
    return ZaloMessage.objects.get(pk=message.pk)


def test_file_sender_for_the_demo(demo, settings, django_capture_on_commit_callbacks):
    settings.ZALO_SENDER = "file"
    _groups()
    with django_capture_on_commit_callbacks(execute=True):  # publication sends right after commit
        bulletin = published()
    messages = ZaloMessage.objects.filter(bulletin=bulletin)
    assert {m.status for m in messages} == {ZaloMessage.Status.SENT}
    files = sorted(Path(settings.ZALO_OUTBOX_DIR).glob("*.json"))
    assert len(files) == 2
    payload = json.loads(files[0].read_text(encoding="utf-8"))
    assert payload["group_id"] in {"g-all", "g-phucxa"} and "Quốc khánh" in payload["text"]
    assert bulletin.deliveries.filter(channel="zalo", status="sent").count() == 2


class Flaky(ZaloSender):
    def __init__(self, failures: int):
        self.failures, self.calls = failures, 0

    def send(self, *, group_id, text, reference):
        self.calls += 1
        if self.calls <= self.failures:
            raise ZaloSendError("Hết thời gian chờ")
        return ZaloSendResult(external_id="zalo-42")


@time_machine.travel(NOW, tick=False)
def test_retries_with_backoff_then_gives_up(demo):
    ZaloGroup.objects.create(name="Nhóm", group_id="g1")
    published()
    now = timezone.now()
    sender = Flaky(failures=1)
    assert services.zalo_outbox_deliver(now=now, sender=sender) == 0
    message = ZaloMessage.objects.get()
    assert message.status == ZaloMessage.Status.PENDING and message.attempts == 1
    assert message.next_attempt_at == now + timezone.timedelta(minutes=1)
    assert services.zalo_outbox_deliver(now=now + timezone.timedelta(seconds=30), sender=sender) == 0  # not yet due
    assert services.zalo_outbox_deliver(now=now + timezone.timedelta(minutes=1), sender=sender) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.external_id) == (ZaloMessage.Status.SENT, 2, "zalo-42")
    assert list(message.deliveries.order_by("attempt").values_list("attempt", "status")) == [(1, "failed"), (2, "sent")]

    ZaloMessage.objects.filter(pk=message.pk).update(status="pending", attempts=0, next_attempt_at=now)
    always = Flaky(failures=99)
    moment = now
    for _ in range(services.publication.ZALO_MAX_ATTEMPTS):
        services.zalo_outbox_deliver(now=moment, sender=always)
        moment += timezone.timedelta(hours=2)
    message.refresh_from_db()
    assert message.status == ZaloMessage.Status.FAILED and message.attempts == services.publication.ZALO_MAX_ATTEMPTS


def test_a_claimed_message_is_not_sent_twice(demo):
    ZaloGroup.objects.create(name="Nhóm", group_id="g1")
    published()

    class Reentrant(ZaloSender):
        """While sending, another worker runs the outbox: it must find nothing to claim."""

        def __init__(self):
            self.sent, self.inner = [], None

        def send(self, *, group_id, text, reference):
            if self.inner is None:
                self.inner = services.zalo_outbox_deliver(sender=self)
            self.sent.append(reference)
            return ZaloSendResult()

    sender = Reentrant()
    assert services.zalo_outbox_deliver(sender=sender) == 1
    assert sender.inner == 0 and len(sender.sent) == 1


class _ZaloStub(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _ZaloStub.requests.append((self.headers["access_token"], body))
        group = body["recipient"]["group_id"]
        answer = {"error": 0, "message": "Success", "data": {"message_id": "m-1"}} if group == "ok" else {
            "error": -230, "message": "User has not interacted with the OA"}
        payload = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_api_sender_against_a_local_stub():
    server = HTTPServer(("127.0.0.1", 0), _ZaloStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sender = ZaloOAGroupSender("token-123", url=f"http://127.0.0.1:{server.server_port}/v3.0/oa/group/message")
        assert sender.send(group_id="ok", text="Xin chào", reference="r1").external_id == "m-1"
        assert _ZaloStub.requests[-1] == ("token-123", {"recipient": {"group_id": "ok"},
                                                        "message": {"text": "Xin chào"}})
        with pytest.raises(ZaloSendError) as error:
            sender.send(group_id="nope", text="x", reference="r2")
        assert not error.value.retryable and "-230" in str(error.value)
    finally:
        server.shutdown()
    with pytest.raises(ZaloSendError) as error:  # nothing listens there any more
        ZaloOAGroupSender("t", url=f"http://127.0.0.1:{server.server_port}/", timeout=2).send(
            group_id="ok", text="x", reference="r3")
    assert error.value.retryable


def test_sender_from_settings(settings, tmp_path):
    from editorial.zalo import UnconfiguredZaloSender, zalo_sender_from_settings

    assert isinstance(zalo_sender_from_settings(), UnconfiguredZaloSender)
    settings.ZALO_OA_ACCESS_TOKEN = "abc"
    assert isinstance(zalo_sender_from_settings(), ZaloOAGroupSender)
    settings.ZALO_SENDER = "file"
    sender = zalo_sender_from_settings()
    assert isinstance(sender, FileZaloSender) and sender.directory == Path(settings.ZALO_OUTBOX_DIR)


# ------------------------------------------------------------------------------------------ concurrency


@requires_postgres
@time_machine.travel(NOW, tick=False)
def test_concurrent_publishers_publish_once(demo_transactional):
    """The periodic job on two consumers and an Office click at the same moment: one publication."""
    bulletin = signed_off()
    services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"),
                               publish_at=timezone.now() + timezone.timedelta(seconds=1))
    Bulletin.objects.filter(pk=bulletin.pk).update(publish_at=timezone.now())
    barrier = threading.Barrier(3)
    results, errors = [], []

    def job(kind):
        from django.db import connection

        try:
            barrier.wait()
            if kind == "click":
                try:
                    services.bulletin_publish(bulletin=bulletin, user=u("vanphong"))
                    results.append(1)
                except AlreadyDone:
                    results.append(0)
            else:
                results.append(services.bulletins_publish_due())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=job, args=(k,)) for k in ("periodic", "periodic", "click")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sum(results) == 1
    assert BulletinEvent.objects.filter(bulletin=bulletin, kind=BulletinEvent.Kind.PUBLISHED).count() == 1
    assert ChannelDelivery.objects.filter(bulletin=bulletin).count() == 2
