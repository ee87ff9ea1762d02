"""Starting FeedbackFlow: the public page's submission becomes an item and its process in one transaction; the
commune's officers hear of the triage task through workflows/signals.py (row F1)."""

from django.db import transaction

from feedback import services as feedback_services
from feedback.models import Feedback
from org.models import Unit

from .flow import FeedbackFlow


@transaction.atomic
def feedback_receive(*, commune: Unit, **fields) -> Feedback:
    feedback = feedback_services.feedback_submit(commune=commune, **fields)
    FeedbackFlow.start.run(feedback=feedback)
    return feedback
