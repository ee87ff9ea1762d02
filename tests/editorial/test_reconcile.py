"""Editorial background work survives a worker that dies mid-job (huey has already taken the job off the
queue): renderings are found again by `reconcile_audio_renders`, Zalo messages by the periodic delivery once
their claim's lease ends, scheduled bulletins by `publish_due_bulletins`. Each does its work once.

A worker's death is played by raising a BaseException where the job would be killed: our code catches
`Exception` only, so nothing after that point runs, as with SIGKILL (tests/workflows/directive/test_reconcile_kill.py
kills a real consumer)."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from editorial import selectors, services, signals, tasks
from editorial.models import Bulletin, BulletinAudio, BulletinEvent, ChannelDelivery, ZaloGroup, ZaloMessage
from editorial.speech import EspeakBackend
from editorial.zalo import ZaloSender, ZaloSendResult
from tests.editorial.helpers import draft, fresh, published, signed_off, submit, u

T0 = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler of ours records anything."""


def queued_audio(django_capture_on_commit_callbacks) -> BulletinAudio:
    """A rendering requested whose job never ran (the after-commit enqueue is not executed)."""
    bulletin = draft()
    submit(bulletin)
    with django_capture_on_commit_callbacks(execute=False):
        audio = services.audio_request(bulletin=bulletin, user=u("phongtt"))
    return audio


# ----------------------------------------------------------------------------------------------- audio


def test_a_queued_rendering_whose_job_vanished_is_queued_again_after_the_grace(
        demo, settings, django_capture_on_commit_callbacks):
    settings.AUDIO_QUEUED_GRACE_SECONDS = 120
    with time_machine.travel(T0, tick=False):
        audio = queued_audio(django_capture_on_commit_callbacks)
    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        assert selectors.audio_renders_stalled() == []
        assert tasks.reconcile_audio_renders.call_local() == []
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False):
        assert selectors.audio_renders_stalled() == [audio.pk]
        assert tasks.reconcile_audio_renders.call_local() == [audio.pk]  # huey is immediate in tests: rendered now
        assert selectors.audio_renders_stalled() == []
    audio.refresh_from_db()
    assert audio.status == BulletinAudio.Status.READY, audio.error
    assert Path(settings.PRIVATE_MEDIA_ROOT, audio.file.name).is_file()


