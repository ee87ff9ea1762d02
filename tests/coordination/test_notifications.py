"""What coordination's services tell people: a cancelled assignment is its own kind of notification, and links
point at the pages (built with reverse)."""

from django.urls import reverse

from coordination import services as coordination
from coordination.models import Directive, Urgency
from notifications.models import Kind, Level, Notification
from org.models import Unit
from tests.cast import unit


def test_cancelling_an_assignment_tells_the_unit_with_its_own_kind(demo, user, django_capture_on_commit_callbacks):
    directive = coordination.directive_create(
        user=user("phongtt"), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title="Tuyên truyền bão",
        instructions="<p>Phát bản tin</p>", urgency=Urgency.objects.get(code="hoa_toc"),
        target_spec={"units": [unit("quan_ba_dinh").pk]})
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.IN_PROGRESS)
    [district] = coordination.assignments_create(directive, [unit("quan_ba_dinh")])
    with django_capture_on_commit_callbacks(execute=True):
        coordination.assignments_notify_received(directive, [district])
        coordination.assignment_cancel(assignment=district, user=user("phongtt"), reason="Không còn cần thiết")
    received = Notification.objects.get(recipient__username="quan_ba_dinh", kind=Kind.DIRECTIVE_RECEIVED)
    assert received.level == Level.URGENT
    assert received.link == reverse("work:directive_open", args=[directive.pk])  # opens the unit's own task
    cancelled = Notification.objects.get(recipient__username="quan_ba_dinh", kind=Kind.ASSIGNMENT_CANCELLED)
    assert cancelled.level == Level.WARNING and cancelled.body == "Không còn cần thiết"
    assert cancelled.link == reverse("work:assignment_open", args=[district.pk])  # no task left: the page
    assert Kind(cancelled.kind).label == "Hủy nhiệm vụ"
