"""Drafting: who may create and edit, sanitising, attachments, submission (frozen revisions), withdrawal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import AlreadyDone
from editorial import services
from editorial.models import (
    Bulletin,
    BulletinEvent,
    BulletinRevision,
    BulletinTarget,
    EditorialSettings,
    ReviewDecision,
)
from editorial.models.reviews import RevisionImmutable
from tests.editorial.helpers import (
    MP4,
    PNG,
    communes,
    decide,
    division,
    draft,
    fresh,
    open_round,
    submit,
    u,
    unit,
    upload,
)


def test_drafter_creates_a_draft_of_their_division(demo):
    bulletin = draft()
    assert bulletin.status == Bulletin.Status.DRAFT
    assert bulletin.drafting_unit == division()
    assert bulletin.words_per_minute == EditorialSettings.current().words_per_minute
    # Estimated from the normalised text: dates and abbreviations are read out in full.
    assert bulletin.estimated_air_seconds > 20
    assert set(BulletinTarget.objects.filter(bulletin=bulletin).values_list("unit__codename", flat=True)) == {
        "phuong_phuc_xa", "xa_minh_phu"}
    assert bulletin.events.filter(kind=BulletinEvent.Kind.CREATED).exists()


@pytest.mark.parametrize("username", ["truyenthong", "bientap1", "giamdoc", "phuong_phuc_xa"])
def test_only_drafters_of_the_division_create_for_it(demo, username):
    with pytest.raises(PermissionDenied):
        draft(user=username)
    assert not Bulletin.objects.exists()


def test_drafters_edit_only_their_divisions_drafts(demo):
    bulletin = draft()
    with pytest.raises(PermissionDenied):
        services.bulletin_update(bulletin=bulletin, user=u("truyenthong"), data={"title": "Sửa trộm"})
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": "Tiêu đề mới"})
    assert fresh(bulletin).title == "Tiêu đề mới"


def test_update_refuses_unknown_fields_and_ignores_unchanged_values(demo):
    bulletin = draft()
    with pytest.raises(ValueError):
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"status": "published"})
    events = bulletin.events.count()
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": bulletin.title})
    assert bulletin.events.count() == events


def test_xss_in_the_body_is_neutralised(demo):
    bulletin = draft(body='<p onclick="steal()">Tin <strong>đậm</strong> <a href="javascript:alert(1)">x</a>'
                          '<a href="https://hanoi.gov.vn">cổng</a></p><script>alert(1)</script>'
                          '<img src=x onerror=alert(1)><iframe src="https://evil"></iframe>')
    body = fresh(bulletin).body
    for bad in ("<script", "onclick", "onerror", "<img", "<iframe", "javascript:"):
        assert bad not in body
    assert "<strong>đậm</strong>" in body and 'href="https://hanoi.gov.vn"' in body and "noopener" in body


def test_body_and_title_are_required(demo):
    with pytest.raises(ValidationError) as error:
        draft(body="<p>   </p><script>x</script>")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError):
        draft(title="  ")


def test_air_window_must_be_ordered(demo):
    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValidationError):
        draft(air_from=now, air_until=now - timezone.timedelta(hours=1))


def test_target_spec_is_checked(demo):
    with pytest.raises(ValidationError):
        draft(target_spec={"sets": ["everyone"]})
    with pytest.raises(ValidationError):
        draft(target_spec={"units": [1], "whatever": 1})


def test_attachments_are_checked_by_type_content_and_size(demo, settings):
    bulletin = draft(attachments=[upload("anh.png", PNG), upload("clip.mp4", MP4)])
    kinds = dict(bulletin.attachments.values_list("name", "kind"))
    assert kinds == {"anh.png": "image", "clip.mp4": "video"}
    stored = bulletin.attachments.get(name="anh.png")
    assert stored.file.name.startswith(f"editorial/attachments/{bulletin.pk}/") and "anh" not in stored.file.name
    with pytest.raises(ValidationError, match="không thuộc loại"):
        services.attachment_add(bulletin=bulletin, user=u("phongtt"), file=upload("x.svg", b"<svg onload=x>"))
    with pytest.raises(ValidationError, match="không khớp"):
        services.attachment_add(bulletin=bulletin, user=u("phongtt"), file=upload("script.png", b"#!/bin/sh\nrm"))
    with pytest.raises(ValidationError, match="không phải"):
        services.attachment_add(bulletin=bulletin, user=u("phongtt"), file=upload("a.png", PNG), kind="video")
    config = EditorialSettings.current()
    config.max_image_mb = 0
    config.save()
    with pytest.raises(ValidationError, match="lớn hơn 0 MB"):
        services.attachment_add(bulletin=bulletin, user=u("phongtt"), file=upload("a.png", PNG))
    assert bulletin.attachments.count() == 2
    # A bad file in a new draft stores nothing at all.
    with pytest.raises(ValidationError):
        draft(title="Khác", attachments=[upload("ok.mp4", MP4), upload("bad.exe", b"MZ")])
    assert Bulletin.objects.count() == 1


def test_submit_freezes_a_revision(demo):
    bulletin = draft(attachments=[upload("anh.png", PNG)])
    revision = submit(bulletin)
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SUBMITTED and bulletin.current_revision == revision
    assert (revision.number, revision.kind, revision.title, revision.body) == (
        1, BulletinRevision.Kind.SUBMISSION, bulletin.title, bulletin.body)
    assert revision.target_spec == bulletin.target_spec and revision.priority == bulletin.priority
    assert revision.estimated_air_seconds == bulletin.estimated_air_seconds
    assert [a["name"] for a in revision.attachments] == ["anh.png"]
    with pytest.raises(AlreadyDone):
        submit(bulletin)
    with pytest.raises(PermissionDenied):
        services.bulletin_submit(bulletin=draft(), user=u("truyenthong"))


def test_submit_needs_targets(demo):
    bulletin = draft(target_spec={"units": []})
    with pytest.raises(ValidationError) as error:
        submit(bulletin)
    assert "target_spec" in error.value.message_dict


def test_revisions_are_never_updated_or_deleted(demo):
    revision = submit(draft())
    revision.title = "Viết lại lịch sử"
    with pytest.raises(RevisionImmutable):
        revision.save()
    with pytest.raises(RevisionImmutable):
        BulletinRevision.objects.filter(pk=revision.pk).update(title="x")
    with pytest.raises(RevisionImmutable):
        revision.delete()
    with pytest.raises(RevisionImmutable):
        BulletinRevision.objects.filter(pk=revision.pk).delete()
    assert BulletinRevision.objects.get(pk=revision.pk).title != "Viết lại lịch sử"


def test_text_cannot_change_under_review(demo):
    bulletin = draft()
    submit(bulletin)
    with pytest.raises(ValidationError, match="rút lại"):
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": "Khác"})


def test_withdraw_until_a_reviewer_acts(demo):
    bulletin = draft()
    submit(bulletin)
    services.bulletin_withdraw(bulletin=bulletin, user=u("phongtt"), reason="Bổ sung số liệu")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.WITHDRAWN and bulletin.status_reason == "Bổ sung số liệu"
    with pytest.raises(AlreadyDone):
        services.bulletin_withdraw(bulletin=bulletin, user=u("phongtt"))
    # Withdrawn: editable again, and a new submission is revision 2.
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"summary": "Đã bổ sung"})
    assert submit(bulletin).number == 2
    # In review but nobody decided yet: still possible.
    open_round(bulletin)
    services.bulletin_withdraw(bulletin=bulletin, user=u("phongtt"))
    submit(bulletin)
    open_round(bulletin)
    decide(bulletin, "bientap1")
    with pytest.raises(ValidationError, match="không thể rút lại"):
        services.bulletin_withdraw(bulletin=bulletin, user=u("phongtt"))
    assert fresh(bulletin).status == Bulletin.Status.IN_REVIEW
    assert ReviewDecision.objects.filter(revision__bulletin=bulletin).count() == 1


def test_withdraw_is_for_the_division(demo):
    bulletin = draft()
    submit(bulletin)
    with pytest.raises(PermissionDenied):
        services.bulletin_withdraw(bulletin=bulletin, user=u("truongban"))


def test_targets_follow_the_spec(demo):
    bulletin = draft()
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"target_spec": communes("phuong_phuc_xa")})
    assert list(bulletin.targets.values_list("unit", flat=True)) == [unit("phuong_phuc_xa").pk]


def test_comments_belong_to_a_revision(demo):
    revision = submit(draft())
    comment = services.comment_add(revision=revision, user=u("bientap1"), body="Nên rút gọn đoạn 2.",
                                   quote="Đề nghị các phường")
    assert list(revision.comments.all()) == [comment]
    with pytest.raises(PermissionDenied):
        services.comment_add(revision=revision, user=u("phuong_phuc_xa"), body="?")
    with pytest.raises(ValidationError):
        services.comment_add(revision=revision, user=u("bientap1"), body=" ")
