"""What the triage node of FeedbackFlow does: one feedback service, then `activation.execute()` (a forward loops
back to triage in the new unit's queue: flow.py)."""

from viewflow.workflow.activation import Activation

from feedback import services as feedback_services
from feedback.models import Feedback
from org.models import Unit, User


def triage_step(activation: Activation, user: User, *, decision: str, answer: str = "", reason: str = "",
                unit: Unit | None = None, note: str = "") -> Feedback:
    feedback = activation.process.feedback
    if decision == "answer":
        feedback = feedback_services.feedback_answer(feedback=feedback, user=user, answer=answer)
    elif decision == "forward":
        feedback = feedback_services.feedback_forward(feedback=feedback, user=user, unit=unit, note=note)
    elif decision == "close":
        feedback = feedback_services.feedback_close(feedback=feedback, user=user, reason=reason)
    else:
        raise ValueError(decision)
    activation.execute()
    return feedback
