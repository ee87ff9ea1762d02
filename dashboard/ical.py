"""A unit's air-schedule calendar as iCalendar (RFC 5545, the `icalendar` library): one VEVENT per planned airing,
in Hanoi time with its VTIMEZONE, a UID that stays the same from one export to the next (the plan and the moment,
or the assignment), so a calendar program updates an event instead of adding it twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from editorial.rules import format_duration
from org.models import Unit

from .selectors import Airing

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MINIMUM = timedelta(minutes=1)  # an airing of unknown length still shows as an event


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "ttcs"


def _event(airing: Airing, *, stamp: datetime, domain: str) -> icalendar.Event:
    event = icalendar.Event()
    start = airing.start.astimezone(HANOI)
    event.add("uid", f"{airing.uid}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + max(MINIMUM, timedelta(seconds=round(airing.seconds))))
    event.add("summary", airing.title)
    lines = [airing.source_label, airing.status]
    if airing.seconds:
        lines.append(_("Thời lượng: %(d)s") % {"d": format_duration(airing.seconds)})
    event.add("description", "\n".join(lines))
    event.add("location", airing.unit.name)
    return event


def air_calendar_ics(unit: Unit, airings: list[Airing], *, now: datetime) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//So VHTT Ha Noi//TTCS//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Lịch phát sóng – %(unit)s") % {"unit": unit.name})
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    stamp, domain = now.astimezone(ZoneInfo("UTC")), _domain()
    for airing in airings:
        cal.add_component(_event(airing, stamp=stamp, domain=domain))
    cal.add_missing_timezones()
    return cal.to_ical()
