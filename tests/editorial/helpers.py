"""Drive the editorial services as the BulletinFlow will, with the seeded cast (tests/cast.py names them by role)."""

import io
import wave

from django.core.files.uploadedfile import SimpleUploadedFile

from editorial import services
from editorial.models import Bulletin, PlanTopic
from tests.cast import division, person, unit  # noqa: F401 (re-exported to the editorial tests)

BODY = ("<p>UBND TP. Hà Nội thông báo: ngày 2/9/2025 tổ chức kỷ niệm 80 năm Quốc khánh.</p>"
        "<p>Đề nghị các phường, xã treo cờ Tổ quốc và tuyên truyền trên hệ thống loa.</p>")


u = person  # the short name these helpers' callers use


def topic(number: int = 20, year: int = 2025) -> PlanTopic:
    return PlanTopic.objects.get(year=year, number=number)


def communes(*codenames: str) -> dict:
    return {"units": [unit(c).pk for c in codenames or ("phuong_phuc_xa", "xa_minh_phu")], "structure": "2025"}


def draft(*, user: str = "phongtt", unit_code: str = "SVHTT-TTBCXB", **fields) -> Bulletin:
    values = {"title": "Kỷ niệm 80 năm Quốc khánh 2/9", "body": BODY, "summary": "Treo cờ, tuyên truyền Quốc khánh.",
              "plan_topic": topic(), "target_spec": communes()}
    values.update(fields)
    return services.bulletin_create(user=u(user), drafting_unit=division(unit_code), **values)


def fresh(bulletin: Bulletin) -> Bulletin:
    return Bulletin.objects.get(pk=bulletin.pk)


def submit(bulletin: Bulletin, user: str = "phongtt"):
    return services.bulletin_submit(bulletin=bulletin, user=u(user))


def open_round(bulletin: Bulletin, reviewers=("bientap1", "bientap2", "bientap3")):
    return services.reviewers_set(bulletin=bulletin, reviewers=[u(r) for r in reviewers], user=u("truongban"))


def decide(bulletin: Bulletin, reviewer: str, decision: str = "approve", comment: str = ""):
    return services.review_record(bulletin=bulletin, reviewer=u(reviewer), decision=decision, comment=comment)


def approved(bulletin: Bulletin | None = None, reviewers=("bientap1", "bientap2")) -> Bulletin:
    """Submitted, reviewed by everyone and marked approved."""
    bulletin = bulletin or draft()
    submit(bulletin)
    open_round(bulletin, reviewers)
    for reviewer in reviewers:
        decide(bulletin, reviewer)
    return services.bulletin_mark_approved(bulletin=bulletin)


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(rate * seconds))
    return buffer.getvalue()


def recording(seconds: float = 2.5, name: str = "ban-thu.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, wav_bytes(seconds), content_type="audio/wav")


def confirmed_recording(bulletin: Bulletin, user: str = "phongtt"):
    audio = services.audio_upload(bulletin=bulletin, user=u(user), file=recording())
    return services.audio_confirm(audio=audio, user=u(user))


def signed_off(bulletin: Bulletin | None = None) -> Bulletin:
    bulletin = approved(bulletin)
    confirmed_recording(bulletin)
    return services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))


def published(bulletin: Bulletin | None = None) -> Bulletin:
    bulletin = signed_off(bulletin)
    return services.bulletin_publish(bulletin=bulletin, user=u("vanphong"))


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
