"""Who may do what with a feedback item, in one place. Its contact details and attachments are personal data:
only the unit handling it sees them (an officer of another unit gets 404, like an item that does not exist)."""

from org.models import Unit, User
from org.selectors import user_acts_for_unit

from .models import Feedback


def can_handle(user: User, feedback: Feedback) -> bool:
    """Answer, forward or close it, see the sender's contact and attachments: the handling unit's officers."""
    return bool(user.is_authenticated and user.is_active and feedback.is_open
                and user_acts_for_unit(user, feedback.unit))


def can_see_contact(user: User, feedback: Feedback) -> bool:
    """The sender's contact and attachments: the unit handling it now, or the unit that answered or closed it."""
    if not (user.is_authenticated and user.is_active):
        return False
    unit: Unit = feedback.unit if feedback.is_open else (feedback.handled_by_unit or feedback.unit)
    return user_acts_for_unit(user, unit)


def can_see(user: User, feedback: Feedback) -> bool:
    """The item's page: its unit (with the contact), or the Department's leaders and managers following every
    unit's work (an escalation links there), without the contact."""
    return can_see_contact(user, feedback) or bool(
        user.is_authenticated and user.is_active and user.has_perm("org.supervise_all_units"))
