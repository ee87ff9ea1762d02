"""Every write of the notifications app. Other apps call `notify()`; nothing else writes notifications.

Persist, then publish on commit: rows are written inside a transaction, and the websocket push and the
urgent emails are registered with `transaction.on_commit`, so a rolled-back caller notifies nobody and a
browser never hears of a row it cannot read yet."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import FilteredRelation, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from common import bulk
from org.models import Unit, User
from org.selectors import people_of_units

from . import push
from .models import (
    DEFAULT_EMAIL_MODE,
    DEFAULT_UNREAD_MINUTES,
    Delivery,
    EmailMode,
    Kind,
    Level,
    Notification,
    NotificationPreference,
)
from .payloads import PushMessage, notification_payloads, read_message
from .selectors import email_preferences, unread_count

logger = logging.getLogger(__name__)

Recipient = User | Unit | int
Recipients = Recipient | Iterable[Recipient] | QuerySet

UNITS_PER_QUERY = 1000
MAX_IDS_PER_CALL = 1000


# ---------------------------------------------------------------------------------------------- notify


def notify(
    recipients: Recipients,
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    actor: User | None = None,
    level: str = Level.INFO,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Notify users and/or the active people of units, once each. Returns the rows written (recipients that
    already had `dedupe_key` are skipped: a reminder or an escalation happens once per person). The `actor` is
    never told of what they just did, even when they are among the recipients (a unit they belong to).

    Safe inside a caller's transaction: the push and the urgent emails wait for its commit."""
    title, body, link = str(title), str(body), str(link)  # lazy translations would not survive the push
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if level not in Level.values:
        raise ValueError(f"unknown notification level {level!r}")
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"a notification links to a path of this site, not {link!r}")
    user_ids = _recipient_ids(recipients)
    if actor is not None:
        user_ids = [uid for uid in user_ids if uid != actor.pk]
    if not user_ids:
        return []
    now = timezone.now()
    actor_name = actor.get_full_name() if actor is not None else None
    with transaction.atomic():
        people = _active_people(user_ids, kind)  # id → (email, the person's e-mail mode for this kind, minutes)
        targets = [uid for uid in user_ids if uid in people]
        if dedupe_key and not bulk.supported():  # PostgreSQL skips them in the INSERT itself
            already = set(
                Notification.objects.filter(recipient_id__in=targets, dedupe_key=dedupe_key).values_list(
                    "recipient_id", flat=True
                )
            )
            targets = [uid for uid in targets if uid not in already]
        if not targets:
            return []
        template = Notification(kind=kind, level=level, title=title[:255], body=body, link=link, actor=actor,
                                dedupe_key=dedupe_key or None, created_at=now)
        due = {uid: _email_due_at(level, *people[uid], now=now) for uid in targets}
        written = _insert(template, targets, due)  # (id, recipient id) in the order of targets
        if written:
            # Every recipient's payload is the same but for its id: built once (a thousand payloads by
            # notification_payloads() cost ~10 ms, and the rows as model instances ~40 ms more).
            shared = notification_payloads([template], actor_name=actor_name)[0]
            deliveries: list[tuple[int, PushMessage]] = [
                (uid, {"type": "notification", "notification": {**shared, "id": pk}}) for pk, uid in written
            ]
            email_now = [pk for pk, uid in written if due[uid] is not None and due[uid] <= now]
            transaction.on_commit(partial(_after_notify_commit, deliveries, email_now))
    # Built after the push left (when this call is the outermost transaction): callers rarely need them.
    return [_row(template, pk, uid, due[uid]) for pk, uid in written]


_DEFAULT_MODE = (DEFAULT_EMAIL_MODE.value, DEFAULT_UNREAD_MINUTES)


def _recipient_ids(recipients: Recipients) -> list[int]:
    """User ids in first-seen order, each once; units become their active people."""
    if isinstance(recipients, QuerySet):
        if issubclass(recipients.model, User):
            return list(dict.fromkeys(recipients.values_list("pk", flat=True)))
        recipients = list(recipients)
    elif isinstance(recipients, User | Unit | int):
        recipients = [recipients]
    ids: dict[int, None] = {}
    units: list[Unit] = []
    for r in recipients:
        if isinstance(r, Unit):
            units.append(r)
        elif isinstance(r, User):
            ids[r.pk] = None
        elif isinstance(r, int) and not isinstance(r, bool):
            ids[r] = None
        else:
            raise TypeError(f"cannot notify {r!r}: pass users, units or user ids")
    for start in range(0, len(units), UNITS_PER_QUERY):
        chunk = units[start : start + UNITS_PER_QUERY]
        for pk in people_of_units(chunk).values_list("pk", flat=True):
            ids.setdefault(pk)
    return list(ids)


