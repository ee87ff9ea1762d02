"""Audio bound to a revision: a real espeak-ng rendering in the background job, uploads, confirmation, and
voiding when the approved text changes."""

import re
import shutil
import wave
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import AlreadyDone
from editorial import services, signals
from editorial.models import Bulletin, BulletinAudio, EditorialSettings
from editorial.speech import estimate_air_time_seconds
from tests.clock import hanoi
from tests.editorial.helpers import approved, confirmed_recording, draft, fresh, recording, submit, u, upload, wav_bytes


@pytest.fixture
def espeak():
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed (Debian package espeak-ng; `make test` installs it)")


def test_rendering_with_espeak_gives_a_duration_that_fits_the_text(demo, espeak, client,
                                                                   django_capture_on_commit_callbacks, settings):
    bulletin = draft()
    submit(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        audio = services.audio_request(bulletin=bulletin, user=u("phongtt"))
    audio.refresh_from_db()
    assert audio.status == BulletinAudio.Status.READY, audio.error
    assert audio.backend == "espeak" and audio.voice == "vi"
    path = Path(settings.PRIVATE_MEDIA_ROOT) / audio.file.name
    assert path.is_file() and not (Path(settings.MEDIA_ROOT) / audio.file.name).exists()
    unguessable = rf"editorial/audio/{bulletin.pk}/r1-{audio.pk}-[0-9a-f]{{32}}\.wav"
    assert re.fullmatch(unguessable, audio.file.name)
    with wave.open(str(path)) as wav:
        assert audio.duration_seconds == pytest.approx(wav.getnframes() / wav.getframerate(), abs=0.01)
    revision = fresh(bulletin).current_revision
    estimate = estimate_air_time_seconds(revision.spoken_text, revision.words_per_minute)
    assert estimate == revision.estimated_air_seconds
    # espeak reads at the bulletin's rate; pauses at punctuation make it somewhat longer than the word count.
    assert 0.6 * estimate <= audio.duration_seconds <= 2.0 * estimate
    # The page's progress endpoint reports it done with the duration.
    client.force_login(u("phongtt"))
    data = client.get(f"/editorial/audio/{audio.pk}/status/").json()
    assert data["done"] and data["status"] == "ready" and data["url"] == f"/editorial/audio/{audio.pk}/file/"
    assert client.get(data["url"]).content == path.read_bytes()
    assert data["duration_seconds"] == audio.duration_seconds
    # Running the job again does nothing: the row was claimed once.
    assert services.audio_render(audio_id=audio.pk).rendered_at == audio.rendered_at


def test_slower_reading_gives_longer_audio(demo, espeak, django_capture_on_commit_callbacks):
    durations = []
    for wpm in (110, 220):
        bulletin = draft(words_per_minute=wpm, title=f"Tin {wpm}")
        submit(bulletin)
        with django_capture_on_commit_callbacks(execute=True):
            audio = services.audio_request(bulletin=bulletin, user=u("phongtt"))
        audio.refresh_from_db()
        durations.append(audio.duration_seconds)
    assert durations[0] > durations[1] * 1.4


def test_a_failed_rendering_is_recorded(demo, django_capture_on_commit_callbacks):
    bulletin = draft()
    submit(bulletin)
    with django_capture_on_commit_callbacks(execute=True):
        audio = services.audio_request(bulletin=bulletin, user=u("phongtt"), voice="zz-no-such-voice")
    audio.refresh_from_db()
    assert audio.status == BulletinAudio.Status.FAILED and "exit code" in audio.error
    assert not audio.file


def test_piper_needs_a_configured_voice(demo):
    bulletin = draft()
    submit(bulletin)
    with pytest.raises(ValidationError, match="Piper"):
        services.audio_request(bulletin=bulletin, user=u("phongtt"), engine="piper")


def test_audio_needs_a_submitted_revision_and_the_right_people(demo):
    bulletin = draft()
    with pytest.raises(ValidationError, match="trình duyệt"):
        services.audio_request(bulletin=bulletin, user=u("phongtt"))
    submit(bulletin)
    for username in ("truyenthong", "bientap1", "phuong_phuc_xa"):
        with pytest.raises(PermissionDenied):
            services.audio_request(bulletin=bulletin, user=u(username))
    services.audio_request(bulletin=bulletin, user=u("truongban"))  # the Board's secretary may


def test_uploaded_recording_is_measured(demo):
    bulletin = draft()
    submit(bulletin)
    audio = services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=recording(3.0))
    assert audio.status == BulletinAudio.Status.READY and audio.duration_seconds == 3.0
    assert audio.backend == BulletinAudio.Backend.UPLOAD
    with pytest.raises(ValidationError, match="WAV"):
        services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=upload("ban-thu.mp3", b"ID3"))
    with pytest.raises(ValidationError, match="không khớp với phần mở rộng .wav"):
        services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=upload("fake.wav", b"MZ" + b"\0" * 40))
    broken = b"RIFF\x00\x00\x00\x00WAVE" + b"\0" * 10
    with pytest.raises(ValidationError, match="Không đọc được"):
        services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=upload("broken.wav", broken))
    config = EditorialSettings.current()
    config.max_recording_mb = 0
    config.save()
    with pytest.raises(ValidationError, match="MB"):
        services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=upload("a.wav", wav_bytes(0.1)))
    assert BulletinAudio.objects.count() == 1


