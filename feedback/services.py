"""Every write to a feedback item: a person sends it (public page), the handling unit answers, forwards or closes
it, and the deadline scan reminds the unit and escalates a late item once. The flow in workflows/feedback/ calls
these from its steps; the services know nothing of the engine."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from notifications.models import Kind, Level
from notifications.services import notify
from org import selectors as org_selectors
from org.models import Role, Unit, User

from . import access
from .models import Feedback, FeedbackAttachment, FeedbackForward
from .selectors import department_unit, feedback_settings, items_to_escalate, items_to_remind
from .uploads import MAX_FILES, uploads_check


def _summary(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(100)


@transaction.atomic
def feedback_submit(*, commune: Unit, text: str, name: str = "", phone: str = "", email: str = "",
                    files=(), now: datetime | None = None) -> Feedback:
    """A person's feedback to `commune`, due `answer_within_hours` later; its files are checked first (nothing
    is saved when one is refused) and kept in the private storage under random names."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Xin nhập nội dung phản ánh, kiến nghị.")})
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Chỉ được đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES}})
    checked = uploads_check(files)
    now = now or timezone.now()
    feedback = Feedback(commune=commune, unit=commune, text=text, summary=_summary(text), name=name.strip(),
                        phone=phone.strip(), email=email.strip(), received_at=now,
                        due_at=now + timedelta(hours=feedback_settings().answer_within_hours))
    feedback.full_clean()
    feedback.save()
    for upload, check in checked:
        FeedbackAttachment.objects.create(feedback=feedback, file=upload, name=upload.name[:255],
                                          content_type=check.content_type)
    return feedback


def _locked_open(feedback: Feedback, user: User) -> Feedback:
    feedback = Feedback.objects.select_for_update().select_related("unit").get(pk=feedback.pk)
    if not feedback.is_open:
        raise ValidationError(_("Phản ánh này đã được xử lý."))
    if not access.can_handle(user, feedback):
        raise ValidationError(_("Đơn vị của bạn không xử lý phản ánh này."))
    return feedback


def _finish(feedback: Feedback, user: User, status: str, now: datetime) -> None:
    feedback.status, feedback.handled_at, feedback.handled_by = status, now, user
    feedback.handled_by_unit = feedback.unit


@transaction.atomic
def feedback_answer(*, feedback: Feedback, user: User, answer: str, now: datetime | None = None) -> Feedback:
    """The unit's answer: shown on the public tracking page, and e-mailed to the sender if they left an address
    (after commit, through Django's e-mail backend)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Xin nhập nội dung trả lời.")})
    feedback = _locked_open(feedback, user)
    feedback.answer = answer
    _finish(feedback, user, Feedback.Status.ANSWERED, now or timezone.now())
    feedback.save()
    if feedback.email:
        transaction.on_commit(partial(_email_answer, feedback.pk))
    return feedback


@transaction.atomic
def feedback_close(*, feedback: Feedback, user: User, reason: str, now: datetime | None = None) -> Feedback:
    """Not relevant (spam, not the unit's business…): closed with a reason the tracking page shows."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Xin nêu lý do đóng phản ánh.")})
    feedback = _locked_open(feedback, user)
    feedback.close_reason = reason
    _finish(feedback, user, Feedback.Status.CLOSED, now or timezone.now())
    feedback.save()
    return feedback


@transaction.atomic
def feedback_forward(*, feedback: Feedback, user: User, unit: Unit, note: str = "") -> Feedback:
    """Hand the item to another unit (or the Department's): it becomes that unit's, with its contact details.
    Its due time stays: the person has waited since they sent it."""
    feedback = _locked_open(feedback, user)
    if unit.pk == feedback.unit_id or not unit.is_active:
        raise ValidationError({"unit": _("Xin chọn một đơn vị khác.")})
    FeedbackForward.objects.create(feedback=feedback, from_unit=feedback.unit, to_unit=unit, note=note.strip(),
                                   by=user)
    feedback.unit = unit
    feedback.forwarded_times += 1
    feedback.save(update_fields=["unit", "forwarded_times"])
    return feedback


def _email_answer(feedback_pk: int) -> None:
    feedback = Feedback.objects.select_related("handled_by_unit").get(pk=feedback_pk)
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Trả lời phản ánh, kiến nghị của bạn")
        body = _("%(unit)s trả lời phản ánh, kiến nghị của bạn:\n\n%(answer)s\n\nTheo dõi: %(url)s\n") % {
            "unit": feedback.handled_by_unit, "answer": feedback.answer,
            "url": site_url + reverse("feedback_public:track", args=[feedback.code])}
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [feedback.email]).send(fail_silently=True)


def item_link(feedback: Feedback) -> str:
    return reverse("feedback:item", args=[feedback.pk])


def feedback_deadlines_scan(now: datetime | None = None) -> tuple[int, int]:
    """The minute scan: an open item near its due time reminds its unit once; one past it goes, once, to the
    unit's leaders and to the Department (its feedback unit's officers and the Director and Deputy). Each is marked
    on the row (and the notification carries a dedupe key), so a second run, or two at once, tell nobody again.
    Returns (reminded, escalated)."""
    now = now or timezone.now()
    reminded = escalated = 0
    for feedback in items_to_remind(now, feedback_settings().remind_hours_before):
        if not Feedback.objects.filter(pk=feedback.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue  # another scan took it
        notify([feedback.unit], kind=Kind.DUE_SOON, level=Level.WARNING, link=item_link(feedback),
               title=_("Sắp đến hạn trả lời phản ánh: %(s)s") % {"s": feedback.summary},
               dedupe_key=f"feedback-remind:{feedback.pk}")
        reminded += 1
    department = department_unit()
    for feedback in items_to_escalate(now):
        if not Feedback.objects.filter(pk=feedback.pk, escalated_at__isnull=True).update(escalated_at=now):
            continue
        recipients = [*org_selectors.people_of_unit(feedback.unit, leaders_only=True),
                      *org_selectors.people_with_role(Role.DIRECTOR),
                      *org_selectors.people_with_role(Role.DEPUTY_DIRECTOR)]
        if department is not None and department.pk != feedback.unit_id:
            recipients.append(department)
        notify(recipients, kind=Kind.ESCALATION, level=Level.URGENT, link=item_link(feedback),
               title=_("Quá hạn trả lời phản ánh: %(s)s (%(u)s)") % {"s": feedback.summary, "u": feedback.unit},
               dedupe_key=f"feedback-escalated:{feedback.pk}")
        escalated += 1
    return reminded, escalated
