"""Process proxies that know their domain object (kept in viewflow's artifact columns)."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from coordination.models import Assignment, Directive
from editorial.models import Bulletin


class DirectiveProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình văn bản chỉ đạo")
        verbose_name_plural = _("quy trình văn bản chỉ đạo")

    @cached_property
    def directive(self) -> Directive:
        return Directive.objects.select_related("issuing_unit", "created_by", "urgency").get(
            pk=self.artifact_object_id
        )


class AssignmentProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình nhiệm vụ đơn vị")
        verbose_name_plural = _("quy trình nhiệm vụ đơn vị")

    @cached_property
    def assignment(self) -> Assignment:
        return Assignment.objects.select_related("directive__issuing_unit", "unit", "parent__unit").get(
            pk=self.artifact_object_id
        )


class BulletinProcess(Process):
    class Meta:
        proxy = True
        verbose_name = _("quy trình bản tin")
        verbose_name_plural = _("quy trình bản tin")

    @cached_property
    def bulletin(self) -> Bulletin:
        return Bulletin.objects.select_related("created_by", "drafting_unit", "current_revision").get(
            pk=self.artifact_object_id
        )
