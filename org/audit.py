"""Who changed what, when: the acting user behind django-simple-history rows, and the readable history of an
object for its page ("Lịch sử thay đổi").

The request user comes from simple-history's middleware. Services that act for a user, flow steps run from
code and background jobs name the actor explicitly (`history_actor`, `@records_actor`), so a change made with
no request (a huey job, a step run by `task_run`) still records who it was done for; nobody named means the
system did it ("Hệ thống")."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

_UNSET: Any = object()
_actor: ContextVar[Any] = ContextVar("history_actor", default=_UNSET)


@contextlib.contextmanager
def history_actor(user) -> Iterator[None]:
    """Every history row written inside the block names `user` (None: the system)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def records_actor(func: Callable) -> Callable:
    """Decorate a service taking `user=`: the rows it writes name that user. Without one (None or absent) an
    outer actor, else the request user, is kept."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        user = kwargs.get("user")
        if user is None:
            return func(*args, **kwargs)
        with history_actor(user):
            return func(*args, **kwargs)

    return wrapper


def current_actor(default=None):
    """The actor named by an enclosing `history_actor`, else `default`."""
    held = _actor.get()
    return default if held is _UNSET else held


def acting_user():
    """Who is acting right now: the actor an enclosing `history_actor` names, else the signed-in user of the
    request being served (simple-history's middleware keeps it), else None (the system, a background job)."""
    held = _actor.get()
    if held is not _UNSET:
        return held
    from simple_history.models import HistoricalRecords  # noqa: PLC0415 (see history_records)

    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def history_user_get(instance=None, request=None, **kwargs):
    """simple-history's `get_user`: the named actor first, then the request's user."""
    held = _actor.get()
    if held is not _UNSET:
        return held
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def history_records(name, **options):
    """The HistoricalRecords every audited model uses (same actor rule everywhere). `name` is the history
    table's Vietnamese verbose name (simple-history's default, "historical …", is not translatable)."""
    from simple_history.models import HistoricalRecords  # noqa: PLC0415 (models modules call this while apps load)

    return HistoricalRecords(get_user=history_user_get, verbose_name=name, verbose_name_plural=name, **options)


# --- reading -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    at: str
    who: str
    action: str
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


_EMPTY = "—"


def history_entries(instance: models.Model, *, hidden: Iterable[str] = ()) -> list[HistoryEntry]:
    """The object's history rows, oldest first: when, who (full name, or "Hệ thống"), what changed (field
    label, old → new as displayed values). One query for the rows and their users, plus one per kind of
    related object that changed, however many rows there are."""
    history_model = instance.history.model
    hidden = set(hidden)
    fields = [f for f in history_model.tracked_fields if f.name not in hidden and f.concrete and not f.many_to_many]
    records = list(instance.history.select_related("history_user").order_by("history_date", "history_id"))
    raw: list[tuple[Any, list[tuple[models.Field, Any, Any]]]] = []
    previous = None
    for record in records:
        diffs = []
        if previous is not None:
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    diffs.append((f, old, new))
        raw.append((record, diffs))
        previous = record
    related = _related_objects(d for _r, diffs in raw for d in diffs)
    entries = []
    for record, diffs in raw:
        if record.history_type == "~" and not diffs:
            continue  # a save that changed nothing shown
        user = record.history_user
        entries.append(HistoryEntry(
            at=timezone.localtime(record.history_date).strftime("%d/%m/%Y %H:%M"),
            who=user.get_full_name() if user else _("Hệ thống"),
            action={"+": _("Tạo mới"), "-": _("Xóa")}.get(record.history_type, _("Cập nhật")),
            reason=record.history_change_reason or "",
            changes=[FieldChange(str(f.verbose_name).capitalize(), _display(f, old, related),
                                 _display(f, new, related)) for f, old, new in diffs],
        ))
    return entries


def _related_objects(diffs: Iterable[tuple[models.Field, Any, Any]]) -> dict:
    wanted: dict[type, set] = {}
    for f, old, new in diffs:
        if f.is_relation:
            wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v is not None)
    return {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}


def _display(f: models.Field, value: Any, related: dict) -> str:
    if value is None or value == "":
        return _EMPTY
    if f.is_relation:
        obj = related.get(f.related_model, {}).get(value)
        if obj is None:
            return _EMPTY
        get_full_name = getattr(obj, "get_full_name", None)
        return get_full_name() if callable(get_full_name) else str(obj)
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("Có") if value else _("Không")
    if isinstance(f, models.DateTimeField):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(f, models.DateField):
        return value.strftime("%d/%m/%Y")
    if isinstance(f, models.JSONField):
        return _("(đã cập nhật)")
    if isinstance(f, models.TextField):
        return strip_tags(str(value)).strip() or _EMPTY
    return str(value)
