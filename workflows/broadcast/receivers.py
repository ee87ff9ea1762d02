"""Loudspeaker clusters follow the flows' events (workflows/broadcast/services.py), after the change commits."""

from django.dispatch import receiver

from coordination.signals import directive_cancelled
from editorial.signals import bulletin_published

from .. import engine
from ..directive.signals import unit_acknowledged
from . import services


@receiver(unit_acknowledged)
def schedule_clusters(sender, assignment_id: int, **kwargs):
    engine.after_commit(lambda: services.on_acknowledged(assignment_id))


@receiver(bulletin_published)
def clusters_on_publication(sender, bulletin, **kwargs):
    engine.after_commit(lambda: services.on_published(bulletin))


@receiver(directive_cancelled)
def clusters_withdraw(sender, directive, **kwargs):
    services.on_directive_cancelled(directive)
