"""Background and periodic work (huey): render audio, publish scheduled bulletins, send the Zalo outbox."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import services


@db_task()
def render_audio(audio_id: int) -> str:
    """Queued after the commit that created the request; the page polls its status."""
    return services.audio_render(audio_id=audio_id).status


@db_periodic_task(crontab(minute="*"))
@lock_task("editorial-publish-due")
def publish_due_bulletins() -> int:
    return services.bulletins_publish_due()


@db_task()
def deliver_zalo_messages() -> int:
    """Right after a publication (and from the periodic job). Each message is claimed by a conditional UPDATE,
    so overlapping runs are harmless."""
    return services.zalo_outbox_deliver()


@db_periodic_task(crontab(minute="*"))
def deliver_zalo_messages_periodic() -> int:
    return deliver_zalo_messages.call_local()
