"""Coordination's domain events, for the apps built on its directives (reporting) that coordination does not
know. Sent inside the transaction that made the change, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# A directive was cancelled: kwargs directive (saved, status cancelled), user (who cancelled), reason (stripped).
directive_cancelled = Signal()
