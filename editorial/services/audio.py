"""The recording that goes on air: rendered with editorial.speech in the background, or uploaded by a presenter,
bound to one frozen revision and confirmed by the editor before the leaders sign off."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import AlreadyDone
from common.files import private_storage
from org.audit import records_actor
from org.models import User

from .. import access, selectors
from ..models import (
    Bulletin,
    BulletinAudio,
    BulletinEvent,
    BulletinRevision,
    EditorialSettings,
    Priority,
    SpeechEngine,
)
from ..speech import EspeakBackend, PiperBackend, SpeechBackend, SpeechError, UploadedRecordingBackend
from ..uploads import recording_validate
from .common import event, locked, require

logger = logging.getLogger(__name__)

# An emergency skips the Board's approval, where a recording is normally confirmed: it is confirmed in these states.
EMERGENCY_AUDIO_STATES = (Bulletin.Status.SIGNED_OFF, Bulletin.Status.SCHEDULED)


def audio_revision(bulletin: Bulletin) -> BulletinRevision | None:
    """The revision a new recording is for: the approved one while an approval holds, else the latest."""
    if bulletin.status in Bulletin.APPROVAL_HELD and bulletin.approved_revision_id:
        return bulletin.approved_revision
    return bulletin.current_revision


def _require_audio_rights(user: User, bulletin: Bulletin) -> BulletinRevision:
    require(access.can_manage_audio(user, bulletin),
            _("Chỉ người soạn của đơn vị hoặc Thư ký Ban biên tập được thao tác với âm thanh."))
    revision = audio_revision(bulletin)
    if revision is None:
        raise ValidationError(_("Hãy trình duyệt bản tin trước: âm thanh gắn với một phiên bản đã chốt."))
    return revision


@records_actor
@transaction.atomic
def audio_request(*, bulletin: Bulletin, user: User, engine: str | None = None, voice: str = "") -> BulletinAudio:
    """Queue a rendering of the revision (espeak-ng by default; Piper when its voice file is configured). Asking
    again renders again: earlier recordings stay in the history."""
    bulletin = locked(bulletin)
    revision = _require_audio_rights(user, bulletin)
    config = EditorialSettings.current()
    engine = engine or config.speech_engine
    if engine not in SpeechEngine.values:
        raise ValidationError({"engine": _("Bộ đọc không hợp lệ.")})
    if engine == SpeechEngine.PIPER:
        if not config.piper_model_path:
            raise ValidationError({"engine": _("Chưa cấu hình giọng Piper; hãy dùng espeak-ng hoặc tải bản thu lên.")})
        voice = Path(config.piper_model_path).stem
    else:
        voice = voice or config.espeak_voice
    return _queue_rendering(bulletin, revision, user, engine, voice)


def emergency_audio_request(*, bulletin: Bulletin, user: User) -> BulletinAudio:
    """The leader's emergency approval queues the recording of the approved text (the configured engine; espeak-ng
    when Piper has no voice file). `audio_render` confirms it in the leader's name once rendered: an emergency has
    no listening step between approval and publication."""
    config = EditorialSettings.current()
    engine = config.speech_engine
    if engine == SpeechEngine.PIPER and not config.piper_model_path:
        engine = SpeechEngine.ESPEAK
    voice = Path(config.piper_model_path).stem if engine == SpeechEngine.PIPER else config.espeak_voice
    return _queue_rendering(bulletin, bulletin.approved_revision, user, engine, voice, note=_("tin khẩn cấp"))


def _queue_rendering(bulletin: Bulletin, revision: BulletinRevision, user: User, engine: str, voice: str,
                     note: str = "") -> BulletinAudio:
    """The recording row, its event, and the rendering job queued once the transaction commits."""
    audio = BulletinAudio.objects.create(revision=revision, backend=engine, voice=voice, requested_by=user)
    comment = f"{audio.get_backend_display()} ({voice})" + (f", {note}" if note else "")
    event(bulletin, BulletinEvent.Kind.AUDIO_REQUESTED, user, revision=revision, comment=comment)
    transaction.on_commit(lambda: _enqueue_render(audio.pk))
    return audio


def _enqueue_render(audio_id: int) -> None:
    from ..tasks import render_audio  # noqa: PLC0415 (tasks imports the services)

    try:
        render_audio(audio_id)
    except Exception:
        logger.exception("could not queue the rendering of audio %s", audio_id)
        BulletinAudio.objects.filter(pk=audio_id, status=BulletinAudio.Status.QUEUED).update(
            status=BulletinAudio.Status.FAILED, error=_("Không đưa được yêu cầu vào hàng đợi; hãy thử lại."))


def _backend(audio: BulletinAudio, config: EditorialSettings) -> SpeechBackend:
    if audio.backend == BulletinAudio.Backend.PIPER:
        return PiperBackend(config.piper_model_path, executable=config.piper_executable)
    return EspeakBackend(voice=audio.voice or config.espeak_voice, words_per_minute=audio.revision.words_per_minute)


def audio_file_name(audio: BulletinAudio) -> str:
    # Unguessable, and private like every file (common/files.py): a draft's recording exists before the Board
    # approves it; only the published bulletin's confirmed recording is served to anyone.
    return f"editorial/audio/{audio.revision.bulletin_id}/r{audio.revision.number}-{audio.pk}-{uuid.uuid4().hex}.wav"


def audio_render_lease() -> timedelta:
    return timedelta(seconds=settings.AUDIO_RENDER_LEASE_SECONDS)


def audio_render(*, audio_id: int) -> BulletinAudio:
    """The background job: claim a queued recording (conditional UPDATE), render it into the private storage, record the
    duration or the error. Running it twice renders once. A rendering whose claim is older than the lease was
    left by a worker that died (editorial.reconcile re-enqueues it): it may be claimed again, and only the
    latest claim records its result, so a slow original that finishes after all changes nothing."""
    now = timezone.now()
    claimable = Q(status=BulletinAudio.Status.QUEUED) | Q(status=BulletinAudio.Status.RENDERING,
                                                          render_started_at__lt=now - audio_render_lease())
    claimed = BulletinAudio.objects.filter(claimable, pk=audio_id).update(
        status=BulletinAudio.Status.RENDERING, render_started_at=now)
    audio = BulletinAudio.objects.select_related("revision").get(pk=audio_id)
    if not claimed:
        return audio
    mine = BulletinAudio.objects.filter(pk=audio_id, status=BulletinAudio.Status.RENDERING, render_started_at=now)
    name = audio_file_name(audio)
    try:
        backend = _backend(audio, EditorialSettings.current())
        result = backend.render(audio.revision.spoken_text, Path(private_storage().path(name)))
    except SpeechError as exc:
        mine.update(status=BulletinAudio.Status.FAILED, error=str(exc), rendered_at=timezone.now())
    except Exception as exc:
        logger.exception("rendering audio %s failed", audio_id)
        mine.update(status=BulletinAudio.Status.FAILED, error=repr(exc), rendered_at=timezone.now())
    else:
        if not mine.update(status=BulletinAudio.Status.READY, file=name,
                           duration_seconds=round(result.duration_seconds, 2), voice=result.voice, error="",
                           rendered_at=timezone.now()):
            private_storage().delete(name)  # a later claim took over: its file is the one kept
        else:
            _confirm_emergency_recording(audio_id)
    audio.refresh_from_db()
    return audio


def audio_renders_reconcile(now: datetime | None = None) -> list[int]:
    """Queue again every rendering whose job vanished (the periodic reconciler); the claim in audio_render
    makes a queued-twice or still-running job render once. Returns the recordings queued."""
    from ..tasks import render_audio  # noqa: PLC0415 (tasks imports the services)

    stalled = selectors.audio_renders_stalled(now)
    for audio_id in stalled:
        logger.warning("audio %s: its rendering job vanished, queued again", audio_id)
        render_audio(audio_id)
    return stalled


@records_actor
@transaction.atomic
def _confirm_emergency_recording(audio_id: int) -> None:
    """A recording an emergency's approving leader asked for (emergency_audio_request) is confirmed in their name,
    unless someone confirmed another one of that revision first."""
    audio = BulletinAudio.objects.select_related("revision", "requested_by").get(pk=audio_id)
    bulletin = locked(audio.revision.bulletin)
    if (bulletin.priority != Priority.EMERGENCY or bulletin.status not in EMERGENCY_AUDIO_STATES
            or audio.revision_id != bulletin.approved_revision_id or audio.requested_by is None
            or not access.is_leader(audio.requested_by)):
        return
    if BulletinAudio.objects.filter(revision=audio.revision, confirmed_at__isnull=False,
                                    voided_at__isnull=True).exists():
        return
    audio.confirmed_by, audio.confirmed_at = audio.requested_by, timezone.now()
    audio.save(update_fields=["confirmed_by", "confirmed_at"])
    event(bulletin, BulletinEvent.Kind.AUDIO_CONFIRMED, audio.requested_by, revision=audio.revision,
          comment=_("Tin khẩn cấp: xác nhận cùng lượt duyệt của Lãnh đạo Sở, %(s).0f s")
          % {"s": audio.duration_seconds or 0})


@transaction.atomic
def audio_upload(*, bulletin: Bulletin, user: User, file) -> BulletinAudio:
    """A presenter's own recording (PCM WAV) instead of synthesis; its duration is read from the file."""
    bulletin = locked(bulletin)
    revision = _require_audio_rights(user, bulletin)
    recording_validate(file)
    audio = BulletinAudio(revision=revision, backend=BulletinAudio.Backend.UPLOAD, voice=user.get_full_name(),
                          status=BulletinAudio.Status.READY, requested_by=user)
    audio.file.save(f"{bulletin.pk}/r{revision.number}-upload-{uuid.uuid4().hex}.wav", file, save=False)
    try:
        audio.duration_seconds = round(UploadedRecordingBackend.probe_duration(audio.file.path), 2)
    except SpeechError as exc:
        audio.file.delete(save=False)
        raise ValidationError({"file": _("Không đọc được bản thu: %(e)s") % {"e": exc}}) from exc
    audio.rendered_at = timezone.now()
    audio.save()
    event(bulletin, BulletinEvent.Kind.AUDIO_UPLOADED, user, revision=revision, comment=file.name)
    return audio


