"""Walk a bulletin through BulletinFlow from code, as the pages do, up to its broadcast directive."""

from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from coordination.models import Directive
from editorial import services as editorial
from editorial.models import Bulletin
from tests.editorial.helpers import draft, u, wav_bytes
from workflows import engine
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow
from workflows.models import BulletinProcess


def bulletin_task(bulletin: Bulletin, flow_task) -> Task:
    return Task.objects.get(process__flow_class=BulletinFlow, process__artifact_object_id=bulletin.pk,
                            flow_task=flow_task, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def through_board_and_director(bulletin: Bulletin) -> None:
    """The Board approves (one reviewer), the secretary confirms a recording, the Director signs off."""
    engine.task_run(bulletin_task(bulletin, BulletinFlow.choose_reviewers), u("truongban"),
                      bulletin_steps.choose_reviewers_step, reviewers=[u("bientap1")])
    engine.task_run(bulletin_task(bulletin, BulletinFlow.review), u("bientap1"), bulletin_steps.review_step,
                      decision="approve")
    audio = editorial.audio_upload(bulletin=Bulletin.objects.get(pk=bulletin.pk), user=u("truongban"),
                                   file=SimpleUploadedFile("doc.wav", wav_bytes(2.0), content_type="audio/wav"))
    editorial.audio_confirm(audio=audio, user=u("truongban"))
    engine.task_run(bulletin_task(bulletin, BulletinFlow.prepare_audio), u("truongban"),
                    bulletin_steps.prepare_audio_step)
    engine.task_run(bulletin_task(bulletin, BulletinFlow.sign_off), u("giamdoc"), bulletin_steps.sign_off_step,
                      approve=True)


def publish_now(bulletin: Bulletin, capture) -> Directive:
    """The Office publishes; returns the broadcast directive the publication started."""
    with capture(execute=True):
        engine.task_run(bulletin_task(bulletin, BulletinFlow.publish), u("vanphong"), bulletin_steps.publish_step)
    return broadcast_directive(bulletin)


def broadcast_directive(bulletin: Bulletin) -> Directive:
    process = BulletinProcess.objects.filter(flow_class=BulletinFlow, artifact_object_id=bulletin.pk).latest("pk")
    return Directive.objects.get(pk=process.data["directive_id"])


def published_bulletin(capture, **fields) -> tuple[Bulletin, Directive]:
    """A normal bulletin (unless `fields` say otherwise) submitted, approved, signed off and published."""
    bulletin = draft(**fields)
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    through_board_and_director(bulletin)
    return bulletin, publish_now(bulletin, capture)
