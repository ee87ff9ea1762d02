"""An emergency bulletin skips the Board, not its sound: the leader's approval renders the recording and confirms
it in their name; publication waits for a confirmed recording, which the JSON feed then carries."""

import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from editorial import services as editorial
from editorial.feeds import published_audio_url
from editorial.models import BulletinAudio, BulletinEvent
from tests.editorial.helpers import draft, recording, u
from tests.workflows.bulletin.helpers import bulletin_task, publish_now
from workflows import engine
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow


@pytest.fixture(autouse=True)
def no_zalo(settings):
    settings.ZALO_SENDER = ""


@pytest.fixture
def espeak():
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed (Debian package espeak-ng; `make test` installs it)")


def submitted_emergency():
    bulletin = draft(priority="emergency", title="Khẩn cấp: bão số 3 đổ bộ, sơ tán ngay")
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    return bulletin


def approve_emergency(bulletin):
    engine.task_run(bulletin_task(bulletin, BulletinFlow.approve_emergency), u("phogiamdoc"),
                      bulletin_steps.approve_emergency_step)


def test_published_emergency_has_a_confirmed_recording_in_the_json_feed(demo, espeak, client,
                                                                        django_capture_on_commit_callbacks):
    bulletin = submitted_emergency()
    with django_capture_on_commit_callbacks(execute=True):  # the rendering job runs after the approval's commit
        approve_emergency(bulletin)
    audio = BulletinAudio.objects.get(revision__bulletin=bulletin)
    assert audio.status == BulletinAudio.Status.READY, audio.error
    assert audio.confirmed_by == u("phogiamdoc") and audio.confirmed_at is not None
    assert bulletin.events.filter(kind=BulletinEvent.Kind.AUDIO_CONFIRMED).exists()

    publish_now(bulletin, django_capture_on_commit_callbacks)
    feed = client.get("/editorial/feeds/json/").json()
    [item] = [i for i in feed["items"] if i["id"] == f"ttcs-bulletin-{bulletin.pk}"]
    assert item["_ttcs"]["priority"] == "emergency"
    assert item["_ttcs"]["audio_url"].endswith(published_audio_url(bulletin, audio))
    assert item["_ttcs"]["audio_duration_seconds"] == audio.duration_seconds > 0
    assert item["attachments"][0]["mime_type"] == "audio/wav"
    assert Path(audio.file.path).stat().st_size > 1000
    public = client.get(published_audio_url(bulletin, audio))  # anyone may fetch a published recording
    assert public.status_code == 200


def test_publication_waits_for_the_recording_and_the_approver_may_supply_it(demo, client,
                                                                            django_capture_on_commit_callbacks):
    bulletin = submitted_emergency()
    approve_emergency(bulletin)  # its rendering job is queued after commit, which this test never runs
    queued = BulletinAudio.objects.get(revision__bulletin=bulletin)
    assert queued.status == BulletinAudio.Status.QUEUED
    task = bulletin_task(bulletin, BulletinFlow.publish)
    with pytest.raises(ValidationError, match="đang được tạo"):
        engine.task_run(task, u("vanphong"), bulletin_steps.publish_step)
    BulletinAudio.objects.filter(pk=queued.pk).update(status=BulletinAudio.Status.FAILED, error="espeak-ng lỗi")
    with pytest.raises(ValidationError, match="chưa có bản âm thanh được xác nhận"):
        engine.task_run(task, u("vanphong"), bulletin_steps.publish_step)

    # the approving leader uploads a recording and confirms it (no Board approved this bulletin)
    leader = u("phogiamdoc")
    audio = editorial.audio_upload(bulletin=bulletin, user=leader, file=recording())
    editorial.audio_confirm(audio=audio, user=leader)
    publish_now(bulletin, django_capture_on_commit_callbacks)
    feed = client.get("/editorial/feeds/json/").json()
    [item] = [i for i in feed["items"] if i["id"] == f"ttcs-bulletin-{bulletin.pk}"]
    assert item["_ttcs"]["audio_url"].endswith(published_audio_url(bulletin, audio))


def test_a_commune_officer_still_cannot_touch_an_emergency_recording(demo):
    bulletin = submitted_emergency()
    approve_emergency(bulletin)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        editorial.audio_upload(bulletin=bulletin, user=u("phuong_phuc_xa"), file=recording())
