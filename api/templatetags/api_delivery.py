"""The bulletin page's delivery table (templates/editorial/bulletin_detail.html) gets the machines' columns here:
API pulls by registered clients and e-boards showing it, per unit (two queries)."""

from django import template

from ..selectors import bulletin_pulls, eboard_showings

register = template.Library()


@register.simple_tag
def api_delivery(bulletin, delivery):
    """Adds `pulls` (clients that fetched it for the unit) and `eboards` (e-boards that showed it) to each row of
    `delivery` (workflows.broadcast.selectors.bulletin_delivery); returns the clients that fetched it for their
    whole scope, and the totals."""
    if delivery is None:
        return None
    pulls, whole = {}, set()
    for pull in bulletin_pulls(bulletin.pk):
        if pull.unit_id is None:
            whole.add(pull.client.name)
        else:
            pulls.setdefault(pull.unit_id, set()).add(pull.client.name)
    shown = {}
    for showing in eboard_showings(bulletin.pk):
        shown.setdefault(showing.unit_id, set()).add(showing.client.name)
    for row in delivery.rows:
        row.pulls = ", ".join(sorted(pulls.get(row.unit.pk, ())))
        row.eboards = ", ".join(sorted(shown.get(row.unit.pk, ())))
    return {"whole_scope": sorted(whole), "units_pulled": len(pulls), "units_shown": len(shown)}
