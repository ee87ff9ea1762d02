"""The bulletin page's workflow block (templates/editorial/bulletin_detail.html) reads its actions here, the
assignment page which of its action links to show."""

from django import template

from coordination import access as coordination_access
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


@register.simple_tag(takes_context=True)
def assignment_links(context, assignment) -> dict:
    """Which of the assignment's action pages (workflows/directive/pages.py) the reader may open: the same rules
    those pages check, so no link answers 403."""
    user = context["request"].user
    return {
        "relay": coordination_access.may_relay(user, assignment),
        "officer": coordination_access.may_name_officer(user, assignment),
        "cancel": coordination_access.may_cancel_assignment(user, assignment),
    }


@register.inclusion_tag("workflows/_unit_work.html", takes_context=True)
def unit_work(context, directive=None, assignment=None) -> dict:
    """The top of the directive and assignment pages for a unit officer: their unit's open tasks on it (mine:
    open its form; in the queue: claim and open), and the relay to communes where the unit may relay."""
    from ..inbox import unit_work_rows  # noqa: PLC0415 (the inbox reads the flows, whose pages load these tags)

    return {"rows": unit_work_rows(context["request"].user, directive=directive, assignment=assignment),
            "csrf_token": context.get("csrf_token")}
