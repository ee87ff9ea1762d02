"""A published emergency takes over the e-boards of its target units (after the publication commits)."""

from django.dispatch import receiver

from editorial.signals import bulletin_published

from .eboards import emergency_push_on_commit


@receiver(bulletin_published, dispatch_uid="api.eboard_emergency")
def push_emergency_to_eboards(sender, bulletin, revision, **kwargs):
    emergency_push_on_commit(bulletin, revision)
