"""The test clock: TTCS_TEST_NOW moves the whole session's clock (CI runs the suite into and out of the reporting
windows), and a test that travels overrides it while it does."""

import os
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.clock import hanoi
from tests.conftest import TEST_NOW_VARIABLE, session_clock_destination


def test_destination_is_an_iso_moment_with_its_offset():
    assert session_clock_destination("") is None
    assert session_clock_destination("  ") is None
    moment = session_clock_destination("2027-12-02T10:00+07:00")
    assert moment == datetime(2027, 12, 2, 3, 0, tzinfo=UTC)
    with pytest.raises(pytest.UsageError, match="UTC offset"):
        session_clock_destination("2027-12-02T10:00")  # naive: whose 10:00?
    with pytest.raises(pytest.UsageError, match="ISO 8601"):
        session_clock_destination("02/12/2027")


def test_the_session_clock_is_where_the_variable_put_it():
    destination = session_clock_destination(os.environ.get(TEST_NOW_VARIABLE, ""))
    if destination is None:
        assert not time_machine.escape_hatch.is_travelling()
    else:
        assert time_machine.escape_hatch.is_travelling()
        # It ticks from there on, for as long as the session runs.
        assert destination <= timezone.now() < destination + timedelta(hours=3)
        # Chromium keeps the real clock: a moved date in the past would have it drop the server's cookies as expired.
        assert time_machine.escape_hatch.datetime.datetime.now(UTC) < destination, "move the clock forward, not back"


def test_a_test_that_travels_overrides_the_session_clock():
    before = timezone.now()
    with time_machine.travel(hanoi(2025, 12, 31, 23, 30), tick=False):
        assert timezone.localdate() == date(2025, 12, 31)
        assert timezone.now().date() == date(2025, 12, 31)  # 16:30 UTC
    with time_machine.travel(hanoi(2026, 1, 1, 0, 30), tick=False):
        assert timezone.localdate() == date(2026, 1, 1)  # Hanoi's new year while UTC is still in 2025
        assert timezone.now().date() == date(2025, 12, 31)
    assert before <= timezone.now() < before + timedelta(minutes=1)  # back on the session's clock
