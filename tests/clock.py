"""Setting the clock in tests: a moment in Hanoi's time zone for time_machine.travel(...). The whole session's
clock can be moved too (TTCS_TEST_NOW, tests/conftest.py); a test that travels overrides it while it does."""

from datetime import datetime
from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HANOI)
