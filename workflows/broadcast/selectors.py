"""What reached each unit of a published bulletin (the bulletin page's "Đã tới đơn vị" table): its broadcast
assignment, its Zalo group, its loudspeaker clusters (scheduled, played). In a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count

from broadcast import selectors as broadcast_selectors
from broadcast.models import Cluster
from coordination.models import Assignment, Directive
from editorial.models import Bulletin, ZaloMessage
from org import selectors as org_selectors
from org.models import Unit, User
from outreach import selectors as outreach_selectors

from .board import is_urgent
from .services import broadcast_directive


@dataclass
class UnitDelivery:
    unit: Unit
    assignment: Assignment | None
    zalo: str  # the status label of the unit's group message, "" without a group
    clusters: int
    scheduled: int
    played: int
    plan_status: str
    propagandists: int = 0  # the commune's propagandists this bulletin went to
    propagandists_received: int = 0  # of them, who opened their personal link


@dataclass
class Delivery:
    rows: list[UnitDelivery]
    confirmed: int
    clusters_played: int
    clusters_total: int
    zalo_sent: int
    board_directive: Directive | None = None  # an urgent broadcast: its emergency board
    propagandists: int = 0
    propagandists_received: int = 0


def may_see_delivery(user: User, bulletin: Bulletin) -> bool:
    """Leaders and supervisors, and the drafting division."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm("org.supervise_all_units")
                                           or org_selectors.user_can_act_for(user, bulletin.drafting_unit)))


def bulletin_delivery(bulletin: Bulletin) -> Delivery | None:
    """None before publication."""
    if bulletin.published_revision_id is None:
        return None
    units = list(Unit.objects.filter(pk__in=bulletin.targets.values("unit_id")).order_by("path"))
    directive = broadcast_directive(bulletin)
    assignments = ({a.unit_id: a for a in Assignment.objects.filter(directive=directive, unit__in=units)}
                   if directive else {})
    zalo = {}
    for message in (ZaloMessage.objects.filter(bulletin=bulletin, revision_id=bulletin.published_revision_id,
                                               zalo_group__unit__in=units).select_related("zalo_group")):
        zalo[message.zalo_group.unit_id] = message.get_status_display()
    clusters = dict(Cluster.objects.filter(unit__in=units, is_active=True).values("unit_id")
                    .annotate(n=Count("pk")).values_list("unit_id", "n"))
    plans = broadcast_selectors.delivery_by_unit(bulletin.pk)
    receipts = outreach_selectors.receipts_by_unit(bulletin.pk)
    rows = [UnitDelivery(unit=u, assignment=assignments.get(u.pk), zalo=zalo.get(u.pk, ""),
                         clusters=clusters.get(u.pk, 0), scheduled=plans.get(u.pk, {}).get("scheduled", 0),
                         played=plans.get(u.pk, {}).get("played", 0),
                         plan_status=plans[u.pk]["plan"].get_status_display() if u.pk in plans else "",
                         propagandists=receipts.get(u.pk, {}).get("total", 0),
                         propagandists_received=receipts.get(u.pk, {}).get("received", 0))
            for u in units]
    return Delivery(rows=rows,
                    confirmed=sum(1 for r in rows if r.assignment and r.assignment.status in (
                        Assignment.Status.REPORTED, Assignment.Status.ACCEPTED)),
                    clusters_played=sum(r.played for r in rows), clusters_total=sum(r.clusters for r in rows),
                    zalo_sent=sum(1 for r in rows if r.zalo == ZaloMessage.Status.SENT.label),
                    board_directive=directive if directive and is_urgent(directive) else None,
                    propagandists=sum(r.propagandists for r in rows),
                    propagandists_received=sum(r.propagandists_received for r in rows))
