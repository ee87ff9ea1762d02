"""Domain signals for the code that drives editorial (workflows/). Sent inside the service's transaction, so a
receiver may cancel its own rows atomically with the change; it must not do slow work there."""

from django.dispatch import Signal

# A text change after approval voided it: kwargs bulletin, revision (the revision that had been approved),
# actor, reason. The workflow cancels the process waiting on that approval (sign-off, scheduling).
approval_voided = Signal()

# A bulletin became (or was again, after a correction) published: kwargs bulletin, revision, actor.
bulletin_published = Signal()
