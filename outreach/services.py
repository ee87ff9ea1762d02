"""Writes for propagandists: the registry (by hand and from a sheet), deliveries of a published bulletin, the
outbox that sends them (claimed by a conditional UPDATE, retried with back-off, a dead worker's claim expires),
receipts when a personal link is opened, and one reminder for what stays unread."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Unit

from .models import Delivery, Propagandist
from .senders import SendError, sender_for

MAX_ATTEMPTS = 5


def propagandist_save(*, unit: Unit, full_name: str, phone: str = "", **fields) -> tuple[Propagandist, bool]:
    """Create or update by (commune, full name, phone): importing the same sheet twice changes nothing."""
    fields = {k: v for k, v in fields.items() if v is not None}
    return Propagandist.objects.update_or_create(unit=unit, full_name=full_name.strip(), phone=phone.strip(),
                                                 defaults=fields)


@transaction.atomic
def deliveries_create(*, bulletin_id: int, revision: int, title: str, units) -> int:
    """One delivery per active propagandist of `units` for this revision, with its own secret; existing ones stay.
    Returns how many are new."""
    people = list(Propagandist.objects.filter(unit__in=units, is_active=True).only("pk", "unit_id", "channel"))
    before = Delivery.objects.filter(bulletin_id=bulletin_id, revision=revision).count()
    Delivery.objects.bulk_create([
        Delivery(propagandist_id=p.pk, unit_id=p.unit_id, bulletin_id=bulletin_id, revision=revision,
                 title=title[:300], channel=p.channel, token=secrets.token_urlsafe(32))
        for p in people], batch_size=1000, ignore_conflicts=True)
    return Delivery.objects.filter(bulletin_id=bulletin_id, revision=revision).count() - before


def _claim(now: datetime, limit: int) -> list[Delivery]:
    stale = now - timedelta(seconds=settings.ZALO_CLAIM_LEASE_SECONDS)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    ids = list(Delivery.objects.filter(free, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    Delivery.objects.filter(free, pk__in=ids, status=Delivery.Status.PENDING).update(claimed_at=now)
    return list(Delivery.objects.filter(pk__in=ids, claimed_at=now).select_related("propagandist"))


def message_text(delivery: Delivery, link: str, *, reminder: bool = False) -> tuple[str, str]:
    subject = (_("Nhắc: bản tin chưa đọc — %(t)s") if reminder else _("Bản tin mới: %(t)s")) % {"t": delivery.title}
    text = _("Kính gửi %(name)s,\n\n%(subject)s\nMở đường dẫn riêng của bạn để đọc, nghe và xác nhận đã nhận:\n"
             "%(link)s\n\nSở Văn hóa và Thể thao Hà Nội") % {
        "name": delivery.propagandist.full_name, "subject": subject, "link": link}
    return subject, text


def outbox_deliver(*, link_of: Callable[[Delivery], str], now: datetime | None = None, limit: int = 500) -> dict:
    """Send what is due. A failure that may pass is retried after 1, 2, 4, 8 minutes, then marked failed."""
    now = now or timezone.now()
    sent = failed = 0
    for delivery in _claim(now, limit):
        subject, text = message_text(delivery, link_of(delivery))
        try:
            sender_for(delivery.channel).send(to=delivery.propagandist.address, subject=subject, text=text,
                                              reference=f"outreach-{delivery.pk}")
        except SendError as exc:
            attempts = delivery.attempts + 1
            final = not exc.retryable or attempts >= MAX_ATTEMPTS
            Delivery.objects.filter(pk=delivery.pk).update(
                attempts=attempts, last_error=str(exc)[:1000], claimed_at=None,
                status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
                next_attempt_at=now + timedelta(minutes=2 ** (attempts - 1)))
            failed += 1
            continue
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=now, claimed_at=None,
                                                       attempts=delivery.attempts + 1, last_error="")
        sent += 1
    return {"sent": sent, "failed": failed}


def receipt_record(delivery: Delivery, now: datetime | None = None) -> Delivery:
    """The personal link was opened: the first opening is the receipt; later ones are counted."""
    now = now or timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(opened=F("opened") + 1)
    Delivery.objects.filter(pk=delivery.pk, received_at__isnull=True).update(received_at=now)
    delivery.refresh_from_db()
    return delivery


def reminders_send(*, link_of: Callable[[Delivery], str], now: datetime | None = None) -> int:
    """Sent and still unread after OUTREACH_REMINDER_HOURS: one reminder each, on the same channel."""
    now = now or timezone.now()
    due = now - timedelta(hours=settings.OUTREACH_REMINDER_HOURS)
    reminded = 0
    for delivery in Delivery.objects.filter(status=Delivery.Status.SENT, received_at__isnull=True,
                                            reminded_at__isnull=True, sent_at__lte=due).select_related("propagandist"):
        if not Delivery.objects.filter(pk=delivery.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue  # another worker took it
        subject, text = message_text(delivery, link_of(delivery), reminder=True)
        try:
            sender_for(delivery.channel).send(to=delivery.propagandist.address, subject=subject, text=text,
                                              reference=f"outreach-{delivery.pk}-reminder")
        except SendError as exc:
            Delivery.objects.filter(pk=delivery.pk).update(last_error=str(exc)[:1000])
            continue
        reminded += 1
    return reminded


DEMO_PER_COMMUNE = 10
DEMO_GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nga"]


def demo_propagandists_ensure(units) -> int:
    """The demo's registry: ten per commune (three hamlet heads, three from the mass organisations), each with an
    e-mail; idempotent (existing ones are left as they are)."""
    rows = []
    for unit in units:
        for i, given in enumerate(DEMO_GIVEN[:DEMO_PER_COMMUNE]):
            role = (Propagandist.Role.HAMLET_HEAD if i < 3 else Propagandist.Role.MASS_ORG if i < 6
                    else Propagandist.Role.OTHER)
            rows.append(Propagandist(unit=unit, full_name=f"Nguyễn Văn {given}", phone=f"09{unit.pk:06d}{i:02d}"[:11],
                                     hamlet=f"Tổ dân phố số {i + 1}", role=role, training="Tập huấn 2025",
                                     email=f"ttv{i + 1}.{unit.code.lower()}@example.vn"))
    before = Propagandist.objects.count()
    Propagandist.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return Propagandist.objects.count() - before


def delivery_retry(*, delivery_id: int) -> bool:
    """A failed delivery back to the outbox (after its channel was configured, say): once."""
    return bool(Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0, claimed_at=None))
