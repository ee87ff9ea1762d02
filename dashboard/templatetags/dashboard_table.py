"""The dashboard's per-unit table: a row per unit with work in the period, up to every district and commune of the
city (~550 rows once a year's directives have reached them all). One tag per row rather than a dozen template
variables, each looked up, localized and escaped by the template engine: the table cost grew with the units drawn
(bench/pages.py), the figures are the same."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def unit_row(r):
    """A <tr>: the unit (its district in brackets for a commune), received, acknowledged, on time, late, open,
    emergencies open, proved/broadcasts, by hand / by play log. The names are escaped; the figures are integers
    (int() makes sure), written as the template wrote them (no thousands separator: USE_THOUSAND_SEPARATOR is
    off)."""
    parent = r.unit.parent
    where = f" <small>({escape(parent.name)})</small>" if parent is not None and parent.kind == "district" else ""
    n = [int(v) for v in (r.received, r.acknowledged, r.on_time, r.late, r.open, r.emergencies_open, r.proved,
                          r.broadcasts, r.proof_by_hand, r.proof_by_log)]
    return mark_safe(  # noqa: S308 (escaped names, integers)
        f"<tr><td>{escape(r.unit.name)}{where}</td>" + "".join(f'<td class="ttcs-num">{v}</td>' for v in n[:6])
        + f'<td class="ttcs-num">{n[6]}/{n[7]}</td><td class="ttcs-num">{n[8]} / {n[9]}</td></tr>')
