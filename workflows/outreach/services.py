"""Propagandists in the flows: a bulletin published to communes reaches each of their active propagandists on
their channel, with a personal link (the receipt page, pages.py); what stays unread gets one reminder."""

from django.conf import settings
from django.urls import reverse

from editorial.models import Bulletin
from org.models import Unit, UnitKind
from outreach import services as outreach
from outreach.models import Delivery


def receipt_link(delivery: Delivery) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("outreach_receipt", args=[delivery.token])


def on_published(bulletin: Bulletin) -> int:
    """The published revision goes to the propagandists of its target communes (once per revision)."""
    revision = bulletin.published_revision
    communes = Unit.objects.filter(pk__in=bulletin.targets.values("unit_id"), kind=UnitKind.COMMUNE)
    return outreach.deliveries_create(bulletin_id=bulletin.pk, revision=revision.number, title=bulletin.title,
                                      units=communes)


def deliver(now=None) -> dict:
    return outreach.outbox_deliver(link_of=receipt_link, now=now)


def remind(now=None) -> int:
    return outreach.reminders_send(link_of=receipt_link, now=now)
