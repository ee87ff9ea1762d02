"""notify(): who receives, how often, and when the push leaves (after commit, never inside the transaction)."""

import asyncio
import json
import uuid

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.core import mail
from django.db import transaction

from notifications import push, selectors, services
from notifications.models import Delivery, EmailMode, Kind, Level, Notification, NotificationPreference
from notifications.push import RELAY_GROUP
from org.models import Unit
from org.selectors import people_of_unit
from tests.clock import hanoi


class Listener:
    """A channel in the relays' group, as a serving process has (a plain channel name: every async_to_sync
    here runs a new event loop); what it hears, sorted by user."""

    def __init__(self, layer):
        self.layer = layer
        self.channel = f"test.relay.{uuid.uuid4().hex}"
        self.heard: dict[int, list[dict]] = {}
        async_to_sync(layer.group_add)(RELAY_GROUP, self.channel)

    def drain(self, user_id: int, timeout=0.2) -> list[dict]:
        """The messages for `user_id` since the last drain."""
        async def run():
            while True:
                try:
                    batch = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
                except TimeoutError:
                    return
                for uid, message in batch["deliveries"]:
                    self.heard.setdefault(uid, []).append(message)

        async_to_sync(run)()
        return self.heard.pop(user_id, [])


def test_unit_recipients_resolve_to_people_once_each(demo, user):
    board = Unit.objects.get(code="SVHTT-BBT")
    bientap1 = user("bientap1")
    rows = services.notify(
        [board, bientap1, board, bientap1.pk], kind=Kind.BULLETIN_RETURNED, title="Bản tin cần sửa",
        actor=user("giamdoc"),
    )
    expected = set(people_of_unit(board).values_list("pk", flat=True))
    board_people = set(people_of_unit(board).values_list("username", flat=True))
    assert {"truongban", "bientap1", "bientap2", "bientap3"} <= board_people
    assert {n.recipient_id for n in rows} == expected
    assert len(rows) == len(expected) == Notification.objects.count()
    assert all(n.pk and n.actor.username == "giamdoc" for n in rows)


def test_inactive_people_are_not_notified(demo, user):
    bientap2 = user("bientap2")
    bientap2.is_active = False
    bientap2.save()
    rows = services.notify(Unit.objects.get(code="SVHTT-BBT"), kind=Kind.QUEUE_TASK, title="Việc mới")
    assert bientap2.pk not in {n.recipient_id for n in rows}
    assert services.notify([bientap2], kind=Kind.QUEUE_TASK, title="Việc mới") == []


def test_rows_are_written_in_bulk(demo, user, django_assert_max_num_queries):
    district_units = list(Unit.objects.filter(kind="district", structure="2025"))
    assert len(district_units) == 30
    with django_assert_max_num_queries(8):  # resolve, users, preferences, insert, savepoint pair
        rows = services.notify(district_units, kind=Kind.DIRECTIVE_RECEIVED, title="Văn bản chỉ đạo mới")
    assert len(rows) >= 30


