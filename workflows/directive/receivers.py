"""Reactions to what the directive steps announce (signals.py): queue the fan-out job once the approval
commits; look whether the directive's wait is over once a unit's acceptance commits."""

from django.dispatch import receiver

from .. import engine, tasks
from . import services
from .signals import directive_approved, relay_requested, unit_finished


@receiver(directive_approved)
def queue_fan_out(sender, directive_id: int, **kwargs):
    engine.after_commit(lambda: tasks.fan_out_job(directive_id))


@receiver(unit_finished)
def resume_directive(sender, directive_id: int, **kwargs):
    engine.after_commit(lambda: services.directive_resume_if_done(directive_id))


@receiver(relay_requested)
def relay_to_communes(sender, assignment, user, units, **kwargs):
    services.relay(assignment=assignment, user=user, units=units)
