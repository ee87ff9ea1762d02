"""The Done-when of issue 16 for citizens' feedback, in Debian's chromium: a person with no account sends feedback
from their commune's page, the commune's officer (signed in, socket live) sees it arrive as a toast, opens it from
the toast, answers it, and the person's tracking page shows the answer."""

import re

import pytest
from playwright.sync_api import expect

from feedback.models import Feedback
from tests.cast import URBAN_COMMUNE
from tests.live import TIMEOUT_MS, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Cây xanh đổ chắn lối đi ngõ 8 phố Phúc Xá sau cơn giông, đề nghị phường xử lý."
ANSWER = "Phường đã cử tổ công tác dọn cây đổ sáng 06/3. Cảm ơn bạn đã phản ánh."


@pytest.fixture
def server(asgi_live_server, demo_transactional, settings):
    from django.core.cache import cache

    cache.clear()
    return asgi_live_server


def test_a_citizen_sends_feedback_the_officer_answers_live_and_the_tracking_page_shows_it(browser, server):
    officer = log_in(browser.new_context(), server, URBAN_COMMUNE)
    officer.wait_for_function("() => window.ttcsNotifications && window.ttcsNotifications.state().mode === 'live'")

    citizen = browser.new_context().new_page()  # no account, no cookie
    citizen.set_default_timeout(TIMEOUT_MS)
    citizen.goto(f"{server.url}/phan-anh/{URBAN_COMMUNE}/")
    expect(citizen.get_by_role("heading", name=re.compile("Phường Phúc Xá"))).to_be_visible()
    expect(citizen.locator("input[name=website]")).not_to_be_in_viewport()  # the honeypot is out of sight
    citizen.fill("textarea[name=text]", TEXT)
    citizen.fill("input[name=name]", "Lê Văn Cường")
    citizen.get_by_role("button", name="Gửi phản ánh").click()
    expect(citizen.locator("[data-status]")).to_have_text("Đang xử lý")
    code = citizen.locator("[data-code]").inner_text()
    assert Feedback.objects.get(code=code).text == TEXT

    toast = officer.locator(".ttcs-toast").filter(has_text="Xử lý phản ánh, kiến nghị")
    expect(toast).to_be_visible()  # arrived over the websocket, no reload
    toast.locator("a").click()  # the commune's only officer: claimed and opened
    expect(officer.get_by_text("Lê Văn Cường")).to_be_visible()  # the contact, for the handling unit
    officer.get_by_label("Trả lời người gửi").check()
    officer.fill("textarea[name=answer]", ANSWER)
    officer.get_by_role("button", name="Ghi nhận").click()
    expect(officer.get_by_text("Đã lưu.")).to_be_visible()

    citizen.reload()
    expect(citizen.locator("[data-status]")).to_have_text("Đã trả lời")
    expect(citizen.locator("[data-answer]")).to_contain_text(ANSWER)
    assert "Lê Văn Cường" not in citizen.content()
