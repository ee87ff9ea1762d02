"""The bulletin page's workflow block (templates/editorial/bulletin_detail.html) reads its actions here."""

from django import template

from editorial.models import Bulletin

from ..bulletin.selectors import bulletin_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def bulletin_workflow(context, bulletin: Bulletin) -> dict:
    return bulletin_actions(context["request"].user, bulletin)
