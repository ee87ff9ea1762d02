"""An urgent email whose job was lost with its worker is still sent, once: by the periodic sweep, and after
the claim's lease when the worker died holding the claim (a BaseException stands for SIGKILL: our code
catches `Exception` only, so nothing after that point runs)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Delivery, Kind, Level, Notification

T0 = timezone.make_aware(datetime(2026, 3, 2, 9, 0))


class WorkerKilled(BaseException):
    pass


class DyingBackend(EmailBackend):
    def send_messages(self, messages):
        raise WorkerKilled


@pytest.fixture
def urgent(demo, user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_CLAIM_LEASE_SECONDS = 300
    officer = user("phuong_phuc_xa")
    officer.email = "phuong_phuc_xa@svhtt.hanoi.gov.vn"
    officer.save()
    with time_machine.travel(T0, tick=False), transaction.atomic():  # its after-commit job is lost: not run
        [n] = services.notify([officer], kind=Kind.EMERGENCY, level=Level.URGENT, title="Bão số 3: phát tin khẩn")
    return n


def test_an_urgent_email_whose_job_vanished_goes_out_with_the_sweep(urgent):
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert tasks.email_due_notifications.call_local() == 1
        assert tasks.email_due_notifications.call_local() == 0
    assert [m.to for m in mail.outbox] == [["phuong_phuc_xa@svhtt.hanoi.gov.vn"]]


def test_an_email_claimed_by_a_dead_worker_is_sent_once_after_the_lease(urgent, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DyingBackend"
    with time_machine.travel(T0, tick=False), pytest.raises(WorkerKilled):
        tasks.send_notification_emails.call_local([urgent.pk])
    urgent.refresh_from_db()
    assert (urgent.email_claimed_at, urgent.emailed_at) == (T0, None)  # claimed, never sent
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(T0 + timedelta(seconds=299), tick=False):
        assert tasks.email_due_notifications.call_local() == 0  # the claim still holds
    with time_machine.travel(T0 + timedelta(seconds=301), tick=False):
        assert tasks.email_due_notifications.call_local() == 1
        assert tasks.email_due_notifications.call_local() == 0
    urgent.refresh_from_db()
    assert urgent.emailed_at == T0 + timedelta(seconds=301)
    assert len(mail.outbox) == 1
    assert Delivery.objects.filter(notification=urgent, channel="email", status="sent").count() == 1
    assert Notification.objects.filter(pk=urgent.pk, emailed_at__isnull=True).count() == 0
