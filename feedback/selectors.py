"""Reads of feedback items that pages, the flow and the report form share."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from org import selectors as org_selectors
from org.models import Structure, Unit, UnitKind, User

from . import access
from .models import Feedback, FeedbackSettings


def feedback_settings() -> FeedbackSettings:
    return FeedbackSettings.objects.get_or_create(singleton=1)[0]


def commune_by_codename(codename: str) -> Unit | None:
    """The commune (or ward) of the structure in force that a public page names."""
    return Unit.objects.filter(codename=codename, kind=UnitKind.COMMUNE, is_active=True,
                               structure=org_selectors.structure_in_force()).first()


def department_unit() -> Unit | None:
    """Where "forward to the Department" sends an item (settings.FEEDBACK_DEPARTMENT_UNIT, a division's code)."""
    return Unit.objects.filter(structure=Structure.CITY, code=settings.FEEDBACK_DEPARTMENT_UNIT,
                               is_active=True).first()


def forward_targets(feedback: Feedback) -> QuerySet[Unit]:
    """The Department's unit for feedback, then the districts and communes of the structure in force."""
    department = department_unit()
    local = Q(structure=org_selectors.structure_in_force(), kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE])
    wanted = local | Q(pk=department.pk) if department else local
    return Unit.objects.filter(wanted, is_active=True).exclude(pk=feedback.unit_id).order_by("structure", "path")


def feedback_by_code(code: str) -> Feedback | None:
    """The item a tracking code names (the public tracking page), with its units."""
    if not code or len(code) > 32:
        return None
    return Feedback.objects.select_related("commune", "unit").filter(code=code).first()


def feedback_detail(pk: int) -> Feedback | None:
    return (Feedback.objects.select_related("commune", "unit", "handled_by", "handled_by_unit")
            .prefetch_related("attachments", "forwards__from_unit", "forwards__to_unit").filter(pk=pk).first())


def feedback_for_user(user: User, pk: int) -> Feedback | None:
    """The item with its contact and attachments, or None when the user's unit is not the one handling it."""
    feedback = feedback_detail(pk)
    return feedback if feedback is not None and access.can_see(user, feedback) else None


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone))


def report_counts(unit: Unit, start: date, end: date) -> dict[str, int]:
    """The two report indicators for a unit and a date range (both days included, local time): items sent to
    the unit's public page that were received in the range, and those of them answered in the range (by whichever
    unit answered: a forwarded item still counts for the commune the person wrote to)."""
    since, until = _day_bounds(start, end)
    items = Feedback.objects.filter(commune=unit)
    return {
        "feedback_received": items.filter(received_at__gte=since, received_at__lt=until).count(),
        "feedback_answered": items.filter(status=Feedback.Status.ANSWERED, handled_at__gte=since,
                                          handled_at__lt=until).count(),
    }


def items_to_remind(now: datetime, hours_before: int) -> QuerySet[Feedback]:
    """Open items within `hours_before` of their due time, not yet reminded."""
    if not hours_before:
        return Feedback.objects.none()
    return Feedback.objects.filter(status=Feedback.Status.RECEIVED, reminded_at__isnull=True,
                                   due_at__gt=now, due_at__lte=now + timedelta(hours=hours_before)
                                   ).select_related("unit")


def items_to_escalate(now: datetime) -> QuerySet[Feedback]:
    """Open items past their due time, not yet escalated."""
    return Feedback.objects.filter(status=Feedback.Status.RECEIVED, escalated_at__isnull=True,
                                   due_at__lte=now).select_related("unit", "commune")
