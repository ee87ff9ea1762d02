"""The shapes of what the server sends to browsers, declared once and used by the push, the catch-up on
(re)connect and the polling endpoint alike. Every payload must survive `json.dumps`."""

from collections.abc import Iterable
from datetime import datetime
from typing import Literal, TypedDict

from django.utils import formats, timezone

from .models import Kind, Notification

BODY_MAX = 500  # pushes stay small; the list page shows the whole text


class NotificationPayload(TypedDict):
    id: int
    kind: str
    kind_label: str
    level: str
    title: str
    body: str
    link: str
    actor: str | None
    created_at: str  # ISO 8601 with offset
    created_display: str  # dd/mm/yyyy HH:MM in the site's time zone
    read: bool


class PushMessage(TypedDict):
    """No unread count: counting a thousand recipients' unread rows made every notify() slower as rows piled
    up. The browser adds one per new notification to the count it got on connect (and with every "read")."""

    type: Literal["notification"]
    notification: NotificationPayload


class CatchUpMessage(TypedDict):
    type: Literal["catch_up"]
    notifications: list[NotificationPayload]
    truncated: bool  # more were missed than sent; the list page has them all
    last_id: int  # the newest id the user has; the client remembers it


class UnreadMessage(TypedDict):
    type: Literal["unread"]
    count: int


class ReadMessage(TypedDict):
    type: Literal["read"]
    ids: list[int]
    all: bool
    unread: int


def notification_payloads(
    notifications: Iterable[Notification], *, actor_name: str | None = None
) -> list[NotificationPayload]:
    """`actor_name` spares a query when the caller already holds the actor; otherwise select_related it.
    Labels and dates are formatted once per distinct value: one notify() to a thousand people shares them,
    and Django's get_FOO_display() alone cost ~0.2 ms a row (it hashes every lazy choice label)."""
    kind_labels: dict[str, str] = {}
    dates: dict[datetime, tuple[str, str]] = {}
    payloads = []
    for n in notifications:
        if n.kind not in kind_labels:
            kind_labels[n.kind] = str(Kind(n.kind).label)
        if n.created_at not in dates:
            dates[n.created_at] = (
                n.created_at.isoformat(),
                formats.date_format(timezone.localtime(n.created_at), "SHORT_DATETIME_FORMAT"),
            )
        created_at, created_display = dates[n.created_at]
        actor = actor_name if actor_name is not None else (n.actor.get_full_name() if n.actor_id else None)
        payloads.append({
            "id": n.pk,
            "kind": n.kind,
            "kind_label": kind_labels[n.kind],
            "level": n.level,
            "title": n.title,
            "body": n.body if len(n.body) <= BODY_MAX else n.body[: BODY_MAX - 1] + "…",
            "link": n.link,
            "actor": actor,
            "created_at": created_at,
            "created_display": created_display,
            "read": n.read_at is not None,
        })
    return payloads


def catch_up_message(notifications: list[Notification], *, truncated: bool, last_id: int) -> CatchUpMessage:
    return {
        "type": "catch_up",
        "notifications": notification_payloads(notifications),
        "truncated": truncated,
        "last_id": last_id,
    }


def unread_message(count: int) -> UnreadMessage:
    return {"type": "unread", "count": count}


def read_message(ids: list[int], *, all_read: bool, unread: int) -> ReadMessage:
    return {"type": "read", "ids": ids, "all": all_read, "unread": unread}