@records_actor
@transaction.atomic
def audio_confirm(*, audio: BulletinAudio, user: User) -> BulletinAudio:
    """The editor listened and confirms this recording of the approved revision as the one to broadcast. A
    previously confirmed recording of the same revision is replaced."""
    bulletin = locked(audio.revision.bulletin)
    require(access.can_manage_audio(user, bulletin),
            _("Chỉ người soạn của đơn vị hoặc Thư ký Ban biên tập được xác nhận âm thanh."))
    audio = BulletinAudio.objects.select_for_update().get(pk=audio.pk)
    if audio.is_confirmed:
        raise AlreadyDone(_("Bản âm thanh này đã được xác nhận."))
    if not audio.is_usable:
        raise ValidationError(_("Bản âm thanh chưa sẵn sàng hoặc đã hết hiệu lực."))
    confirmable = bulletin.status == Bulletin.Status.APPROVED or (
        bulletin.priority == Priority.EMERGENCY and bulletin.status in EMERGENCY_AUDIO_STATES)
    if not confirmable or audio.revision_id != bulletin.approved_revision_id:
        raise ValidationError(_("Chỉ xác nhận được âm thanh của phiên bản vừa được Ban biên tập duyệt, "
                                "trước khi Lãnh đạo Sở ký duyệt (tin khẩn cấp: trước khi phát hành)."))
    now = timezone.now()
    BulletinAudio.objects.filter(revision=audio.revision, confirmed_at__isnull=False, voided_at__isnull=True).update(
        voided_at=now, void_reason=_("Đã thay bằng bản âm thanh khác"))
    audio.confirmed_by, audio.confirmed_at = user, now
    audio.save(update_fields=["confirmed_by", "confirmed_at"])
    event(bulletin, BulletinEvent.Kind.AUDIO_CONFIRMED, user, revision=audio.revision,
          comment=f"{audio.get_backend_display()}, {audio.duration_seconds or 0:.0f} s")
    return audio


def audio_render_retry(*, audio_id: int) -> bool:
    """An operator renders a failed recording again (the failed-work page): once, however often it is pressed."""
    from ..tasks import render_audio  # noqa: PLC0415 (tasks imports the services)

    if not BulletinAudio.objects.filter(pk=audio_id, status=BulletinAudio.Status.FAILED,
                                        voided_at__isnull=True).update(status=BulletinAudio.Status.QUEUED,
                                                                       error="", requested_at=timezone.now()):
        return False
    transaction.on_commit(lambda: render_audio(audio_id))
    return True