def test_a_rendering_whose_worker_died_is_claimed_again_only_after_the_lease(
        demo, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.AUDIO_RENDER_LEASE_SECONDS = 600
    with time_machine.travel(T0, tick=False):
        audio = queued_audio(django_capture_on_commit_callbacks)
        with monkeypatch.context() as patched:
            patched.setattr(EspeakBackend, "render", lambda *a, **k: (_ for _ in ()).throw(WorkerKilled()))
            with pytest.raises(WorkerKilled):
                services.audio_render(audio_id=audio.pk)
    audio.refresh_from_db()
    assert (audio.status, audio.render_started_at) == (BulletinAudio.Status.RENDERING, T0)  # "Đang tạo âm thanh"
    with time_machine.travel(T0 + timedelta(seconds=599), tick=False):
        assert selectors.audio_renders_stalled() == []
        assert services.audio_render(audio_id=audio.pk).status == BulletinAudio.Status.RENDERING  # a duplicate
    with time_machine.travel(T0 + timedelta(seconds=601), tick=False):
        assert selectors.audio_renders_stalled() == [audio.pk]
        tasks.reconcile_audio_renders.call_local()
    audio.refresh_from_db()
    assert audio.status == BulletinAudio.Status.READY, audio.error
    assert selectors.audio_renders_stalled(T0 + timedelta(days=1)) == []


def test_a_slow_original_finishing_after_a_new_claim_changes_nothing(
        demo, settings, monkeypatch, django_capture_on_commit_callbacks):
    """The lease ran out while the first job was still rendering: the second claims and records its file; the
    first one's result is dropped (and its file removed), so one recording is kept."""
    settings.AUDIO_RENDER_LEASE_SECONDS = 600
    audio = queued_audio(django_capture_on_commit_callbacks)
    real_render = EspeakBackend.render
    written = []

    def slow(self, text, path):
        written.append(path)
        if len(written) == 1:  # the original, still running when the reconciler's job claims it again
            with time_machine.travel(timezone.now() + timedelta(seconds=601), tick=False):
                assert services.audio_render(audio_id=audio.pk).status == BulletinAudio.Status.READY
        return real_render(self, text, path)

    monkeypatch.setattr(EspeakBackend, "render", slow)
    services.audio_render(audio_id=audio.pk)
    audio.refresh_from_db()
    assert audio.status == BulletinAudio.Status.READY
    original, second = written
    assert Path(settings.PRIVATE_MEDIA_ROOT, audio.file.name) == second and second.is_file()
    assert not original.exists()


# ------------------------------------------------------------------------------------------------ Zalo


class RecordingSender(ZaloSender):
    sent: list[str] = []
    die = False

    def send(self, *, group_id, text, reference):
        if RecordingSender.die:
            RecordingSender.die = False
            raise WorkerKilled
        RecordingSender.sent.append(reference)
        return ZaloSendResult(external_id=reference)


def test_a_zalo_message_claimed_by_a_dead_worker_is_sent_once_after_its_lease(demo, settings):
    settings.ZALO_SENDER = f"{__name__}.RecordingSender"
    settings.ZALO_CLAIM_LEASE_SECONDS = 90
    RecordingSender.sent, RecordingSender.die = [], True
    ZaloGroup.objects.create(name="Nhóm tuyên truyền viên", group_id="g1")
    with time_machine.travel(T0, tick=False):
        bulletin = published()  # its after-commit send is not run in this rolled-back test: run it, and die
        with pytest.raises(WorkerKilled):
            services.zalo_outbox_deliver()
    message = ZaloMessage.objects.get(bulletin=bulletin)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 1, T0 + timedelta(seconds=90))
    with time_machine.travel(T0 + timedelta(seconds=89), tick=False):
        assert tasks.deliver_zalo_messages_periodic.call_local() == 0  # still claimed
    with time_machine.travel(T0 + timedelta(seconds=91), tick=False):
        assert tasks.deliver_zalo_messages_periodic.call_local() == 1
        assert tasks.deliver_zalo_messages_periodic.call_local() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (ZaloMessage.Status.SENT, 2)
    assert RecordingSender.sent == [f"ttcs-zalo-{message.pk}"]
    assert message.deliveries.filter(channel=ChannelDelivery.Channel.ZALO, status="sent").count() == 1


# ------------------------------------------------------------------------------------------ publication


def test_a_scheduled_publication_whose_worker_died_is_published_once_by_the_next_run(demo):
    """The claim and the publication are one transaction: a worker dying half-way leaves the bulletin
    scheduled ("Đã hẹn giờ phát hành"), and the every-minute job publishes it once."""
    with time_machine.travel(T0, tick=False):
        bulletin = signed_off()
        services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"), publish_at=T0 + timedelta(hours=1))

    def killed(**kwargs):
        raise WorkerKilled

    signals.bulletin_published.connect(killed, dispatch_uid="test-killed")
    try:
        with time_machine.travel(T0 + timedelta(hours=1, minutes=1), tick=False), pytest.raises(WorkerKilled):
            tasks.publish_due_bulletins.call_local()
    finally:
        signals.bulletin_published.disconnect(dispatch_uid="test-killed")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SCHEDULED
    assert not bulletin.deliveries.exists() and not bulletin.zalo_messages.exists()

    with time_machine.travel(T0 + timedelta(hours=1, minutes=2), tick=False):
        assert tasks.publish_due_bulletins.call_local() == 1
        assert tasks.publish_due_bulletins.call_local() == 0
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.PUBLISHED
    assert bulletin.events.filter(kind=BulletinEvent.Kind.PUBLISHED).count() == 1
    assert bulletin.deliveries.filter(channel=ChannelDelivery.Channel.PORTAL_FEED).count() == 1

