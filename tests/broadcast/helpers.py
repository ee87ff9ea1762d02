"""Publishing for the loudspeaker tests."""

from editorial.models import Bulletin
from tests.editorial.helpers import draft, u
from tests.workflows.bulletin.helpers import bulletin_task, publish_now
from workflows import engine
from workflows.bulletin import services as bulletin_services
from workflows.bulletin import steps as bulletin_steps
from workflows.bulletin.flow import BulletinFlow


def publish_emergency(target_spec: dict, capture) -> Bulletin:
    """Drafted, approved by a leader (who renders and confirms its recording with espeak-ng), published."""
    bulletin = draft(priority="emergency", title="Khẩn cấp: lũ quét", target_spec=target_spec)
    bulletin_services.review_start(bulletin=bulletin, user=u("phongtt"))
    with capture(execute=True):  # the leader's approval renders the recording
        engine.task_run(bulletin_task(bulletin, BulletinFlow.approve_emergency), u("phogiamdoc"),
                        bulletin_steps.approve_emergency_step)
    publish_now(bulletin, capture)
    return Bulletin.objects.get(pk=bulletin.pk)
