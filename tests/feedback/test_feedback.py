"""Citizens' feedback end to end without a browser: the public page (CSRF kept, honeypot, rate limit, uploads
checked), the triage branches (answer, forward, close), personal data for the handling unit only (404 for another
commune), the due-time reminder and escalation (once), and the report counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from viewflow.workflow.status import PROCESS, STATUS

from feedback import selectors
from feedback.models import Feedback, FeedbackSettings
from feedback.services import feedback_deadlines_scan
from notifications.models import Kind, Notification
from org.models import Membership
from tests.cast import DEPUTY, DIRECTOR, DRAFTER, RURAL_COMMUNE, URBAN_COMMUNE, person, unit
from tests.feedback.helpers import TEXT, png, send, triage_task
from workflows import engine
from workflows.feedback import steps
from workflows.feedback.flow import FeedbackFlow

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=HANOI)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form_url(demo):
    return reverse("feedback_public:form", args=[URBAN_COMMUNE])


def _post(client, url, **data):
    payload = {"text": TEXT, "name": "", "phone": "", "email": "", "website": "", **data}
    return client.post(url, payload)


# --- the public page ---------------------------------------------------------------------------------------------

def test_a_person_without_an_account_sends_feedback_and_gets_a_tracking_code(client, form_url):
    page = client.get(form_url)
    assert page.status_code == 200 and "Phường Phúc Xá" in page.content.decode()
    response = _post(client, form_url, name="Trần Thị Bình", email="binh@example.vn",
                     files=[png()])
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and response.url == reverse("feedback_public:track", args=[feedback.code])
    assert len(feedback.code) >= 20 and not feedback.code.isdigit()
    assert feedback.unit == feedback.commune == unit(URBAN_COMMUNE)
    assert feedback.attachments.get().name == "anh.png"
    assert not feedback.attachments.get().file.name.endswith("anh.png")  # a random stored name
    track = client.get(response.url).content.decode()
    assert "Đang xử lý" in track and feedback.code in track
    assert "Trần Thị Bình" not in track and "binh@example.vn" not in track  # no contact on the public page
    task = triage_task(feedback)
    assert task.status == STATUS.NEW and task.owner_permission == "org.act_for_unit"
    assert task.owner_permission_obj_pk == str(unit(URBAN_COMMUNE).pk)  # the commune's queue


def test_csrf_is_kept_on_the_public_form(demo, form_url):
    client = Client(enforce_csrf_checks=True)
    assert _post(client, form_url).status_code == 403
    assert not Feedback.objects.exists()


def test_the_honeypot_stores_nothing_and_tells_nobody(client, form_url):
    before = Notification.objects.count()
    response = _post(client, form_url, website="http://spam.example")
    assert response.status_code == 200 and "Đã nhận phản ánh" in response.content.decode()
    assert not Feedback.objects.exists()
    assert Notification.objects.count() == before


def test_one_address_is_rate_limited(client, form_url, settings):
    settings.FEEDBACK_RATE_LIMIT_PER_HOUR = 3
    for _ in range(3):
        assert _post(client, form_url).status_code == 302
    refused = _post(client, form_url)
    assert refused.status_code == 429 and "quá nhiều" in refused.content.decode()
    assert Feedback.objects.count() == 3
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address is not held back
    assert _post(other, form_url).status_code == 302


def test_a_bad_attachment_is_refused_and_nothing_is_saved(client, form_url):
    script = SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = _post(client, form_url, files=[script])
    assert response.status_code == 400
    assert "không khớp" in response.content.decode()
    exe = SimpleUploadedFile("chay.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    assert "không thuộc loại được phép" in _post(client, form_url, files=[exe]).content.decode()
    assert not Feedback.objects.exists()


def test_an_unknown_commune_or_code_is_404(client, demo):
    assert client.get(reverse("feedback_public:form", args=["khong_co"])).status_code == 404
    assert client.get(reverse("feedback_public:track", args=["khong-co-ma-nay"])).status_code == 404
    assert client.get(reverse("feedback_public:form", args=["quan_ba_dinh"])).status_code == 404  # a district


# --- personal data: the handling unit only -----------------------------------------------------------------------

def test_another_communes_officer_gets_404_on_the_item_and_its_attachment(client, demo):
    feedback = send(files=[png()])
    attachment = feedback.attachments.get()
    item = reverse("feedback:item", args=[feedback.pk])
    file_url = reverse("feedback:attachment", args=[feedback.pk, attachment.pk])
    client.force_login(person(URBAN_COMMUNE))
    page = client.get(item).content.decode()
    assert "0912345678" in page and "an@example.vn" in page
    assert client.get(file_url).status_code == 200
    client.force_login(person(RURAL_COMMUNE))
    assert client.get(item).status_code == 404
    assert client.get(file_url).status_code == 404
    task = triage_task(feedback)
    execute = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    assert client.get(execute).status_code in (403, 404)
    client.force_login(person(DIRECTOR))  # follows every unit: the item, not the contact nor the files
    page = client.get(item)
    assert page.status_code == 200 and "0912345678" not in page.content.decode()
    assert client.get(file_url).status_code == 404


# --- triage ------------------------------------------------------------------------------------------------------

def test_answering_shows_on_the_tracking_page_and_mails_the_sender(client, demo, django_capture_on_commit_callbacks):
    feedback = send()
    officer = person(URBAN_COMMUNE)
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(triage_task(feedback), officer, steps.triage_step, decision="answer",
                        answer="Phường đã thay bóng đèn ngày 05/3.")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ANSWERED and feedback.handled_by_unit == unit(URBAN_COMMUNE)
    assert triage_task(feedback) is None
    assert FeedbackFlow.process_class.objects.get(artifact_object_id=feedback.pk,
                                                  flow_class=FeedbackFlow).status == PROCESS.DONE
    page = client.get(reverse("feedback_public:track", args=[feedback.code])).content.decode()
    assert "Đã trả lời" in page and "Phường đã thay bóng đèn ngày 05/3." in page
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert "Phường đã thay bóng đèn" in mail.outbox[0].body and feedback.code in mail.outbox[0].body


def test_no_email_without_an_address(demo, django_capture_on_commit_callbacks):
    feedback = send(email="")
    with django_capture_on_commit_callbacks(execute=True):
        engine.task_run(triage_task(feedback), person(URBAN_COMMUNE), steps.triage_step, decision="answer",
                        answer="Đã xử lý.")
    assert mail.outbox == []


def test_forwarding_moves_the_task_to_the_other_units_queue_with_the_contact(client, demo):
    feedback = send()
    department = selectors.department_unit()
    engine.task_run(triage_task(feedback), person(URBAN_COMMUNE), steps.triage_step, decision="forward",
                    unit=department, note="Thuộc thẩm quyền của Sở.")
    feedback.refresh_from_db()
    task = triage_task(feedback)
    assert feedback.unit == department and feedback.is_open
    assert task.status == STATUS.NEW and task.owner_permission_obj_pk == str(department.pk)
    client.force_login(person(URBAN_COMMUNE))  # the commune handed it over: no longer its data
    assert client.get(reverse("feedback:item", args=[feedback.pk])).status_code == 404
    client.force_login(person(DRAFTER))  # an officer of the Department's feedback unit
    assert "0912345678" in client.get(reverse("feedback:item", args=[feedback.pk])).content.decode()
    engine.task_run(task, person(DRAFTER), steps.triage_step, decision="close", reason="Trùng phản ánh trước.")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.CLOSED and triage_task(feedback) is None


def test_the_triage_page_answers_over_http(client, demo):
    feedback = send()
    task = triage_task(feedback)
    officer = person(URBAN_COMMUNE)
    engine.task_claim(task, officer)
    client.force_login(officer)
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    page = client.get(url).content.decode()
    assert "0912345678" in page and "Chuyển đơn vị khác" in page
    missing = client.post(url, {"decision": "close", "reason": ""})
    assert missing.status_code == 200 and "Xin điền mục này." in missing.content.decode()
    done = client.post(url, {"decision": "answer", "answer": "Đã sửa."})
    assert done.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answer == "Đã sửa."


# --- due time: reminder and escalation, once ---------------------------------------------------------------------

def test_an_unanswered_item_is_escalated_once_on_its_due_date(demo):
    FeedbackSettings.objects.update_or_create(singleton=1, defaults={"answer_within_hours": 48,
                                                                      "remind_hours_before": 12})
    leader = type(person(DRAFTER)).objects.create_user("chu_tich_phuc_xa", full_name="Chủ tịch UBND phường")
    Membership.objects.create(user=leader, unit=unit(URBAN_COMMUNE), is_leader=True)
    with time_machine.travel(SENT_AT, tick=False):
        feedback = send()
    assert feedback.due_at == SENT_AT + timedelta(hours=48)

    assert feedback_deadlines_scan(now=SENT_AT + timedelta(hours=30)) == (0, 0)  # not yet near
    assert feedback_deadlines_scan(now=SENT_AT + timedelta(hours=37)) == (1, 0)  # 11 h left: the unit reminded
    reminded = Notification.objects.filter(dedupe_key=f"feedback-remind:{feedback.pk}")
    assert set(reminded.values_list("recipient__username", flat=True)) == {URBAN_COMMUNE, leader.username}
    assert feedback_deadlines_scan(now=SENT_AT + timedelta(hours=47, minutes=59)) == (0, 0)

    assert feedback_deadlines_scan(now=SENT_AT + timedelta(hours=48)) == (0, 1)  # due: escalated
    escalated = Notification.objects.filter(dedupe_key=f"feedback-escalated:{feedback.pk}")
    assert set(escalated.values_list("kind", flat=True)) == {Kind.ESCALATION}
    told = set(escalated.values_list("recipient__username", flat=True))
    assert {leader.username, DIRECTOR, DEPUTY, DRAFTER} <= told  # the unit's leaders, the Department
    assert URBAN_COMMUNE not in told  # not a leader
    assert feedback_deadlines_scan(now=SENT_AT + timedelta(hours=72)) == (0, 0)  # once
    assert escalated.count() == len(told)


def test_an_answered_item_is_not_escalated(demo):
    with time_machine.travel(SENT_AT, tick=False):
        feedback = send()
        engine.task_run(triage_task(feedback), person(URBAN_COMMUNE), steps.triage_step, decision="answer",
                        answer="Đã xử lý.")
    assert feedback_deadlines_scan(now=SENT_AT + timedelta(days=10)) == (0, 0)


def test_the_inbox_lists_the_triage_task_with_its_due_time(client, demo, django_assert_max_num_queries):
    for n in range(3):
        send(text=f"Phản ánh số {n}: rác thải tập kết sai giờ ở tổ dân phố 5.")
    client.force_login(person(URBAN_COMMUNE))
    client.get(reverse("work:inbox"))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("work:inbox") + "?flow=feedback").content.decode()
    assert page.count("Xử lý phản ánh, kiến nghị") >= 3 and "Phản ánh số 2" in page
    for n in range(3, 8):
        send(text=f"Phản ánh số {n}.")
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("work:inbox") + "?flow=feedback")
    for n in range(8, 12):
        send(text=f"Phản ánh số {n}.")
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("work:inbox") + "?flow=feedback").content.decode()
    assert "Phản ánh số 11" in page
    assert len(more.captured_queries) == len(three.captured_queries)  # does not grow with rows


# --- report counts ------------------------------------------------------------------------------------------------

def test_report_counts_for_a_unit_and_a_date_range(demo):
    with time_machine.travel(SENT_AT, tick=False):
        first, second = send(), send()
        send(codename=RURAL_COMMUNE)
        engine.task_run(triage_task(first), person(URBAN_COMMUNE), steps.triage_step, decision="answer",
                        answer="Đã xử lý.")
    with time_machine.travel(SENT_AT + timedelta(days=40), tick=False):
        send()
        engine.task_run(triage_task(second), person(URBAN_COMMUNE), steps.triage_step, decision="answer",
                        answer="Đã xử lý.")
    march = selectors.report_counts(unit(URBAN_COMMUNE), date(2026, 3, 1), date(2026, 3, 31))
    assert march == {"feedback_received": 2, "feedback_answered": 1}
    both = selectors.report_counts(unit(URBAN_COMMUNE), date(2026, 3, 2), date(2026, 4, 11))
    assert both == {"feedback_received": 3, "feedback_answered": 2}
