"""BulletinFlow driven from code: the drafter's submission, correction and withdrawal start or end a flow;
a voided approval ends it; the scheduled publication (the periodic job) or the Office's "unschedule" moves
its wait on. Each runs editorial services and the flow in one transaction."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from editorial import services as editorial
from editorial.models import Bulletin, Priority
from notifications.models import Kind
from notifications.services import notify
from org.models import Role, User
from org.selectors import people_with_role

from .. import engine
from .flow import BulletinFlow


def running_process(bulletin: Bulletin):
    """The bulletin's BulletinFlow process still running, if any."""
    return engine.processes_of(BulletinFlow, [bulletin]).first()


def review_start(*, bulletin: Bulletin, user: User, note: str = "") -> Bulletin:
    """The drafter sends a draft (or a withdrawn, voided or corrected text) to the Board: a new revision and
    a new BulletinFlow. A bulletin returned for changes is resubmitted from its "revise" task instead."""
    with transaction.atomic():
        if running_process(bulletin) is not None:
            raise editorial.AlreadyDone(_("Bản tin đang trong quy trình duyệt; hãy dùng việc được giao."))
        editorial.bulletin_submit(bulletin=bulletin, user=user, note=note)
        BulletinFlow.start.run(bulletin=bulletin)
        _tell_the_board(bulletin, user)
    return bulletin


def _tell_the_board(bulletin: Bulletin, actor: User) -> None:
    """Rule B1 (workflows/signals.py): the Board members learn that a bulletin arrived; the secretary is told
    once, by her queue task (B2)."""
    if bulletin.priority == Priority.EMERGENCY:
        return  # goes straight to the leaders, who are told by their queue notification (B9)
    secretaries = set(people_with_role(Role.BOARD_SECRETARY).values_list("pk", flat=True))
    members = [p for p in people_with_role(Role.BOARD_MEMBER) if p.pk not in secretaries]
    notify(members, kind=Kind.QUEUE_TASK,
           actor=actor, title=_("Bản tin mới trình Ban biên tập: %(t)s") % {"t": bulletin.title},
           link=reverse("editorial:bulletin_detail", args=[bulletin.pk]),
           dedupe_key=f"bulletin:{bulletin.pk}:submitted:{bulletin.current_revision_id}")


def correction_start(*, bulletin: Bulletin, user: User, title: str, body: str, reason: str,
                     summary: str | None = None) -> Bulletin:
    """A correction after publication: a new revision that goes through the Board and the Director again, and
    on publication a new broadcast directive that every unit acknowledges again."""
    with transaction.atomic():
        editorial.bulletin_correct(bulletin=bulletin, user=user, title=title, body=body, summary=summary,
                                   reason=reason)
        BulletinFlow.start.run(bulletin=bulletin)
    return bulletin


def withdraw(*, bulletin: Bulletin, user: User, reason: str = "") -> Bulletin:
    """The author takes the bulletin back until a reviewer has decided: the open flow is cancelled."""
    with transaction.atomic():
        bulletin = editorial.bulletin_withdraw(bulletin=bulletin, user=user, reason=reason)
        engine.processes_cancel(BulletinFlow, [bulletin])
    return bulletin


def end_on_void(bulletin: Bulletin) -> None:
    """An approval voided by a text change: the process waiting on it ends; the next submission starts anew."""
    engine.processes_cancel(BulletinFlow, [bulletin])


def publication_resume(bulletin: Bulletin) -> None:
    """A scheduled bulletin was published by the periodic job: after commit, the flow waiting for it goes on
    to distribution."""
    if running_process(bulletin) is not None:
        bulletin_pk = bulletin.pk
        engine.after_commit(lambda: _wait_end(Bulletin.objects.get(pk=bulletin_pk)))


def unschedule(*, bulletin: Bulletin, user: User) -> Bulletin:
    """The Office cancels a set publication time: the bulletin is signed off again and its flow, which was
    waiting for that time, returns to the publish step (publish now or at another time)."""
    with transaction.atomic():
        bulletin = editorial.bulletin_unschedule(bulletin=bulletin, user=user)
        _wait_end(bulletin)
    return bulletin


def _wait_end(bulletin: Bulletin) -> bool:
    """Move BulletinFlow.wait_publication on; its gateway then goes to distribution or back to publishing."""
    return engine.waiting_task_run(BulletinFlow, BulletinFlow.wait_publication, bulletin)

