"""End to end in a real browser: Debian's chromium driven by Playwright, against the real ASGI application
served by daphne (see conftest). A notification sent by this test process reaches the open page live; a page
that was offline gets what it missed when it comes back; the polling fallback works without websockets."""

import re

import pytest

from notifications import services
from notifications.models import Kind, Level, Notification
from tests.live import log_in, run_in_thread

pytestmark = pytest.mark.django_db(transaction=True)

# Records desktop notifications instead of showing them (headless chromium has no notification centre).
DESKTOP_RECORDER = """
window.__desktop = [];
window.Notification = function (title, options) { window.__desktop.push({title: title, options: options}); };
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


@pytest.fixture
def server(asgi_live_server, demo_transactional, channel_layer):
    return asgi_live_server


def notify(*args, **kwargs):
    """As the application would, from a thread of its own (this one runs Playwright's event loop)."""
    return run_in_thread(services.notify, *args, **kwargs)


def wait_live(page):
    page.wait_for_function("() => window.ttcsNotifications && window.ttcsNotifications.state().mode === 'live'"
                           " && window.ttcsNotifications.state().lastId !== null")


def state(page) -> dict:
    return page.evaluate("window.ttcsNotifications.state()")


def test_live_toast_bell_count_catch_up_and_mark_read(browser, server, user):
    from playwright.sync_api import expect

    bientap1, bientap2 = user("bientap1"), user("bientap2")
    ctx1 = browser.new_context(locale="vi-VN")
    ctx1.add_init_script(DESKTOP_RECORDER)
    ctx2 = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        page = log_in(ctx1, server, "bientap1")
        other = log_in(ctx2, server, "bientap2")
        wait_live(page)
        wait_live(other)
        count = page.locator("#ttcs-bell-count")
        expect(count).to_be_hidden()

        # 1. Live: a toast and the bell count, no reload.
        notify([bientap1], kind=Kind.TASK_ASSIGNED, title="Bản tin «Mừng Quốc khánh 2/9» cần duyệt",
                        body="Hạn duyệt: 17:00 hôm nay", link="/notifications/", actor=user("truongban"))
        toast = page.locator(".ttcs-toast").filter(has_text="Mừng Quốc khánh 2/9")
        expect(toast).to_be_visible()
        expect(toast).to_contain_text("Việc mới trong hộp việc")
        expect(count).to_have_text("1")
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # still the same page
        expect(other.locator(".ttcs-toast")).to_have_count(0)  # bientap2 hears nothing of it

        # 2. Offline: the socket goes away; what is sent meanwhile arrives on return.
        page.evaluate("window.ttcsNotifications.disconnect()")
        page.wait_for_function("() => window.ttcsNotifications.state().open === false")
        notify([bientap1], kind=Kind.BULLETIN_RETURNED, title="Bản tin bị trả lại lần 1")
        notify([bientap1, bientap2], kind=Kind.EMERGENCY, level=Level.URGENT, title="Bão số 3: phát ngay")
        page.wait_for_timeout(500)
        expect(page.locator(".ttcs-toast").filter(has_text="Bão số 3")).to_have_count(0)
        page.evaluate("window.ttcsNotifications.connect()")
        expect(page.locator(".ttcs-toast").filter(has_text="Bản tin bị trả lại lần 1")).to_be_visible()
        expect(page.locator(".ttcs-toast--urgent").filter(has_text="Bão số 3")).to_be_visible()
        expect(count).to_have_text("3")
        assert state(page)["beeps"] >= 1  # urgent: a WebAudio beep
        assert state(page)["lastId"] == Notification.objects.filter(recipient=bientap1).latest("id").pk
        assert "Bão số 3: phát ngay" in [d["title"] for d in page.evaluate("window.__desktop")]
        # bientap2, on a phone, got the emergency live.
        expect(other.locator(".ttcs-toast--urgent")).to_contain_text("Bão số 3")
        expect(other.locator("#ttcs-bell-count")).to_have_text("1")

        # 3. The dropdown lists them; "mark all read" clears the count in every tab of the user.
        second_tab = ctx1.new_page()
        second_tab.goto(f"{server.url}/notifications/")
        wait_live(second_tab)
        expect(second_tab.locator("#ttcs-bell-count")).to_have_text("3")
        page.click("#ttcs-bell-button")
        panel = page.locator("#ttcs-bell-panel")
        expect(panel).to_be_visible()
        expect(panel.locator(".ttcs-bell__item")).to_have_count(3)
        expect(panel.locator(".ttcs-bell__item.is-unread").first).to_contain_text("Bão số 3")
        panel.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
        expect(count).to_be_hidden()
        expect(second_tab.locator("#ttcs-bell-count")).to_be_hidden()
        expect(panel.locator(".ttcs-bell__item.is-unread")).to_have_count(0)
        assert not Notification.objects.filter(recipient=bientap1, read_at__isnull=True).exists()

        # 4. Phone width: the bell and its panel fit the screen.
        other.click("#ttcs-bell-button")
        box = other.locator("#ttcs-bell-panel").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        other.locator(".ttcs-bell__item-read").first.click()
        expect(other.locator("#ttcs-bell-count")).to_be_hidden()
    finally:
        ctx1.close()
        ctx2.close()


def test_one_socket_across_turbo_navigation_and_live_counters(browser, server, user):
    from playwright.sync_api import expect

    bientap1 = user("bientap1")
    ctx = browser.new_context(locale="vi-VN")
    try:
        page = log_in(ctx, server, "bientap1")
        wait_live(page)
        page.goto(f"{server.url}/notifications/")  # a full load: a new page, a new socket
        wait_live(page)
        page.evaluate("window.__pageMarker = 1")
        # Navigate through Turbo (as a click on a viewflow link does): the script stays, the body is swapped.
        page.evaluate("Turbo.visit('/notifications/preferences/')")
        page.wait_for_url(re.compile(r"/notifications/preferences/$"))
        expect(page.locator("h1, .mdc-top-app-bar__title").first).to_contain_text("Tùy chọn thông báo")
        assert page.evaluate("window.__pageMarker") == 1  # no full reload happened
        wait_live(page)
        assert state(page)["opens"] == 1  # and the same socket still serves the new page
        page.evaluate("""() => { const c = document.createElement('span'); c.dataset.ttcsCounter = 'overdue';
                                 c.id = 'overdue-counter'; c.textContent = '2'; document.body.appendChild(c); }""")
        notify([bientap1], kind=Kind.OVERDUE, level=Level.WARNING, title="Quá hạn báo cáo")
        expect(page.locator(".ttcs-toast").filter(has_text="Quá hạn báo cáo")).to_be_visible()
        expect(page.locator("#ttcs-bell-count")).to_have_text("1")  # the new page's bell is wired too
        expect(page.locator("#overdue-counter")).to_have_text("3")
        page.click("#ttcs-bell-button")
        expect(page.locator("#ttcs-bell-panel .ttcs-bell__item")).to_have_count(1)
    finally:
        ctx.close()


def test_polling_fallback_when_websockets_are_blocked(browser, server, user):
    from playwright.sync_api import expect

    bientap3 = user("bientap3")
    ctx = browser.new_context(locale="vi-VN")
    # A proxy that drops websockets: every attempt is closed at once, as if upgrades were refused.
    ctx.route_web_socket(re.compile(r".*/ws/notifications/$"), lambda ws: ws.close())
    ctx.add_init_script("window.ttcsNotificationsConfig = {pollMs: 500};")
    try:
        page = log_in(ctx, server, "bientap3")
        page.wait_for_function("() => window.ttcsNotifications && window.ttcsNotifications.state().mode === 'polling'")
        page.wait_for_function("() => window.ttcsNotifications.state().lastId !== null")
        notify([bientap3], kind=Kind.REPORT_ACCEPTED, title="Báo cáo 6 tháng được chấp nhận")
        expect(page.locator(".ttcs-toast").filter(has_text="Báo cáo 6 tháng được chấp nhận")).to_be_visible()
        expect(page.locator("#ttcs-bell-count")).to_have_text("1")
        page.click("#ttcs-bell-button")
        page.locator(".ttcs-bell__item-read").first.click()  # marked read over HTTP (CSRF header)
        expect(page.locator("#ttcs-bell-count")).to_be_hidden()
        assert Notification.objects.get(recipient=bientap3).read_at is not None
    finally:
        ctx.close()
