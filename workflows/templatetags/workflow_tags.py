"""The bulletin page's workflow block (templates/editorial/bulletin_detail.html) reads its actions here."""

from django import template

from editorial.models import Bulletin

from ..bulletin.selectors import bulletin_actions

register = template.Library()


@register.simple_tag(takes_context=True)
def bulletin_workflow(context, bulletin: Bulletin) -> dict:
    return bulletin_actions(context["request"].user, bulletin)


@register.inclusion_tag("workflows/_unit_work.html", takes_context=True)
def unit_work(context, directive=None, assignment=None) -> dict:
    """The top of the directive and assignment pages for a unit officer: their unit's open tasks on it (mine:
    open its form; in the queue: claim and open), and the relay to communes where the unit may relay."""
    from ..inbox import unit_work_rows  # noqa: PLC0415 (the inbox reads the flows, whose pages load these tags)

    return {"rows": unit_work_rows(context["request"].user, directive=directive, assignment=assignment),
            "csrf_token": context.get("csrf_token")}
