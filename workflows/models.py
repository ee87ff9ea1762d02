"""Process proxies that know their domain object (kept in viewflow's artifact columns)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from coordination.models import Assignment, Directive
from editorial.models import Bulletin
from feedback.models import Feedback

from .engine import artifact_property


class DirectiveProcess(Process):
    directive = artifact_property(Directive, "issuing_unit", "created_by", "urgency")

    class Meta:
        proxy = True
        verbose_name = _("quy trình văn bản chỉ đạo")
        verbose_name_plural = _("quy trình văn bản chỉ đạo")


class AssignmentProcess(Process):
    assignment = artifact_property(Assignment, "directive__issuing_unit", "unit", "parent__unit")

    class Meta:
        proxy = True
        verbose_name = _("quy trình nhiệm vụ đơn vị")
        verbose_name_plural = _("quy trình nhiệm vụ đơn vị")


class BulletinProcess(Process):
    bulletin = artifact_property(Bulletin, "created_by", "drafting_unit", "current_revision")

    class Meta:
        proxy = True
        verbose_name = _("quy trình bản tin")
        verbose_name_plural = _("quy trình bản tin")


class TaskDeadline(models.Model):
    """How long a human step of the flows may wait, and when its lateness goes up (admin-editable; a node with
    no row keeps the default of workflows/deadlines.py). A unit's own steps (receive, report) keep their
    assignment's deadline."""

    node = models.CharField(_("bước"), max_length=60, unique=True)
    minutes = models.PositiveIntegerField(_("thời hạn (phút)"))
    escalate_after_minutes = models.PositiveIntegerField(
        _("báo lãnh đạo sau khi quá hạn (phút)"), default=0, help_text=_("0: không báo lãnh đạo."))

    class Meta:
        verbose_name = _("thời hạn bước xử lý")
        verbose_name_plural = _("thời hạn bước xử lý")
        ordering = ["node"]

    def __str__(self) -> str:
        return self.node


class FeedbackProcess(Process):
    feedback = artifact_property(Feedback, "unit", "commune")

    class Meta:
        proxy = True
        verbose_name = _("quy trình xử lý phản ánh, kiến nghị")
        verbose_name_plural = _("quy trình xử lý phản ánh, kiến nghị")
