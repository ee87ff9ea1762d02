from django import template

from ..rules import format_duration

register = template.Library()


@register.filter
def duration(seconds) -> str:
    return format_duration(seconds)
