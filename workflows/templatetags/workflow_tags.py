"""The bulletin page's workflow block (templates/editorial/bulletin_detail.html) reads its actions here."""

from django import template

from editorial.models import Bulletin

from ..broadcast import selectors as broadcast_selectors
from ..bulletin.selectors import bulletin_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def bulletin_workflow(context, bulletin: Bulletin) -> dict:
    return bulletin_actions(context["request"].user, bulletin)


@register.simple_tag(takes_context=True)
def bulletin_delivery(context, bulletin: Bulletin):
    """What reached each target unit of a published bulletin (workflows.broadcast.selectors), for the people
    who follow every unit's work on it; None for the others (a commune sees its own task, not the others')."""
    user = context["request"].user
    if not broadcast_selectors.may_see_delivery(user, bulletin):
        return None
    return broadcast_selectors.bulletin_delivery(bulletin)
