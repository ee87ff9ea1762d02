"""Editorial's domain signals that move a bulletin's flow: a voided approval ends it, a scheduled
publication resumes it."""

from django.dispatch import receiver

from editorial.signals import approval_voided, bulletin_published

from . import services


@receiver(approval_voided)
def end_process_on_voided_approval(sender, bulletin, **kwargs):
    services.end_on_void(bulletin)


@receiver(bulletin_published)
def resume_scheduled_publication(sender, bulletin, **kwargs):
    services.publication_resume(bulletin)
