"""The bulletin page's link to its air-schedule calendar across units (templates/editorial/bulletin_detail.html),
for those who may open it only."""

from django import template
from django.urls import reverse

from ..access import may_see_bulletin_calendar

register = template.Library()


@register.simple_tag(takes_context=True)
def bulletin_air_calendar_url(context, bulletin) -> str:
    """The page's address, or "" when the reader may not open it."""
    if not may_see_bulletin_calendar(context["request"].user):
        return ""
    return reverse("air_calendar:bulletin", args=[bulletin.pk])
