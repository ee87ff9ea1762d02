"""Receivers of coordination's domain signals (connected in ReportingConfig.ready)."""

from django.dispatch import receiver

from coordination.signals import directive_cancelled

from . import services


@receiver(directive_cancelled, dispatch_uid="reporting.period_cancel_with_directive")
def period_ends_with_its_directive(sender, *, directive, reason: str, **kwargs) -> None:
    services.period_cancel_with_directive(directive=directive, reason=reason)
