"""A publication reaches the propagandists once it commits (the deliveries are written, then sent by a job)."""

from django.dispatch import receiver

from editorial.signals import bulletin_published

from .. import engine
from ..tasks import outreach_deliver_job
from . import services


@receiver(bulletin_published)
def propagandists_on_publication(sender, bulletin, **kwargs):
    def send():
        if services.on_published(bulletin):
            outreach_deliver_job()

    engine.after_commit(send)
