"""Background and periodic work (huey): render audio, publish scheduled bulletins, send the Zalo outbox.

A job is lost when its worker dies (huey has taken it off the queue), so each kind of work has a periodic job
that finds it again from its visible state: renderings by `reconcile_audio_renders`, scheduled bulletins past
their time by `publish_due_bulletins` (the claim and the publication share one transaction: a dead worker's
rollback leaves the bulletin scheduled), Zalo messages by the periodic delivery (a claim is a lease that
expires). Every lock expires too (settings.HUEY_LOCK_TTL)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from . import services


@db_task()
def render_audio(audio_id: int) -> str:
    """Queued after the commit that created the request; the page polls its status."""
    return services.audio_render(audio_id=audio_id).status


@db_periodic_task(crontab(minute="*"))
@lock_task("editorial-reconcile-audio", ttl=settings.HUEY_LOCK_TTL)
def reconcile_audio_renders() -> list[int]:
    """Every minute: queue again the renderings whose job vanished (editorial.selectors.audio_renders_stalled)."""
    return services.audio_renders_reconcile()


@db_periodic_task(crontab(minute="*"))
@lock_task("editorial-publish-due", ttl=settings.HUEY_LOCK_TTL)
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
