from django import template

from .. import access
from ..rules import format_duration

register = template.Library()


@register.filter
def duration(seconds) -> str:
    return format_duration(seconds)


@register.filter
def may_draft_bulletins(user) -> bool:
    return access.can_draft(user)
