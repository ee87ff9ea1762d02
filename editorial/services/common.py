"""Helpers shared by the editorial services: row locks, history rows, notification links, the permission guard."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from org.models import User

from ..models import Bulletin, BulletinEvent, BulletinRevision


def locked(bulletin: Bulletin) -> Bulletin:
    """The bulletin re-read under a row lock (PostgreSQL); SQLite serialises writers anyway."""
    return Bulletin.objects.select_for_update().get(pk=bulletin.pk)


def event(bulletin: Bulletin, kind: str, actor: User | None = None, *, comment: str = "",
          revision: BulletinRevision | None = None) -> BulletinEvent:
    return BulletinEvent.objects.create(bulletin=bulletin, kind=kind, actor=actor, comment=comment,
                                        revision=revision)


def bulletin_link(bulletin: Bulletin) -> str:
    return reverse("editorial:bulletin_detail", args=[bulletin.pk])


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)
