"""Every write of the API app: clients and their tokens, idempotent answers, bulletin pulls, e-board showings."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveIntegerField, Value, When
from django.utils import timezone

from editorial.models import Bulletin
from org.models import Unit

from .models import ApiClient, BulletinPull, EboardShowing, IdempotentAnswer

TOKEN_PREFIX = "ttcs_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def client_token_set(*, client: ApiClient) -> str:
    """A fresh token for the client (the previous one stops working). Returned once; only its hash is kept."""
    token = token_new()
    client.token_hash = token_hash(token)
    client.token_prefix = token[: len(TOKEN_PREFIX) + 6]
    client.revoked_at = None
    return token


@transaction.atomic
def client_create(*, name: str, kind: str, access: str = ApiClient.Access.READ, units: Iterable[Unit] = (),
                  all_units: bool = False, rate_limit_per_minute: int = 120, note: str = "") -> tuple[ApiClient, str]:
    """A registered client and its token (shown once: it cannot be read back)."""
    client = ApiClient(name=name, kind=kind, access=access, all_units=all_units,
                       rate_limit_per_minute=rate_limit_per_minute, note=note)
    token = client_token_set(client=client)
    client.full_clean()
    client.save()
    client.units.set(list(units))
    return client, token


def client_revoke(*, client: ApiClient) -> ApiClient:
    """The token stops working at once; a new one may be issued later (client_token_set)."""
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    return client


def client_touch(*, client: ApiClient) -> None:
    """Last use, written at most once a minute per client."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() >= 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


# --- idempotency ------------------------------------------------------------------------------------------------


class IdempotencyConflict(Exception):
    """The key was used before with another body."""


def request_fingerprint(operation: str, body: dict) -> str:
    canonical = json.dumps({"operation": operation, "body": body}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_write(*, client: ApiClient, key: str, operation: str, body: dict,
                     write: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run `write` once per (client, key): a repeat with the same body gets the stored answer and writes nothing;
    a repeat with another body raises IdempotencyConflict. Only successful answers are kept: a refused write
    wrote nothing, so it may be sent again once its cause is fixed. Two requests racing with one key: the
    second waits on the unique row, rolls its own work back and answers with the first one's answer."""
    fingerprint = request_fingerprint(operation, body)
    for _attempt in range(2):
        stored = IdempotentAnswer.objects.filter(client=client, key=key).first()
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise IdempotencyConflict(key)
            return stored.status_code, stored.body
        try:
            with transaction.atomic():
                status, answer = write()
                if 200 <= status < 300:
                    IdempotentAnswer.objects.create(client=client, key=key, operation=operation,
                                                    request_hash=fingerprint, status_code=status, body=answer)
                return status, answer
        except IntegrityError:
            if not IdempotentAnswer.objects.filter(client=client, key=key).exists():
                raise
    raise IdempotencyConflict(key)  # pragma: no cover (the stored answer is found on the second pass)


# --- what clients pulled and e-boards showed ----------------------------------------------------------------------


def bulletin_pulls_record(*, client: ApiClient, bulletins: list[Bulletin], unit: Unit | None) -> None:
    """One row per (client, bulletin, unit) counting the pulls, with the revision last pulled: two queries
    whatever the number of bulletins."""
    if not bulletins:
        return
    now = timezone.now()
    BulletinPull.objects.bulk_create(
        [BulletinPull(client=client, bulletin=b, unit=unit, first_pulled_at=now, last_pulled_at=now, count=0,
                      revision=_revision_number(b)) for b in bulletins],
        ignore_conflicts=True,
    )
    rows = BulletinPull.objects.filter(client=client, bulletin__in=[b.pk for b in bulletins])
    rows = rows.filter(unit=unit) if unit is not None else rows.filter(unit__isnull=True)
    # One UPDATE for all: each row takes the revision its bulletin has now (a correction replaces the text).
    revision = Case(*[When(bulletin_id=b.pk, then=Value(_revision_number(b))) for b in bulletins],
                    default=F("revision"), output_field=PositiveIntegerField())
    rows.update(count=F("count") + 1, last_pulled_at=now, revision=revision)


def _revision_number(bulletin: Bulletin) -> int:
    revision = getattr(bulletin, "published_revision", None)
    return revision.number if revision is not None else 0


def eboard_showing_record(*, client: ApiClient, unit: Unit, bulletin_id: int) -> bool:
    """The e-board says it is showing this bulletin now. False when the bulletin is not one it may show."""
    bulletin = (Bulletin.objects.filter(pk=bulletin_id, published_revision__isnull=False, targets__unit=unit)
                .select_related("published_revision").first())
    if bulletin is None:
        return False
    now = timezone.now()
    revision = bulletin.published_revision.number
    updated = EboardShowing.objects.filter(client=client, unit=unit, bulletin=bulletin).update(
        count=F("count") + 1, last_shown_at=now, revision=revision)
    if not updated:
        try:
            with transaction.atomic():
                EboardShowing.objects.create(client=client, unit=unit, bulletin=bulletin, revision=revision,
                                             first_shown_at=now, last_shown_at=now, count=1)
        except IntegrityError:  # another socket of the same board got there first
            EboardShowing.objects.filter(client=client, unit=unit, bulletin=bulletin).update(
                count=F("count") + 1, last_shown_at=now, revision=revision)
    return True
