"""Through the pages, in Debian's chromium: phongtt writes and submits a bulletin (bientap1's open page gets
the toast live), the Board secretary assigns the review, and the three Board members approve it."""

import re

import pytest
from playwright.sync_api import expect

from editorial.models import Bulletin
from org.models import Structure, Unit
from tests.live import log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Mừng 80 năm Quốc khánh 2/9"


@pytest.fixture
def server(asgi_live_server, demo_transactional, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return asgi_live_server


def _open_my_task(page, server, bulletin_pk, title):
    page.goto(f"{server.url}/editorial/{bulletin_pk}/")
    claim = page.get_by_role("button", name=f"Nhận việc: {title}")
    if claim.count():
        claim.click()  # takes the task from the queue and opens its form
    else:
        page.get_by_role("link", name=title).click()
    expect(page.locator("form button[type=submit]").last).to_be_visible()


def test_write_submit_and_approve_through_the_pages(browser, server):
    communes = list(Unit.objects.filter(structure=Structure.Y2025, codename__in=["phuong_phuc_xa", "xa_minh_phu"]))

    board = browser.new_context()
    watcher = log_in(board, server, "bientap1")
    watcher.wait_for_function("() => window.ttcsNotifications && window.ttcsNotifications.state().mode === 'live'")

    drafter = log_in(browser.new_context(), server, "phongtt")
    drafter.goto(f"{server.url}/editorial/new/")
    drafter.fill("input[name=title]", TITLE)
    drafter.locator(".ed-richtext").click()
    drafter.keyboard.type("UBND TP. Hà Nội đề nghị các phường, xã treo cờ Tổ quốc từ ngày 1/9/2025.")
    drafter.select_option("select[name=target_units]", [str(u.pk) for u in communes])
    drafter.get_by_role("button", name="Lưu dự thảo").click()
    drafter.wait_for_url(re.compile(r"/editorial/\d+/$"))
    bulletin = Bulletin.objects.get(title=TITLE)
    drafter.locator("#submit-bulletin").click()
    expect(drafter.get_by_text("Đã trình Ban biên tập.")).to_be_visible()

    toast = watcher.locator(".ttcs-toast").filter(has_text=TITLE)
    expect(toast).to_be_visible()  # live, without a reload
    expect(watcher.locator("#ttcs-bell-count")).not_to_have_text(re.compile(r"^0?$"))

    secretary = log_in(browser.new_context(), server, "truongban")
    _open_my_task(secretary, server, bulletin.pk, "Phân công thẩm định")
    expect(secretary.locator("input[name=reviewers]:checked")).to_have_count(3)  # every Board member by default
    secretary.get_by_role("button", name="Giao thẩm định").click()
    expect(secretary.get_by_text("Đã lưu.")).to_be_visible()

    for name in ("bientap1", "bientap2", "bientap3"):
        page = watcher if name == "bientap1" else log_in(browser.new_context(), server, name)
        _open_my_task(page, server, bulletin.pk, "Thẩm định bản tin")
        page.get_by_label("Đồng ý").check()
        page.get_by_role("button", name="Gửi ý kiến").click()
        expect(page.get_by_text("Đã lưu.")).to_be_visible()

    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.APPROVED
    assert fresh_decisions(bulletin) == 3


def fresh_decisions(bulletin) -> int:
    from editorial.models import ReviewDecision

    return ReviewDecision.objects.filter(revision__bulletin=bulletin, decision="approve").count()
