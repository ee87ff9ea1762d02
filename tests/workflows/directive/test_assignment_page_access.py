"""The assignment action pages (relay, name the officer, cancel) decide with coordination.access, as their
services do: only the unit that may act is shown the page."""

import pytest
from django.urls import reverse

from coordination import services as coordination
from coordination.models import Directive, Urgency
from org.models import Unit
from tests.cast import DISTRICT, DRAFTER, ISSUING_DIVISION, URBAN_COMMUNE, person, unit


@pytest.fixture
def district_assignment(demo):
    directive = coordination.directive_create(
        user=person(DRAFTER), issuing_unit=Unit.objects.get(code=ISSUING_DIVISION), title="Tuyên truyền bão",
        instructions="<p>Phát bản tin</p>", urgency=Urgency.objects.get(code="khan"),
        target_spec={"units": [unit(DISTRICT).pk]})
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.IN_PROGRESS)
    [district] = coordination.assignments_create(directive, [unit(DISTRICT)])
    return district


@pytest.mark.parametrize("page, allowed", [
    ("unitassignment:relay", DISTRICT),
    ("unitassignment:officer", DRAFTER),
    ("unitassignment:cancel", DRAFTER),
])
def test_the_assignment_pages_ask_access(client, district_assignment, page, allowed):
    url = reverse(page, args=[district_assignment.pk])
    for name in (DISTRICT, DRAFTER, URBAN_COMMUNE):
        client.force_login(person(name))
        assert (client.get(url).status_code == 200) == (name == allowed), (page, name)
