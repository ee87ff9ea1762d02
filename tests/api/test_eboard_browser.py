"""A real e-board: Debian's chromium (Playwright) opens a unit's board page with its token, at 1920×1080 and in
portrait 1080×1920; an emergency published meanwhile takes the screen over through the websocket, without a
reload, and the board reports what it showed."""

import pytest

from api import services
from api.models import ApiClient, EboardShowing
from tests.cast import unit
from tests.editorial.helpers import communes, draft, published
from tests.live import TIMEOUT_MS, run_in_thread

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(asgi_live_server, demo_transactional, channel_layer, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZALO_SENDER = ""
    return asgi_live_server


def publish(**fields):
    """As the Office would, from a thread of its own (this one runs Playwright's event loop)."""
    return run_in_thread(lambda: published(draft(target_spec=communes("phuong_phuc_xa"), **fields)))


@pytest.mark.parametrize("viewport", [{"width": 1920, "height": 1080}, {"width": 1080, "height": 1920}],
                         ids=["landscape", "portrait"])
def test_an_emergency_takes_the_board_over_without_a_reload(browser, server, viewport):
    from playwright.sync_api import expect

    board, token = services.client_create(name="Bảng tin điện tử phường Phúc Xá", kind=ApiClient.Kind.EBOARD,
                                          units=[unit("phuong_phuc_xa")])
    normal = publish(title="Lịch tiêm chủng tháng 12", summary="Trạm y tế phường tiêm vắc xin sởi ngày 15/12.")
    context = browser.new_context(locale="vi-VN", viewport=viewport)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{server.url}/eboard/{unit('phuong_phuc_xa').code}/?token={token}")
        page.wait_for_function("() => window.ttcsEboard && window.ttcsEboard.state().socket === 'open'")
        expect(page.locator("#eboard-title")).to_have_text("Lịch tiêm chủng tháng 12")
        expect(page.locator("#eboard-summary")).to_contain_text("vắc xin sởi")
        expect(page.locator("#eboard-badge")).to_be_hidden()
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size == [viewport["width"], viewport["height"]]  # full screen, nothing spills over

        emergency = publish(priority="emergency", title="Bão số 3 đổ bộ: người dân ở trong nhà",
                            summary="Không ra đường từ 18 giờ hôm nay.")

        expect(page.locator("#eboard-title")).to_have_text("Bão số 3 đổ bộ: người dân ở trong nhà")
        expect(page.locator("#eboard-badge")).to_be_visible()
        expect(page.locator("body")).to_have_class("eboard eboard--emergency")
        state = page.evaluate("window.ttcsEboard.state()")
        assert state["mode"] == "emergency" and state["current"] == emergency.pk and state["received"] == 1
        assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # the same page, no reload
        title_box = page.locator("#eboard-title").bounding_box()
        assert title_box["x"] >= 0 and title_box["x"] + title_box["width"] <= viewport["width"]

        page.evaluate("window.ttcsEboard.next()")  # the rotation keeps the emergency on screen
        expect(page.locator("#eboard-title")).to_have_text("Bão số 3 đổ bộ: người dân ở trong nhà")
        # The board's "shown" reports reach the database (the consumer writes them as they come).
        page.wait_for_function("() => window.ttcsEboard.state().shownReports >= 2")
        expected = {normal.pk, emergency.pk}
        for _ in range(50):
            if shown_by(board) == expected:
                break
            page.wait_for_timeout(100)
        assert shown_by(board) == expected
    finally:
        context.close()


def shown_by(board) -> set[int]:
    return run_in_thread(lambda: set(EboardShowing.objects.filter(client=board).values_list("bulletin_id", flat=True)))
