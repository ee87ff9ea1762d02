"""Loudspeaker clusters follow the flows' events (workflows/broadcast/services.py), after the change commits."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models.signals import post_save
from django.dispatch import receiver

from coordination.models import Assignment, AssignmentEvent, Directive, Urgency
from coordination.signals import directive_cancelled
from editorial.signals import bulletin_published

from .. import engine
from ..directive.signals import unit_acknowledged
from . import services
from .board import board_group

log = logging.getLogger(__name__)


@receiver(unit_acknowledged)
def schedule_clusters(sender, assignment_id: int, **kwargs):
    engine.after_commit(lambda: services.on_acknowledged(assignment_id))


@receiver(bulletin_published)
def clusters_on_publication(sender, bulletin, **kwargs):
    engine.after_commit(lambda: services.on_published(bulletin))


@receiver(directive_cancelled)
def clusters_withdraw(sender, directive, **kwargs):
    services.on_directive_cancelled(directive)


def _board_changed(directive_id: int) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(board_group(directive_id), {"type": "board.changed"})
    except Exception:  # the board is a view of the data: a lost ping only delays it until the next one
        log.warning("emergency board %s: ping not sent", directive_id, exc_info=True)


@receiver(post_save, sender=Assignment)
@receiver(post_save, sender=AssignmentEvent)
def board_ping(sender, instance, **kwargs):
    """A unit's state changed (received, reported, escalated): the open boards of an urgent directive refresh."""
    directive_id = instance.directive_id if sender is Assignment else None
    if directive_id is None:
        directive_id = Assignment.objects.filter(pk=instance.assignment_id).values_list(
            "directive_id", flat=True).first()
    if directive_id and Directive.objects.filter(pk=directive_id, urgency__rank__gte=Urgency.URGENT_RANK).exists():
        engine.after_commit(lambda: _board_changed(directive_id))
