"""PostgreSQL, real threads: the scheduled job and a person opening the same period at the same moment
produce one period and one directive; the other gets "already opened"."""

import pytest
from django.utils import timezone

from common.errors import AlreadyDone
from coordination.models import Directive, ReportingPeriod
from org.models import Structure
from tests.conftest import requires_postgres
from tests.coordination.reporting_helpers import small_org
from tests.workflows.directive.test_concurrency import _in_threads
from workflows.reporting import services as reporting_flow

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_openers_at_once_open_one_period(demo_transactional, user):
    small_org()
    openers = [user("quanly"), user("phongtt")]  # the division's head and its drafter
    opened = []
    year = timezone.localdate().year + 6  # a period nobody else opens, due in the future whatever the date

    def open_(i):
        try:
            opened.append(reporting_flow.period_open(user=openers[i], kind="annual", year=year,
                                                structure=Structure.CURRENT))
        except AlreadyDone:
            pass

    errors = _in_threads(2, open_)
    assert errors == []
    assert len(opened) == 1
    assert ReportingPeriod.objects.filter(kind="annual", year=year).count() == 1
    assert Directive.objects.filter(title=opened[0].title).count() == 1
