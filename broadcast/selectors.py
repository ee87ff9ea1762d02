"""Reads for loudspeaker clusters: a unit's clusters and schedules, a bulletin's delivery to clusters."""

from django.db.models import Count, Q, QuerySet

from org.models import Unit

from .models import AirPlan, Cluster, Command, PlayLog


def clusters_of_unit(unit: Unit) -> QuerySet[Cluster]:
    return Cluster.objects.filter(unit=unit, is_active=True).order_by("code")


def schedules_for_unit(unit: Unit) -> list[AirPlan]:
    """The unit's plans that are not withdrawn, newest first, with how many clusters got them."""
    return list(AirPlan.objects.filter(unit=unit).exclude(status=AirPlan.Status.WITHDRAWN)
                .annotate(clusters_sent=Count("commands", filter=Q(commands__status=Command.Status.SENT)
                                              & ~Q(commands__kind=Command.Kind.WITHDRAW)))
                .order_by("-created_at", "-pk"))


def plan_of_assignment(assignment_id: int) -> AirPlan | None:
    return AirPlan.objects.filter(assignment_id=assignment_id).order_by("-revision").first()


def plans_of_bulletin(bulletin_id: int, revision: int | None = None) -> QuerySet[AirPlan]:
    plans = AirPlan.objects.filter(bulletin_id=bulletin_id)
    return plans if revision is None else plans.filter(revision=revision)


def delivery_by_unit(bulletin_id: int) -> dict[int, dict]:
    """{unit id: {"clusters": n, "scheduled": clusters that got the plan, "played": clusters that logged a full
    play, "status": the plan's status}} for a bulletin's latest plans, in two grouped queries."""
    rows = {}
    for plan in (AirPlan.objects.filter(bulletin_id=bulletin_id).order_by("unit_id", "-revision")
                 .annotate(scheduled=Count("commands__cluster", distinct=True,
                                           filter=Q(commands__status=Command.Status.SENT)
                                           & ~Q(commands__kind=Command.Kind.WITHDRAW)))):
        rows.setdefault(plan.unit_id, {"plan": plan, "scheduled": plan.scheduled, "played": 0})
    played = (PlayLog.objects.filter(plan__in=[r["plan"] for r in rows.values()], result=PlayLog.Result.OK)
              .values("plan__unit_id").annotate(n=Count("cluster", distinct=True)))
    for row in played:
        rows[row["plan__unit_id"]]["played"] = row["n"]
    return rows
