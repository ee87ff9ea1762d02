"""The officer's day in Debian's chromium (2025 structure: districts relay). Each person starts from the toast of
the notification that arrived live and counts clicks to the finished task: a commune acknowledges a new directive,
a district acknowledges and relays it to all its communes, the district then accepts a named commune's report;
two clicks each. With TTCS_SCREENSHOTS=docs the inbox is also saved at desktop and phone width under docs/."""

import os
import shutil

import pytest
from playwright.sync_api import expect

from coordination.models import Assignment
from tests.cast import DIRECTOR, DISTRICT, DRAFTER, URBAN_COMMUNE
from tests.live import TIMEOUT_MS, log_in, run_in_thread
from tests.workflows.directive.helpers import acknowledge, approve, issue, report, unit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(asgi_live_server, demo_transactional, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return asgi_live_server


def _send(title, codenames):
    """Issue and approve a directive to these units (the fan-out job runs inline; units are told after commit)."""
    from org.models import User

    def run():
        directive = issue(User.objects.get(username=DRAFTER), [unit(c) for c in codenames], title=title)
        return approve(directive, User.objects.get(username=DIRECTOR))

    return run_in_thread(run)


def _live(page):
    page.wait_for_function("() => window.ttcsNotifications && window.ttcsNotifications.state().mode === 'live'")


class Clicks:
    """Counts the clicks a person makes from the notification on."""

    def __init__(self):
        self.n = 0

    def click(self, locator):
        self.n += 1
        locator.click()


def test_commune_acknowledges_a_new_directive_in_two_clicks(browser, server):
    page = log_in(browser.new_context(), server, URBAN_COMMUNE)
    _live(page)
    count = page.locator('[data-home-count="total"]')  # the home card "Hộp việc"
    expect(count).to_have_text("0")
    directive = _send("Tuyên truyền phòng chống bão số 3", [URBAN_COMMUNE])
    clicks = Clicks()
    toast = page.locator(".ttcs-toast").filter(has_text=directive.title)
    expect(count).to_have_text("1")  # read again when the notification arrived, without a reload
    clicks.click(toast.locator("a"))  # the notification opens the unit's task, already claimed
    expect(page.get_by_role("heading", name=directive.title)).to_be_visible()
    clicks.click(page.get_by_role("button", name="Xác nhận đã nhận"))
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    assert "/coordination/" in page.url  # lands on the assignment's page, not the engine's process page
    assert Assignment.objects.get(directive=directive).status == Assignment.Status.RECEIVED
    assert clicks.n <= 2


def test_district_relays_then_accepts_a_named_communes_report_in_two_clicks_each(browser, server, tmp_path):
    from org.models import User

    page = log_in(browser.new_context(), server, DISTRICT)
    _live(page)
    directive = _send("Tuyên truyền Luật Thủ đô 2024", [DISTRICT])
    clicks = Clicks()
    clicks.click(page.locator(".ttcs-toast").filter(has_text=directive.title).locator("a"))
    relay_all = page.get_by_role("button", name="Xác nhận đã nhận và giao tiếp cho cả")
    clicks.click(relay_all)
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    district = Assignment.objects.get(directive=directive, parent=None)
    assert district.status == Assignment.Status.RECEIVED and district.relayed
    communes = Assignment.objects.filter(parent=district)
    assert communes.count() == len(run_in_thread(lambda: list(unit(DISTRICT).children.filter(kind="commune"))))
    assert clicks.n <= 2

    phuc_xa = communes.get(unit__codename=URBAN_COMMUNE)
    officer = User.objects.get(username=URBAN_COMMUNE)
    run_in_thread(lambda: (acknowledge(phuc_xa, officer), report(phuc_xa, officer)))
    clicks = Clicks()
    toast = page.locator(".ttcs-toast").filter(has_text="Xem xét báo cáo").last
    clicks.click(toast.locator("a"))
    expect(page.locator(".ttcs-card").filter(has_text="Phường Phúc Xá").first).to_be_visible()  # names the commune
    clicks.click(page.get_by_role("button", name="Ghi nhận"))
    expect(page.get_by_text("Đã lưu.")).to_be_visible()
    phuc_xa.refresh_from_db()
    assert phuc_xa.status == Assignment.Status.ACCEPTED
    assert clicks.n <= 2
    assert "/hop-viec/" in page.url  # a reviewer lands back in the inbox: the next report to review

    for title in ("Phòng, chống thiên tai mùa mưa bão", "80 năm Quốc khánh 2/9"):
        _send(title, [DISTRICT])  # two rows waiting in the district's queue beside its own report
    _screenshots(page, server, tmp_path)


def _screenshots(page, server, tmp_path):
    """The inbox at desktop and phone width (saved under docs/ when TTCS_SCREENSHOTS=docs)."""
    page.set_default_timeout(TIMEOUT_MS)
    for name, width, height in (("desktop", 1280, 800), ("phone", 390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server.url}/hop-viec/")
        expect(page.locator("#inbox tr[data-task]")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        path = tmp_path / f"inbox-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _keep(path, f"inbox-{name}.png")
    # a task page (the first row, claimed and opened) and the directive's page: no sideways scroll on a phone
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{server.url}/hop-viec/")
    page.locator("#inbox tr[data-task] button").first.click()
    expect(page.get_by_role("button", name="Xác nhận đã nhận").first).to_be_visible()
    task_url = page.url
    for name, width, height in (("desktop", 1280, 800), ("phone", 375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(task_url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        path = tmp_path / f"task-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _keep(path, f"task-{name}.png")
    from django.urls import reverse  # noqa: PLC0415

    from coordination.models import Directive  # noqa: PLC0415

    page.goto(f"{server.url}{reverse('coordination:directive_detail', args=[Directive.objects.latest('pk').pk])}")
    expect(page.locator("h2").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the directive page fits a phone


def _keep(path, name: str) -> None:
    if os.environ.get("TTCS_SCREENSHOTS") == "docs":
        shutil.copyfile(path, os.path.join(os.path.dirname(__file__), "..", "..", "docs", name))
