"""Readable values on the engine's generic pages (viewflow's process, task and object detail cards, overridden
under templates/viewflow/): Có/Không instead of True/False, dd/mm/yyyy HH:MM, text without HTML tags, and no
raw lists, dicts or internal columns. `{% load readable %}` then `rows|readable_rows`."""

from datetime import date, datetime

from django import template
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

register = template.Library()


HIDDEN_FIELDS = {"parent_task", "data", "flow_class", "artifact_object_id", "artifact_content_type",
                 "seed_object_id", "seed_content_type", "process", "task"}


def readable(value) -> str:
    """A value as a person reads it: Có/Không, dd/mm/yyyy HH:MM, text without its HTML tags; "" for what says
    nothing to a reader (lists, dicts, empty)."""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, date):
        return date_format(value, "d/m/Y")
    if isinstance(value, dict | list | tuple | set):
        return ""
    text = str(value)
    if "<" in text and ">" in text:
        text = Truncator(" ".join(strip_tags(text).split())).chars(200)
    return text


@register.filter
def readable_rows(rows) -> list[tuple[str, str]]:
    """(label, text) for viewflow's object data rows: internal columns, JSON, fields without a Vietnamese label
    (their label is the column name) and empty values left out."""
    result = []
    for field, label, value in rows:
        if field.name in HIDDEN_FIELDS or isinstance(field, models.JSONField):
            continue
        if str(label).lower() == field.name.replace("_", " ").lower():
            continue  # no verbose name: an internal column (fanout_total, created_at…)
        text = readable(value)
        if text:
            result.append((label, text))
    return result
