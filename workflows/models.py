"""Process proxies that know their domain object (kept in viewflow's artifact columns)."""

from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from coordination.models import Assignment, Directive
from editorial.models import Bulletin

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
