"""The failed-work page: a Zalo message that failed three times is listed with its Vietnamese error and attempts;
"Gửi lại" sends it once (a second press changes nothing); other stuck work shows too; only operators see it."""

import time_machine
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import ZaloGroup, ZaloMessage
from editorial.zalo import ZaloSender, ZaloSendError, ZaloSendResult
from outreach import services as outreach
from outreach.models import Channel, Delivery
from tests.clock import hanoi
from tests.editorial.helpers import published, u
from tests.workflows.directive.helpers import unit


class Down(ZaloSender):
    def send(self, *, group_id, text, reference):
        raise ZaloSendError("Máy chủ Zalo không trả lời")


class Up(ZaloSender):
    sent = 0

    def send(self, *, group_id, text, reference):
        Up.sent += 1
        return ZaloSendResult(external_id=f"z-{Up.sent}")


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the message is queued, retried and due by this clock
def test_a_zalo_send_failed_three_times_is_listed_and_retried_once(demo, admin_client, monkeypatch, settings):
    monkeypatch.setattr(services.publication, "ZALO_MAX_ATTEMPTS", 3)
    ZaloGroup.objects.create(name="Nhóm phường", group_id="g-px")
    published()
    moment = timezone.now()
    for _ in range(3):
        services.zalo_outbox_deliver(now=moment, sender=Down())
        moment += timezone.timedelta(hours=2)
    message = ZaloMessage.objects.get()
    assert (message.status, message.attempts) == (ZaloMessage.Status.FAILED, 3)

    url = reverse("failed_work")
    page = admin_client.get(url).content.decode()
    row = page.split('data-kind="zalo"')[1].split("</tr>")[0]
    assert "Tin nhắn Zalo" in row and "Máy chủ Zalo không trả lời" in row and "<td>3</td>" in row

    settings.ZALO_SENDER = "tests.ops.test_failed_work.Up"
    Up.sent = 0
    response = admin_client.post(url, {"kind": "zalo", "pk": message.pk}, follow=True)
    assert "Đã đưa lại vào hàng chờ" in response.content.decode()
    services.zalo_outbox_deliver(now=timezone.now(), sender=Up())
    message.refresh_from_db()
    assert message.status == ZaloMessage.Status.SENT and Up.sent == 1
    again = admin_client.post(url, {"kind": "zalo", "pk": message.pk}, follow=True).content.decode()
    assert "không còn lỗi" in again
    services.zalo_outbox_deliver(now=timezone.now() + timezone.timedelta(hours=1), sender=Up())
    assert Up.sent == 1  # sent once
    assert 'data-kind="zalo"' not in admin_client.get(url).content.decode()


def test_other_failed_work_is_listed_and_retried(demo, admin_client, settings):
    settings.OUTREACH_SMS_SENDER = ""
    person, _c = outreach.propagandist_save(unit=unit("xa_minh_phu"), full_name="Đỗ Văn Bảy", phone="0988111222",
                                            channel=Channel.SMS)
    outreach.deliveries_create(bulletin_id=1, revision=1, title="Thử", units=[person.unit])
    outreach.outbox_deliver(link_of=lambda d: "http://x/")
    delivery = Delivery.objects.get(propagandist=person)
    page = admin_client.get(reverse("failed_work")).content.decode()
    assert 'data-kind="outreach"' in page and "chưa cấu hình" in page
    admin_client.post(reverse("failed_work"), {"kind": "outreach", "pk": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_only_operators_see_it(demo, client):
    url = reverse("failed_work")
    assert client.get(url).status_code == 302
    client.force_login(u("phongtt"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"kind": "zalo", "pk": 1}).status_code == 403
