from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import access

register = template.Library()


@register.filter
def may_issue_directives(user) -> bool:
    return access.can_issue(user)


@register.filter
def channel_labels(codes) -> str:
    """A broadcast confirmation's channel codes as their names ("loudspeaker, zalo" → "Đài truyền thanh cơ sở,
    Trang Zalo OA TTCS"); an unknown code stays as it is."""
    from ..services import BROADCAST_CHANNELS  # noqa: PLC0415 (the services import the models; tags load early)

    return ", ".join(str(BROADCAST_CHANNELS.get(code, code)) for code in codes or [])


@register.filter
def local_datetime(value) -> str:
    """An ISO 8601 date-time kept in JSON (a report's figures) as dd/mm/yyyy HH:MM in local time."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        return str(value)
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(moment) else \
        moment.strftime("%d/%m/%Y %H:%M")
