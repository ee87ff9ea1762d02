"""BulletinFlow: a division's bulletin through the Editorial Board and the Director to publication and to
every district and commune. Declared in the order it runs; each human node's page (views.py) runs a step of
steps.py, each Function node a step directly; services.py starts, ends and resumes it from code."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from editorial import access
from editorial.models import Bulletin, Priority
from editorial.rules import Outcome
from editorial.selectors import bulletin_for_user, review_round_outcome, round_reviewers
from org.models import Role, User
from org.selectors import people_with_role

from ..engine import ArtifactFlow, DynamicSplit, HumanTask
from ..models import BulletinProcess
from . import steps, views


def _reviewers(activation) -> list[dict]:
    return [{"reviewer": a.reviewer_id} for a in round_reviewers(_fresh(activation))]


def _fresh(activation) -> Bulletin:
    return Bulletin.objects.get(pk=activation.process.artifact_object_id)


def _task_bulletin(task) -> Bulletin:
    return Bulletin.objects.get(pk=task.process.artifact_object_id)


def _round_decided(activation, active_tasks) -> bool:
    """Join early (cancelling the open reviews) once a reject or a reached majority decides the round."""
    return review_round_outcome(_fresh(activation)) != Outcome.PENDING


class BulletinFlow(ArtifactFlow):
    """A bulletin: an emergency goes straight to a leader; otherwise the Board secretary picks reviewers, they
    review in parallel until a majority or a rejection decides, the author revises if asked, the secretary
    confirms the recording, the Director signs off, the Office publishes (now or at a set time), and the
    published text goes to the units as a broadcast directive."""

    process_class = BulletinProcess
    process_title = _("Bản tin phát thanh")
    process_description = _("Ban biên tập thẩm định, Lãnh đạo Sở ký duyệt, phát hành và gửi tới cơ sở.")
    lock_impl = lock.select_for_update_lock
    summary_template = "{{ process.bulletin.title }}"

    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.check_emergency)
    check_emergency = (
        flow.If(lambda activation: _fresh(activation).priority == Priority.EMERGENCY)
        .Annotation(title=_("Tin khẩn cấp?"))
        .Then(this.approve_emergency)
        .Else(this.choose_reviewers)
    )

    # Director or Deputy: an emergency bulletin skips the Board and goes from their approval to publishing
    approve_emergency = (
        HumanTask(views.ApproveEmergencyView.as_view())
        .Annotation(title=_("Duyệt tin khẩn cấp"))
        .Permission("editorial.sign_off_bulletin")
        .Access(lambda user, task: access.can_sign_off(user))
        .Next(this.publish)
    )


    # Editorial Board
    choose_reviewers = (
        HumanTask(views.ChooseReviewersView.as_view())
        .Annotation(title=_("Phân công thẩm định"))
        .Permission("editorial.manage_review")
        .Access(lambda user, task: access.can_choose_reviewers(user))
        .Next(this.split_reviews)
    )
    split_reviews = DynamicSplit().Annotation(title=_("Chia việc thẩm định")).Next(this.review, data_source=_reviewers)
    review = (
        HumanTask(views.ReviewBulletinView.as_view(), reassign_view=views.HandOverReviewView.as_view())
        .Annotation(title=_("Thẩm định bản tin"))
        .Permission("editorial.manage_review")  # a released review waits in the secretary's queue
        .Access(lambda user, task: access.can_review(user, task.data.get("reviewer")),
                may_hand_over=lambda user, task: access.can_hand_over_review(user))
        .Assign(lambda activation: User.objects.get(pk=activation.task.data["reviewer"]))
        .Next(this.join_reviews)
    )
    join_reviews = (flow.Join(continue_on_condition=_round_decided).Annotation(title=_("Tổng hợp thẩm định"))
                    .Next(this.check_outcome))
    check_outcome = (
        flow.Switch()
        .Annotation(title=_("Kết quả thẩm định"))
        .Case(this.approved, lambda activation: review_round_outcome(_fresh(activation)) == Outcome.APPROVED)
        .Case(this.changes_requested,
              lambda activation: review_round_outcome(_fresh(activation)) == Outcome.CHANGES_REQUESTED)
        .Default(this.rejected)
    )
    approved = flow.Function(steps.mark_approved).Annotation(title=_("Ghi nhận đã duyệt")).Next(this.prepare_audio)
    changes_requested = (flow.Function(steps.mark_changes_requested).Annotation(title=_("Ghi nhận yêu cầu sửa"))
                         .Next(this.revise))
    rejected = flow.Function(steps.mark_rejected).Annotation(title=_("Ghi nhận từ chối")).Next(this.end_rejected)

    # author
    revise = (
        HumanTask(views.ReviseBulletinView.as_view())
        .Annotation(title=_("Chỉnh sửa và trình lại"))
        .Access(lambda user, task: access.can_revise(user, _task_bulletin(task)))
        .Assign(lambda activation: _fresh(activation).created_by)
        .Notify(unless=lambda task: True)  # the Board's "Bản tin cần chỉnh sửa" (with the reasons) says it
        .Next(this.next_round)
    )
    next_round = flow.Function(steps.repeat_round).Annotation(title=_("Vòng thẩm định mới")).Next(this.split_reviews)

    # Board secretary: the recording of the approved text
    prepare_audio = (
        HumanTask(views.PrepareAudioView.as_view())
        .Annotation(title=_("Âm thanh của bản đã duyệt"))
        .Permission("editorial.manage_review")
        .Access(lambda user, task: access.can_prepare_audio(user))
        .Next(this.sign_off)
    )

    # Director or Deputy
    sign_off = (
        HumanTask(views.SignOffView.as_view())
        .Annotation(title=_("Ký duyệt"))
        .Permission("editorial.sign_off_bulletin")
        .Access(lambda user, task: access.can_sign_off(user))
        .Next(this.check_sign_off)
    )
    check_sign_off = (
        flow.If(lambda activation: _fresh(activation).status == Bulletin.Status.SIGNED_OFF)
        .Annotation(title=_("Đã ký duyệt?"))
        .Then(this.publish)
        .Else(this.choose_reviewers)
    )
    # Department Office
    publish = (
        HumanTask(views.PublishView.as_view())
        .Annotation(title=_("Phát hành"))
        .Permission("editorial.publish_bulletin")
        .Access(lambda user, task: access.can_publish(user))
        .Notify(lambda task: people_with_role(Role.OFFICE))  # the leaders may publish; it is the Office's job
        .Next(this.check_published)
    )
    check_published = (
        flow.If(lambda activation: _fresh(activation).status == Bulletin.Status.PUBLISHED)
        .Annotation(title=_("Đã phát hành?"))
        .Then(this.distribute)
        .Else(this.wait_publication)
    )
    # moved on by services.publication_resume once the periodic job publishes at the set time, or by
    # services.unschedule when the Office cancels the schedule (the bulletin goes back to the publish step)
    wait_publication = flow.Handle().Annotation(title=_("Chờ đến giờ phát hành")).Next(this.check_scheduled)
    check_scheduled = (
        flow.If(lambda activation: _fresh(activation).status == Bulletin.Status.PUBLISHED)
        .Annotation(title=_("Đã đến giờ phát hành?"))
        .Then(this.distribute)
        .Else(this.publish)
    )
    distribute = flow.Function(steps.distribute).Annotation(title=_("Gửi tới cơ sở")).Next(this.end)

    end = flow.End().Annotation(title=_("Kết thúc"))
    end_rejected = flow.End().Annotation(title=_("Kết thúc: bị từ chối"))

    @classmethod
    def task_object_name(cls, task) -> str:
        return Bulletin.objects.only("title").get(pk=task.process.artifact_object_id).title

    def may_use_app(self, user) -> bool:
        """The app (menu, inbox, queue) is for the people who work on bulletins."""
        return access.uses_bulletin_flow(user)

    def artifact_visible_to(self, user, artifact_pk: int) -> bool:
        return bulletin_for_user(user, artifact_pk) is not None