def test_push_waits_for_commit(demo, user, channel_layer, django_capture_on_commit_callbacks):
    bientap1 = user("bientap1")
    listener = Listener(channel_layer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            services.notify([bientap1], kind=Kind.TASK_ASSIGNED, title="Bản tin mới cần duyệt", link="/inbox/")
            assert listener.drain(bientap1.pk) == []  # nothing inside the transaction
        assert listener.drain(bientap1.pk) == []  # nor before the outermost commit
    assert len(callbacks) == 1
    [message] = listener.drain(bientap1.pk)
    assert message["type"] == "notification" and set(message) == {"type", "notification"}
    payload = message["notification"]
    assert payload["title"] == "Bản tin mới cần duyệt" and payload["link"] == "/inbox/"
    assert payload["kind"] == "task_assigned" and payload["kind_label"] == "Việc mới trong hộp việc"
    assert payload["level"] == "info" and payload["read"] is False
    assert json.loads(json.dumps(message)) == message  # what the browser gets is plain JSON
    # A push the layer took leaves no row (the browser that was away catches up from the notification); it
    # is counted for the metrics.
    assert not Delivery.objects.filter(notification_id=payload["id"]).exists()
    assert push.sent_count() >= 1


def test_a_failed_hand_over_leaves_a_row_per_notification(demo, user, monkeypatch, django_capture_on_commit_callbacks):
    a, b = user("bientap1"), user("bientap2")
    monkeypatch.setattr(push, "send", lambda deliveries: [ConnectionError("redis down")] * len(deliveries))
    before = push.sent_count()
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.notify([a, b], kind=Kind.TASK_ASSIGNED, title="Việc mới")
    failed = Delivery.objects.filter(notification__in=rows)
    assert sorted(failed.values_list("channel", "status")) == [(Delivery.Channel.WEBSOCKET, Delivery.Status.FAILED)] * 2
    assert all("redis down" in d.error for d in failed) and push.sent_count() == before
    # The rows are there: both browsers get them on their next (re)connect.
    assert {n.recipient_id for n in Notification.objects.filter(title="Việc mới")} == {a.pk, b.pk}


def test_rolled_back_caller_notifies_nobody(demo, user, channel_layer, django_capture_on_commit_callbacks):
    bientap1 = user("bientap1")
    listener = Listener(channel_layer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.notify([bientap1], kind=Kind.TASK_ASSIGNED, title="Sẽ bị hủy")
            raise RuntimeError("the caller's work failed")
    assert callbacks == [] and listener.drain(bientap1.pk) == []
    assert not Notification.objects.exists()


def test_push_reaches_only_the_recipients(demo, user, channel_layer, django_capture_on_commit_callbacks):
    a, b, outsider = user("bientap1"), user("bientap2"), user("phongtt")
    listener = Listener(channel_layer)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([a, b], kind=Kind.BULLETIN_PUBLISHED, title="Đã phát hành")
    assert len(listener.drain(a.pk)) == 1
    assert len(listener.drain(b.pk)) == 1
    assert listener.drain(outsider.pk) == []


def test_dedupe_key_makes_a_repeat_a_no_op(demo, user, channel_layer, django_capture_on_commit_callbacks):
    commune = Unit.objects.get(codename="phuong_phuc_xa", structure="2025")
    officer = user("phuong_phuc_xa")
    listener = Listener(channel_layer)
    with django_capture_on_commit_callbacks(execute=True):
        overdue = {"kind": Kind.OVERDUE, "level": Level.URGENT, "title": "Quá hạn", "dedupe_key": "overdue:7"}
        first = services.notify([commune], **overdue)
        again = services.notify([commune], **overdue)
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(dedupe_key="overdue:7").count() == 1
    assert len(listener.drain(officer.pk)) == 1
    # The key is per recipient: someone new still gets it once; another key is another notification.
    district = user("quan_ba_dinh")
    rows = services.notify([commune, district], kind=Kind.OVERDUE, title="Quá hạn", dedupe_key="overdue:7")
    assert [n.recipient_id for n in rows] == [district.pk]
    assert len(services.notify([officer], kind=Kind.OVERDUE, title="Quá hạn", dedupe_key="overdue:8")) == 1


def test_dedupe_key_race_skips_the_rows_another_call_wrote(demo, user):
    """Two concurrent calls both pass the pre-check (on PostgreSQL there is none); the unique constraint
    decides, per recipient."""
    a, b = user("bientap1"), user("bientap2")
    Notification.objects.create(recipient=b, kind=Kind.ESCALATION, title="x", dedupe_key="esc:1")
    template = Notification(kind=Kind.ESCALATION, title="x", dedupe_key="esc:1")
    written = services._insert(template, [a.pk, b.pk], {a.pk: None, b.pk: None})
    assert [uid for _pk, uid in written] == [a.pk]
    assert Notification.objects.get(pk=written[0][0]).recipient == a
    assert Notification.objects.filter(dedupe_key="esc:1").count() == 2


def test_bad_arguments_are_refused(demo, user):
    with pytest.raises(ValueError):
        services.notify([user("bientap1")], kind="made_up", title="x")
    with pytest.raises(ValueError):
        services.notify([user("bientap1")], kind=Kind.EMERGENCY, level="loud", title="x")
    with pytest.raises(ValueError):
        services.notify([user("bientap1")], kind=Kind.EMERGENCY, title="x", link="https://example.com/")
    with pytest.raises(TypeError):
        services.notify(["bientap1"], kind=Kind.EMERGENCY, title="x")
    assert services.notify([], kind=Kind.EMERGENCY, title="x") == []


def test_mark_read_touches_only_own_rows_and_tells_every_tab(demo, user, channel_layer,
                                                            django_capture_on_commit_callbacks):
    me, other = user("bientap1"), user("bientap2")
    mine = services.notify([me], kind=Kind.DUE_SOON, title="Sắp đến hạn")
    mine += services.notify([me], kind=Kind.DUE_SOON, title="Sắp đến hạn 2")
    theirs = services.notify([other], kind=Kind.DUE_SOON, title="Của người khác")
    listener = Listener(channel_layer)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_read(me, [mine[0].pk, theirs[0].pk]) == 1
        assert services.mark_read(me, [mine[0].pk]) == 0  # already read: no second event
    assert listener.drain(me.pk) == [{"type": "read", "ids": [mine[0].pk], "all": False, "unread": 1}]
    assert Notification.objects.get(pk=theirs[0].pk).read_at is None
    assert selectors.unread_count(me) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mark_all_read(me) == 1
    assert listener.drain(me.pk) == [{"type": "read", "ids": [], "all": True, "unread": 0}]
    assert selectors.unread_count(me) == 0 and selectors.unread_count(other) == 1


def test_selectors_since_and_recent(demo, user):
    me = user("bientap1")
    rows = [services.notify([me], kind=Kind.TASK_ASSIGNED, title=f"Việc {i}")[0] for i in range(5)]
    ids = [n.pk for n in rows]
    since = selectors.notifications_since(me, ids[1], limit=10)
    assert [n.pk for n in since.notifications] == ids[2:] and not since.truncated and since.last_id == ids[-1]
    capped = selectors.notifications_since(me, 0, limit=2)
    assert [n.pk for n in capped.notifications] == ids[3:] and capped.truncated  # the newest, oldest first
    fresh = selectors.notifications_since(me, None)
    assert fresh.notifications == [] and fresh.last_id == ids[-1]
    assert [n.pk for n in selectors.recent(me, 3)] == ids[::-1][:3]
    assert selectors.notifications_since(user("bientap2"), None).last_id == 0


# ------------------------------------------------------------------------------------------------- email


@pytest.fixture
def with_email(user):
    def give(username: str, email: str | None = None):
        u = user(username)
        u.email = f"{username}@svhtt.hanoi.gov.vn" if email is None else email
        u.save()
        return u

    return give


def test_urgent_goes_by_email_right_after_commit(demo, with_email, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer = with_email("phuong_phuc_xa")
    quiet = with_email("quan_ba_dinh")
    NotificationPreference.objects.create(user=quiet, kind=Kind.EMERGENCY, email_mode=EmailMode.NEVER)
    no_address = with_email("bientap1", email="")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify([officer, quiet, no_address], kind=Kind.EMERGENCY, level=Level.URGENT,
                        title="Bão số 3: phát bản tin khẩn", body="Phát ngay 3 lần.",
                        link="/coordination/directives/1/")
        assert mail.outbox == []  # not inside the transaction
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "Bão số 3: phát bản tin khẩn" in message.subject and "KHẨN" in message.subject
    assert f"{settings.SITE_URL}/coordination/directives/1/" in message.body
    assert "Kính gửi" in message.body
    n = Notification.objects.get(recipient=officer)
    assert n.emailed_at is not None
    assert Delivery.objects.filter(notification=n, channel="email", status="sent").count() == 1
    # The periodic sweep finds nothing left to send.
    assert services.send_due_emails() == 0 and len(mail.outbox) == 1


@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the e-mail is due minutes after now, checked from now
def test_unread_after_minutes_is_sent_once_and_only_if_still_unread(demo, with_email, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reader, forgetful, default = with_email("bientap1"), with_email("bientap2"), with_email("bientap3")
    for u in (reader, forgetful):
        NotificationPreference.objects.create(user=u, kind=Kind.TASK_ASSIGNED, email_mode=EmailMode.WHEN_UNREAD,
                                              minutes=10)
    rows = {n.recipient_id: n for n in services.notify([reader, forgetful, default], kind=Kind.TASK_ASSIGNED,
                                                       title="Bản tin chờ duyệt")}
    assert rows[default.pk].email_due_at is None  # urgent_only by default, and this is not urgent
    services.mark_read(reader, [rows[reader.pk].pk])
    assert services.send_due_emails() == 0  # not due yet
    later = timezone.now() + timedelta(minutes=11)
    assert services.send_due_emails(now=later) == 1
    assert services.send_due_emails(now=later) == 0  # claimed: never twice
    assert [m.to for m in mail.outbox] == [[forgetful.email]]


def test_the_claim_is_a_conditional_update(demo, with_email, settings):
    """Two workers that both selected the row: only the one whose UPDATE matched sends."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer = with_email("phuong_phuc_xa")
    with transaction.atomic():
        [n] = services.notify([officer], kind=Kind.EMERGENCY, level=Level.URGENT, title="Khẩn")
    Notification.objects.filter(pk=n.pk).update(emailed_at=n.created_at)  # the other worker won
    assert services.send_due_emails(ids=[n.pk]) == 0 and mail.outbox == []


def test_failed_email_is_recorded(demo, with_email, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    officer = with_email("phuong_phuc_xa")
    with transaction.atomic():
        [n] = services.notify([officer], kind=Kind.EMERGENCY, level=Level.URGENT, title="Khẩn")
    services.send_due_emails(ids=[n.pk])
    delivery = Delivery.objects.get(notification=n, channel="email")
    assert delivery.status == Delivery.Status.FAILED and delivery.error


def test_periodic_task_runs_every_minute():
    from datetime import datetime

    from huey.contrib.djhuey import HUEY

    from notifications import tasks

    for minute in (0, 7, 59):
        due = {type(t) for t in HUEY.read_periodic(datetime(2025, 9, 2, 8, minute))}
        assert tasks.email_due_notifications.task_class in due


def test_preferences_service(demo, user):
    me = user("bientap1")
    services.set_email_preferences(me, {Kind.OVERDUE: (EmailMode.WHEN_UNREAD, 15)})
    assert selectors.email_preferences(me)[Kind.OVERDUE] == ("when_unread_after_minutes", 15)
    assert selectors.email_preferences(me)[Kind.DUE_SOON] == ("urgent_only", 30)
    with pytest.raises(ValueError):
        services.set_email_preferences(me, {Kind.OVERDUE: ("sometimes", 15)})


def test_captured_pushes_helper_for_other_apps(demo, user, django_capture_on_commit_callbacks):
    from notifications.testing import captured_pushes

    me = user("bientap1")
    with captured_pushes() as pushed, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.notify([me], kind=Kind.REPORT_ACCEPTED, title="Báo cáo được chấp nhận", body="x" * 2000)
            assert pushed == []
    [(user_id, message)] = pushed
    assert user_id == me.pk and message["notification"]["title"] == "Báo cáo được chấp nhận"
    assert len(message["notification"]["body"]) == 500  # pushes stay small