def _active_people(user_ids: list[int], kind: str) -> dict[int, tuple[str, str, int]]:
    """The active ones among `user_ids`, with their e-mail address and their preference for `kind` (the
    default without one), in one query."""
    mine = FilteredRelation("notification_preferences", condition=Q(notification_preferences__kind=kind))
    rows = (User.objects.filter(pk__in=bulk.any_of(user_ids), is_active=True).annotate(pref=mine)
            .values_list("pk", "email", "pref__email_mode", "pref__minutes"))
    return {uid: (email, *((mode, minutes) if mode is not None else _DEFAULT_MODE))
            for uid, email, mode, minutes in rows}


def _email_due_at(level: str, email: str, mode: str, minutes: int, *, now: datetime) -> datetime | None:
    """Urgent ones go at once unless the person opted out; others only to those who asked for a reminder
    when still unread after some minutes."""
    if not email or mode == EmailMode.NEVER:
        return None
    if level == Level.URGENT:
        return now
    if mode == EmailMode.WHEN_UNREAD:
        return now + timedelta(minutes=minutes)
    return None


def _row(template: Notification, pk: int, recipient_id: int, email_due_at: datetime | None) -> Notification:
    """The row as written, as if read back (the template's fields, its id, recipient and e-mail due time)."""
    values = {**{f.attname: getattr(template, f.attname) for f in Notification._meta.concrete_fields},
              "id": pk, "recipient_id": recipient_id, "email_due_at": email_due_at}
    return Notification.from_db(transaction.get_connection().alias, list(values), list(values.values()))


def _insert(template: Notification, targets: list[int], due: dict[int, datetime | None]) -> list[tuple[int, int]]:
    """Write one row per target (the template's fields, the target and its e-mail due time); returns (id,
    recipient id) of the rows written, in the order of `targets`. Recipients that already have the template's
    dedupe key are skipped, including those a concurrent call wrote a moment ago."""
    if bulk.supported():
        return _insert_postgresql(template, targets, due)
    fields = {f.attname: getattr(template, f.attname) for f in Notification._meta.concrete_fields if f.attname != "id"}
    rows = [Notification(**{**fields, "recipient_id": uid, "email_due_at": due[uid]}) for uid in targets]
    if template.dedupe_key is None:
        return [(n.pk, n.recipient_id) for n in Notification.objects.bulk_create(rows, batch_size=500)]
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows, batch_size=500)
    except IntegrityError:
        # A concurrent call with the same key won for some recipients: insert one by one, skip those.
        created = []
        for row in rows:
            row.pk = None
            try:
                with transaction.atomic():
                    row.save(force_insert=True)
            except IntegrityError:
                continue
            created.append(row)
    return [(n.pk, n.recipient_id) for n in created]


def _insert_postgresql(template: Notification, targets: list[int], due: dict[int, datetime | None]
                       ) -> list[tuple[int, int]]:
    """One statement, one round trip (common/bulk.py): the columns all rows share are parameters once, the two
    that differ are arrays unnested by the server. bulk_create of a thousand rows was ~80–130 ms (a model
    instance, nine adapted parameters and a RETURNING row each, in two batches), this ~10 ms; the unique
    constraint on (recipient, dedupe_key) skips rows already there (ON CONFLICT DO NOTHING), so no query looks
    first."""
    meta = Notification._meta
    due_type = bulk.sql_type(meta.get_field("email_due_at"))
    sql, params = bulk.insert_select(
        template, f"unnest(%s::bigint[], %s::{due_type}[]) WITH ORDINALITY AS t(r, d, o) ORDER BY t.o",
        {"recipient_id": "t.r", "email_due_at": "t.d"})
    recipient = bulk.qn(meta.get_field("recipient").column)
    if template.dedupe_key is not None:
        key = bulk.qn(meta.get_field("dedupe_key").column)
        sql += f" ON CONFLICT ({recipient}, {key}) WHERE {key} IS NOT NULL DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {bulk.qn(meta.pk.column)}, {recipient}",
                       [*params, targets, [due[uid] for uid in targets]])
        written = {uid: pk for pk, uid in cursor.fetchall()}
    return [(written[uid], uid) for uid in targets if uid in written]


def _after_notify_commit(deliveries: list[tuple[int, PushMessage]], email_now: list[int]) -> None:
    """Runs after the caller's commit; never raises (the caller's work is done and must not look failed)."""
    try:
        errors = push.send(deliveries)
        # A push that the layer took leaves no row: "handed over" is all a row could say, and a browser that
        # was away catches up from the notifications themselves. A failed hand-over leaves one per
        # notification (the operator's trace); the count of the others is kept for the metrics.
        failed = [(message, err) for (_uid, message), err in zip(deliveries, errors, strict=True) if err]
        if failed:
            now = timezone.now()
            Delivery.objects.bulk_create(
                [Delivery(notification_id=message["notification"]["id"], channel=Delivery.Channel.WEBSOCKET,
                          attempted_at=now, status=Delivery.Status.FAILED, error=repr(err)) for message, err in failed],
                batch_size=500,
            )
        push.count_sent(len(deliveries) - len(failed))
    except Exception:
        logger.exception("notification push failed; clients will catch up on reconnect")
    if email_now:
        try:
            from .tasks import send_notification_emails  # noqa: PLC0415 (tasks imports this module)

            send_notification_emails(email_now)
        except Exception:
            # The periodic sweep sends them within a minute.
            logger.exception("could not queue urgent notification emails")


