"""The dashboard and the map in a real browser (daphne + chromium): Chart.js draws every chart from the vendored
file, the map's circles open the unit's page, and both fit a phone's width. With TTCS_SCREENSHOTS=1 the test also
writes the README's screenshots to docs/ (desktop and phone width)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.cast import MANAGER
from tests.clock import hanoi
from tests.live import log_in

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(settings.BASE_DIR) / "docs"
SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
QUERY = "?period=year&year=2025&structure=2025"


@pytest.fixture
def sample_10k(demo_transactional):
    from dashboard.sample import work_sample_create
    from org.models import Structure

    # The whole of 2025 (the seeded plan's year), from a fixed moment after it: the same rows whatever the date.
    # The server keeps the real clock (chromium's cookies expire by it); what is drawn does not depend on it.
    return work_sample_create(assignments=10_000, structure=Structure.Y2025, now=hanoi(2026, 1, 15), year=2025)


def _shots(tmp_path) -> Path:
    return DOCS if os.environ.get("TTCS_SCREENSHOTS") else tmp_path


def test_dashboard_and_map_in_the_browser(asgi_live_server, browser, sample_10k, tmp_path):
    folder = _shots(tmp_path)
    errors = []
    for name, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = log_in(context, asgi_live_server, MANAGER)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{asgi_live_server.url}/dashboard/{QUERY}")
        page.wait_for_selector("html[data-charts-drawn='1']")
        for chart in ("status", "proof", "coverage", "slowest"):
            assert page.evaluate(f"!!Chart.getChart(document.getElementById('chart-{chart}'))"), chart
        assert page.locator(".ttcs-dash-units tbody tr").count() > 500
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1, f"{name}: the page is {width}px wide"
        page.screenshot(path=str(folder / f"dashboard-{name}.png"))

        page.goto(f"{asgi_live_server.url}/dashboard/map/{QUERY}&measure=late_share")
        assert page.locator("#unit-map circle").count() == 526
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
        page.screenshot(path=str(folder / f"map-{name}.png"))
        if name == "desktop":
            first = page.locator("#unit-map a").first
            unit_pk = first.get_attribute("data-unit")
            first.click()
            page.wait_for_url(f"**/org/unit/{unit_pk}/**")
        assert errors == []
        context.close()


def test_the_air_calendar_in_the_browser(asgi_live_server, browser, demo_transactional, tmp_path):
    """A ward's week with a warned day and session, and a bulletin across units, at desktop and phone width."""
    from tests.cast import URBAN_COMMUNE
    from tests.clock import hanoi
    from tests.dashboard.test_calendar import WEEK, _assignment, _bulletin, _schedule

    law = _bulletin("Luật Thủ đô 2024 và các nghị quyết của HĐND Thành phố", seconds=20 * 60)
    _schedule(law, URBAN_COMMUNE, hanoi(2025, 6, 17, 6), seconds=18 * 60)
    morning = _bulletin("Phòng chống thiên tai mùa mưa bão")
    _schedule(morning, URBAN_COMMUNE, hanoi(2025, 6, 16, 6), hanoi(2025, 6, 16, 11), hanoi(2025, 6, 16, 17, 30))
    _assignment(law, "xa_minh_phu", hanoi(2025, 6, 18, 17))
    folder = _shots(tmp_path)
    errors = []
    for name, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = log_in(context, asgi_live_server, URBAN_COMMUNE)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{asgi_live_server.url}/dashboard/calendar/?week={WEEK}")
        assert page.locator(".ttcs-cal-warning").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1, name
        page.screenshot(path=str(folder / f"calendar-{name}.png"), full_page=name == "desktop")
        page.locator("#next-week").click()
        page.wait_for_url("**week=2025-W26")
        context.close()

        context = browser.new_context(viewport=viewport, locale="vi-VN")
        page = log_in(context, asgi_live_server, MANAGER)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{asgi_live_server.url}/dashboard/calendar/bulletin/{law.pk}/")
        assert page.locator("#bulletin-calendar tbody tr").count() == 4  # two days, one unit each
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1, name
        page.screenshot(path=str(folder / f"calendar-bulletin-{name}.png"))
        context.close()
    assert errors == []
