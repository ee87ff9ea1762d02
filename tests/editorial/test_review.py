"""The Editorial Board's rounds and the leaders' sign-off, driven through the services the flow calls."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import AlreadyDone
from editorial import selectors, services
from editorial.models import Bulletin, Outcome, Priority, ReviewPolicy, ReviewRule
from notifications.models import Notification
from tests.editorial.helpers import approved, confirmed_recording, decide, draft, fresh, open_round, submit, u


def notifications_of(username, kind):
    return list(Notification.objects.filter(recipient__username=username, kind=kind).order_by("pk"))


def test_only_the_secretary_chooses_board_members(demo):
    bulletin = draft()
    submit(bulletin)
    with pytest.raises(PermissionDenied):
        services.reviewers_set(bulletin=bulletin, reviewers=[u("bientap1")], user=u("phongtt"))
    with pytest.raises(ValidationError, match="Ban biên tập"):
        services.reviewers_set(bulletin=bulletin, reviewers=[u("bientap1"), u("phongtt")], user=u("truongban"))
    with pytest.raises(ValidationError):
        services.reviewers_set(bulletin=bulletin, reviewers=[], user=u("truongban"))
    assignments = open_round(bulletin, ["bientap1", "bientap2"])
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.IN_REVIEW and bulletin.review_round == 1
    assert bulletin.review_rule == ReviewRule.ALL
    assert {a.reviewer.username for a in assignments} == {"bientap1", "bientap2"}
    # The engine replaying the same step changes nothing; another round number is refused.
    again = services.reviewers_set(bulletin=bulletin, reviewers=[u("bientap2"), u("bientap1")], round=1)
    assert {a.pk for a in again} == {a.pk for a in assignments}
    with pytest.raises(AlreadyDone):
        services.reviewers_set(bulletin=bulletin, reviewers=[u("bientap3")], round=1)


def test_only_chosen_reviewers_decide_once(demo):
    bulletin = draft()
    submit(bulletin)
    open_round(bulletin, ["bientap1", "bientap2"])
    with pytest.raises(PermissionDenied):
        decide(bulletin, "bientap3")
    with pytest.raises(ValidationError):
        decide(bulletin, "bientap1", "request_changes")  # needs a comment
    decide(bulletin, "bientap1")
    with pytest.raises(AlreadyDone):
        decide(bulletin, "bientap1", "reject", "đổi ý")
    assert selectors.review_round_outcome(bulletin) == Outcome.PENDING
    with pytest.raises(ValidationError, match="Đang chờ"):
        services.bulletin_mark_approved(bulletin=bulletin)


def test_request_changes_then_resubmit_gives_revision_2_with_a_diff(demo):
    bulletin = draft()
    submit(bulletin)
    open_round(bulletin)
    decide(bulletin, "bientap1")
    decide(bulletin, "bientap2", "request_changes", "Sai ngày: Quốc khánh là 2/9.")
    assert selectors.review_round_outcome(fresh(bulletin)) == Outcome.CHANGES_REQUESTED
    services.bulletin_mark_changes_requested(bulletin=bulletin)
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.CHANGES_REQUESTED
    assert "Sai ngày" in bulletin.status_reason and "Đỗ Đức Anh" in bulletin.status_reason
    [note] = notifications_of("phongtt", "bulletin_returned")
    assert "Sai ngày" in note.body and note.link == f"/editorial/{bulletin.pk}/"
    # bientap3 is too late: the round is over.
    with pytest.raises(AlreadyDone):
        decide(bulletin, "bientap3")

    longer = bulletin.body.replace("80 năm Quốc khánh", "80 năm Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam")
    services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"body": longer})
    revision = submit(bulletin)
    assert revision.number == 2
    diff = selectors.revision_diff(selectors.bulletin_revisions(bulletin))
    assert (diff.old_number, diff.new_number) == (1, 2) and diff.changed
    changed = [row for row in diff.rows if row.kind != "equal"]
    assert len(changed) == 1 and "<ins>" in changed[0].new and "Cộng hòa" in changed[0].new
    # A new round on revision 2; round-1 decisions do not count.
    open_round(bulletin, ["bientap2"])
    assert fresh(bulletin).review_round == 2
    decide(bulletin, "bientap2")
    services.bulletin_mark_approved(bulletin=bulletin)
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.APPROVED and bulletin.approved_revision == revision
    assert notifications_of("phongtt", "bulletin_approved")


def test_reject_ends_it_with_the_reason_shown_to_the_author(demo):
    bulletin = draft()
    submit(bulletin)
    open_round(bulletin)
    decide(bulletin, "bientap1")
    decide(bulletin, "bientap3", "reject", "Trùng nội dung bản tin số 12.")
    with pytest.raises(ValidationError):
        services.bulletin_mark_changes_requested(bulletin=bulletin)
    with pytest.raises(PermissionDenied):
        services.bulletin_mark_rejected(bulletin=bulletin, user=u("bientap1"))
    services.bulletin_mark_rejected(bulletin=bulletin, user=u("truongban"))
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.REJECTED and "Trùng nội dung" in bulletin.status_reason
    [note] = notifications_of("phongtt", "bulletin_rejected")
    assert "Trùng nội dung" in note.body
    with pytest.raises(ValidationError, match="từ chối"):
        services.bulletin_update(bulletin=bulletin, user=u("phongtt"), data={"title": "Lại"})
    with pytest.raises(AlreadyDone):
        submit(bulletin)


def test_majority_rule_from_the_admin_policy(demo):
    ReviewPolicy.objects.update_or_create(priority=Priority.PRIORITY, defaults={"rule": ReviewRule.MAJORITY})
    bulletin = draft(priority=Priority.PRIORITY)
    submit(bulletin)
    open_round(bulletin)
    assert fresh(bulletin).review_rule == ReviewRule.MAJORITY
    decide(bulletin, "bientap1", "request_changes", "Nên thêm ảnh.")
    decide(bulletin, "bientap2")
    assert selectors.review_round_outcome(fresh(bulletin)) == Outcome.PENDING
    decide(bulletin, "bientap3")
    assert selectors.review_round_outcome(fresh(bulletin)) == Outcome.APPROVED
    services.bulletin_mark_approved(bulletin=bulletin)
    # The default policy (all must approve) still applies to normal bulletins.
    normal = draft(title="Tin thường")
    submit(normal)
    open_round(normal)
    assert fresh(normal).review_rule == ReviewRule.ALL


def test_sign_off_needs_a_confirmed_recording_and_a_leader(demo):
    bulletin = approved()
    with pytest.raises(PermissionDenied):
        services.bulletin_sign_off(bulletin=bulletin, user=u("truongban"))
    with pytest.raises(ValidationError, match="âm thanh"):
        services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))
    confirmed_recording(bulletin)
    services.bulletin_sign_off(bulletin=bulletin, user=u("phogiamdoc"), comment="Đồng ý phát hành.")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SIGNED_OFF and bulletin.signed_off_by == u("phogiamdoc")
    with pytest.raises(AlreadyDone):
        services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))


def test_leader_returns_to_the_board_for_a_new_round(demo):
    bulletin = approved()
    with pytest.raises(ValidationError):
        services.bulletin_return_to_board(bulletin=bulletin, user=u("giamdoc"), reason=" ")
    services.bulletin_return_to_board(bulletin=bulletin, user=u("giamdoc"), reason="Cần thêm ý kiến bientap3.")
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SUBMITTED and bulletin.approved_revision is None
    # the round's reviewers; the secretary hears of it once, from the flow's "choose reviewers" queue task
    assert notifications_of("bientap1", "bulletin_returned") and not notifications_of("truongban", "bulletin_returned")
    open_round(bulletin, ["bientap3"])
    assert fresh(bulletin).review_round == 2
    decide(bulletin, "bientap3")
    services.bulletin_mark_approved(bulletin=bulletin)
    assert fresh(bulletin).approved_revision.number == 1  # same revision, second round


def test_emergency_bulletins_are_approved_by_a_leader_directly(demo):
    normal = draft()
    submit(normal)
    with pytest.raises(ValidationError):
        services.bulletin_approve_emergency(bulletin=normal, user=u("giamdoc"))
    bulletin = draft(title="Bão số 3: sơ tán khẩn", priority=Priority.EMERGENCY)
    submit(bulletin)
    with pytest.raises(PermissionDenied):
        services.bulletin_approve_emergency(bulletin=bulletin, user=u("truongban"))
    services.bulletin_approve_emergency(bulletin=bulletin, user=u("giamdoc"))
    bulletin = fresh(bulletin)
    assert bulletin.status == Bulletin.Status.SIGNED_OFF
    assert bulletin.approved_revision == bulletin.current_revision and bulletin.signed_off_by == u("giamdoc")


def test_emergency_sign_off_does_not_wait_for_audio(demo):
    bulletin = approved(draft(priority=Priority.EMERGENCY))
    assert services.sign_off_blockers(bulletin) == []
    services.bulletin_sign_off(bulletin=bulletin, user=u("giamdoc"))