def test_confirm_only_the_approved_revisions_audio(demo):
    bulletin = draft()
    submit(bulletin)
    early = services.audio_upload(bulletin=bulletin, user=u("phongtt"), file=recording())
    with pytest.raises(ValidationError, match="vừa được Ban biên tập duyệt"):
        services.audio_confirm(audio=early, user=u("phongtt"))
    bulletin = fresh(bulletin)
    from tests.editorial.helpers import decide, open_round

    open_round(bulletin, ["bientap1"])
    decide(bulletin, "bientap1")
    services.bulletin_mark_approved(bulletin=bulletin)
    first = services.audio_confirm(audio=early, user=u("phongtt"))  # same revision, now approved
    assert first.is_confirmed
    with pytest.raises(AlreadyDone):
        services.audio_confirm(audio=first, user=u("phongtt"))
    second = services.audio_upload(bulletin=bulletin, user=u("truongban"), file=recording(4.0))
    services.audio_confirm(audio=second, user=u("truongban"))
    first.refresh_from_db()
    assert first.voided_at is not None and not first.is_confirmed  # replaced
    with pytest.raises(PermissionDenied):
        services.audio_confirm(audio=second, user=u("bientap2"))


@pytest.mark.parametrize("stage", ["approved", "signed_off", "scheduled"])
@time_machine.travel(hanoi(2026, 12, 2, 9), tick=False)  # the publication time and the air window are set from now
def test_a_text_change_after_approval_voids_the_approval_and_the_audio(demo, stage):
    from django.utils import timezone

    bulletin = approved()
    audio = confirmed_recording(bulletin)
    if stage != "approved":
        services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))
    if stage == "scheduled":
        services.bulletin_schedule(bulletin=bulletin, user=u("vanphong"),
                                   publish_at=timezone.now() + timezone.timedelta(hours=2))
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.approval_voided.connect(receiver)
    try:
        # Moving the air window is not a text change.
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={
            "air_until": timezone.now() + timezone.timedelta(days=3)})
        assert fresh(bulletin).status != Bulletin.Status.DRAFT and not received
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": "Tiêu đề đã sửa"})
    finally:
        signals.approval_voided.disconnect(receiver)
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.DRAFT
    assert bulletin.approved_revision is None and bulletin.signed_off_by is None and bulletin.publish_at is None
    assert "thay đổi sau khi được duyệt" in bulletin.status_reason
    audio.refresh_from_db()
    assert audio.voided_at is not None and not audio.is_confirmed
    assert len(received) == 1 and received[0]["revision"].number == 1
    # Approval again needs a new submission (revision 2) and a new recording.
    assert submit(bulletin).number == 2
    assert services.audio_revision(fresh(bulletin)).number == 2


def test_a_new_attachment_after_approval_also_voids_it(demo):
    from tests.editorial.helpers import PNG

    bulletin = approved()
    confirmed_recording(bulletin)
    services.attachment_add(bulletin=bulletin, user=u("phongtt"), file=upload("anh.png", PNG))
    assert fresh(bulletin).status == Bulletin.Status.DRAFT
    assert not BulletinAudio.objects.filter(voided_at__isnull=True, confirmed_at__isnull=False).exists()
