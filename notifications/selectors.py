"""Reads shared by the consumer, the JSON endpoints and the pages."""

from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from org.models import User

from .models import DEFAULT_EMAIL_MODE, DEFAULT_UNREAD_MINUTES, Kind, Level, Notification, NotificationPreference

CATCH_UP_LIMIT = 50


@dataclass(frozen=True)
class Since:
    notifications: list[Notification]  # oldest first
    truncated: bool  # more than `limit` were newer than last_id: these are the newest of them
    last_id: int  # the newest id the user has (0 when none)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def last_notification_id(user: User) -> int:
    return Notification.objects.filter(recipient=user).aggregate(m=Max("id"))["m"] or 0


def notifications_since(user: User, last_id: int | None, limit: int = CATCH_UP_LIMIT) -> Since:
    """What a client that saw up to `last_id` missed: at most `limit`, the newest ones, oldest first (a user back
    from a week away gets the latest, not the first of the week). `last_id=None` means a client that has never
    seen anything: nothing is replayed, it only learns where to start."""
    newest = last_notification_id(user)
    if last_id is None:
        return Since([], False, newest)
    rows = list(
        Notification.objects.filter(recipient=user, id__gt=last_id).select_related("actor").order_by("-id")[: limit + 1]
    )
    truncated = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    return Since(rows, truncated, max([newest, *(n.pk for n in rows)]))


def recent(user: User, limit: int = 20) -> list[Notification]:
    """The newest notifications, newest first, for the bell's list."""
    return list(Notification.objects.filter(recipient=user).select_related("actor").order_by("-id")[:limit])


def notification_list(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).select_related("actor").order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def listed(notifications) -> list[Notification]:
    """A page of the list, ready to draw: each row's kind and level labels (`kind_label`, `level_label`) and its
    time in Hanoi (`created_iso`, `created_label`) worked out here, the choices translated once per page, not once
    per row by get_FOO_display (a dict of every kind's translated label each time) and the template's date filter."""
    rows = list(notifications)
    kinds, levels = dict(Kind.choices), dict(Level.choices)
    for n in rows:
        n.kind_label = str(kinds.get(n.kind, n.kind))
        n.level_label = str(levels.get(n.level, n.level))
        moment = timezone.localtime(n.created_at)
        n.created_iso, n.created_label = moment.isoformat(), moment.strftime("%d/%m/%Y %H:%M")
    return rows


def email_preferences(user: User) -> dict[str, tuple[str, int]]:
    """(email_mode, minutes) for every kind, defaults filled in."""
    prefs = {kind: (DEFAULT_EMAIL_MODE.value, DEFAULT_UNREAD_MINUTES) for kind in Kind.values}
    for kind, mode, minutes in NotificationPreference.objects.filter(user=user).values_list(
        "kind", "email_mode", "minutes"
    ):
        prefs[kind] = (mode, minutes)
    return prefs
