"""Background email delivery (huey). Both tasks go through `send_due_emails`, which claims each row with a
conditional UPDATE: running them twice, or on several consumers at once, sends each email once. An urgent
email whose job was lost (its worker died) is sent by the periodic sweep, after the claim's lease if it had
been claimed (settings.EMAIL_CLAIM_LEASE_SECONDS)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


@db_task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Urgent notifications, queued right after the commit that created them."""
    return services.send_due_emails(ids=notification_ids)


@db_periodic_task(crontab(minute="*"))
def email_due_notifications() -> int:
    """Every minute: reminders for notifications still unread after the person's chosen delay, and any urgent
    email whose immediate task was lost."""
    return services.send_due_emails()