# ------------------------------------------------------------------------------------------- mark read


def mark_read(user: User, ids: Iterable[int]) -> int:
    """Mark some of the user's own notifications read (others' ids are ignored). Every open tab of the user
    hears of it after commit."""
    wanted = sorted({int(i) for i in ids})[:MAX_IDS_PER_CALL]
    if not wanted:
        return 0
    with transaction.atomic():
        unread = Notification.objects.filter(recipient=user, id__in=wanted, read_at__isnull=True)
        changed = list(unread.values_list("id", flat=True))
        if changed:
            Notification.objects.filter(id__in=changed, read_at__isnull=True).update(read_at=timezone.now())
            transaction.on_commit(partial(_after_read_commit, user, changed, False))
    return len(changed)


def mark_all_read(user: User) -> int:
    with transaction.atomic():
        changed = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
        if changed:
            transaction.on_commit(partial(_after_read_commit, user, [], True))
    return changed


def _after_read_commit(user: User, ids: list[int], all_read: bool) -> None:
    try:
        message = read_message(ids, all_read=all_read, unread=unread_count(user))
        push.send([(user.pk, message)])
    except Exception:
        logger.exception("read-state push failed")


# ----------------------------------------------------------------------------------------- preferences


def set_email_preferences(user: User, choices: dict[str, tuple[str, int]]) -> None:
    """Store (email_mode, minutes) per kind; unknown kinds or modes are refused."""
    current = email_preferences(user)
    with transaction.atomic():
        for kind, (mode, minutes) in choices.items():
            if kind not in Kind.values or mode not in EmailMode.values:
                raise ValueError(f"bad preference {kind!r}: {mode!r}")
            if current.get(kind) == (mode, minutes):
                continue
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"email_mode": mode, "minutes": minutes}
            )


# --------------------------------------------------------------------------------------------- e-mail


def email_claim_lease() -> timedelta:
    return timedelta(seconds=settings.EMAIL_CLAIM_LEASE_SECONDS)


def send_due_emails(*, ids: Iterable[int] | None = None, now: datetime | None = None, limit: int = 500) -> int:
    """Email the notifications that are due and still unread. Each row is claimed with a conditional UPDATE
    of `email_claimed_at` (compared with the value read), so two workers (or the urgent task and the periodic
    sweep) never send one twice; `emailed_at` marks it done right after the attempt. A claim older than the
    lease was left by a worker that died before sending (its job lost with it): the sweep claims it again.
    Returns the number of emails sent."""
    now = now or timezone.now()
    unclaimed = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - email_claim_lease())
    due = Notification.objects.filter(unclaimed, email_due_at__lte=now, emailed_at__isnull=True, read_at__isnull=True)
    if ids is not None:
        due = due.filter(id__in=list(ids))
    candidates = list(due.select_related("recipient", "actor").order_by("email_due_at", "id")[:limit])
    if not candidates:
        return 0
    sent = 0
    deliveries = []
    connection = get_connection(fail_silently=False)
    try:
        for n in candidates:
            claimed = Notification.objects.filter(
                pk=n.pk, emailed_at__isnull=True, read_at__isnull=True, email_claimed_at=n.email_claimed_at,
            ).update(email_claimed_at=now)
            if not claimed:
                continue
            try:
                _email_message(n, connection).send()
            except Exception as exc:  # recorded, not retried: a reminder twice is worse than once late
                logger.warning("notification email %s to %s failed: %r", n.pk, n.recipient.email, exc)
                deliveries.append(_email_delivery(n, Delivery.Status.FAILED, repr(exc)))
            else:
                sent += 1
                deliveries.append(_email_delivery(n, Delivery.Status.SENT, ""))
            Notification.objects.filter(pk=n.pk).update(emailed_at=now)
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("closing the mail connection failed")
        Delivery.objects.bulk_create(deliveries)
    return sent


def _email_delivery(n: Notification, status: str, error: str) -> Delivery:
    return Delivery(notification=n, channel=Delivery.Channel.EMAIL, status=status, error=error)


def _email_message(n: Notification, connection) -> EmailMessage:
    site_url = getattr(settings, "SITE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        context = {"n": n, "url": f"{site_url}{n.link}" if n.link else "", "site_url": site_url}
        subject = " ".join(render_to_string("notifications/email/subject.txt", context).split())
        text = render_to_string("notifications/email/body.txt", context)
    return EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [n.recipient.email], connection=connection)


def email_retry(*, notification_id: int) -> bool:
    """An e-mail still unsent: its claim released and due now, so the next e-mail run takes it (once)."""
    return bool(Notification.objects.filter(pk=notification_id, emailed_at__isnull=True,
                                            email_due_at__isnull=False).update(email_claimed_at=None,
                                                                               email_due_at=timezone.now()))
