"""The one inbox ("Hộp việc"): what is mine and what waits in my units' queues across every flow, named by
directive and unit, at a query count that does not grow with rows; one click claims and opens; bulk claim lands
back on the list; notification links open the task (claimed where the reader is its only possible owner);
officers of another unit are refused on GET and POST; viewflow's engine pages are for supervisors only."""

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from coordination.models import Assignment
from notifications.models import Notification
from tests.cast import DIRECTOR, DISTRICT, DRAFTER, MANAGER, RURAL_COMMUNE, URBAN_COMMUNE
from tests.workflows.directive.helpers import acknowledge, approve, issue, open_task, report, unit
from workflows import inbox
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow

MAX_QUERIES = 40


def _directives(user, capture, n: int, codenames=(URBAN_COMMUNE, RURAL_COMMUNE)):
    directives = []
    for i in range(n):
        with capture(execute=True):
            directive = issue(user(DRAFTER), [unit(c) for c in codenames], title=f"Chỉ đạo số {i + 1}")
            approve(directive, user(DIRECTOR))
        directives.append(directive)
    return directives


@pytest.fixture
def two(demo, user, django_capture_on_commit_callbacks):
    return _directives(user, django_capture_on_commit_callbacks, 2)


def test_inbox_names_the_directive_and_unit_with_due_date_and_urgency(two, user):
    rows = inbox.inbox_rows(inbox.inbox_tasks(user(URBAN_COMMUNE)), user(URBAN_COMMUNE))
    assert {(r.title, r.subject, r.unit_name, r.urgency, r.mine) for r in rows} == {
        ("Tiếp nhận", "Chỉ đạo số 1", "Phường Phúc Xá", "Khẩn", False),
        ("Tiếp nhận", "Chỉ đạo số 2", "Phường Phúc Xá", "Khẩn", False)}
    assert all(r.due == d.deadline for r, d in zip(sorted(rows, key=lambda r: r.subject), two, strict=True))
    assert inbox.inbox_counts(user(URBAN_COMMUNE))["queue"] == 2
    assert inbox.inbox_counts(user(DISTRICT))["total"] == 0  # Ba Đình sees nothing of its commune's own queue


def test_inbox_spans_every_flow_and_filters(two, user):
    leader = user(DIRECTOR)
    with_approval = issue(user(DRAFTER), [unit(URBAN_COMMUNE)], title="Chờ duyệt")
    subjects = {r.subject: r for r in inbox.inbox_rows(inbox.inbox_tasks(leader), leader)}
    assert subjects["Chờ duyệt"].title == "Lãnh đạo duyệt"
    assert subjects["Chờ duyệt"].unit_name == with_approval.issuing_unit.name
    assert [t.subject for t in inbox.inbox_tasks(leader, flow="assignment")] == []
    assert [t.subject for t in inbox.inbox_tasks(leader, flow="directive")] == ["Chờ duyệt"]
    acknowledge(Assignment.objects.get(directive=two[0], unit__codename=URBAN_COMMUNE), user(URBAN_COMMUNE))
    officer = user(URBAN_COMMUNE)
    assert [(t.flow_task, t.subject) for t in inbox.inbox_tasks(officer, scope="mine")] == [
        (UnitAssignmentFlow.report, "Chỉ đạo số 1")]
    assert [t.subject for t in inbox.inbox_tasks(officer, scope="queue")] == ["Chỉ đạo số 2"]
    counts = inbox.inbox_counts(officer)
    assert (counts["mine"], counts["queue"], counts["assignment"], counts["directive"]) == (1, 1, 2, 0)


def test_inbox_page_query_count_does_not_grow_with_rows(demo, user, client, django_capture_on_commit_callbacks,
                                                        django_assert_max_num_queries):
    client.force_login(user(URBAN_COMMUNE))
    _directives(user, django_capture_on_commit_callbacks, 1)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert client.get(reverse("work:inbox")).status_code == 200
    _directives(user, django_capture_on_commit_callbacks, 6)
    acknowledge(Assignment.objects.filter(unit__codename=URBAN_COMMUNE).first(), user(URBAN_COMMUNE))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("work:inbox"))
    assert response.content.decode().count('data-task="') == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_one_click_on_a_queue_row_claims_and_opens_the_form(two, user, client):
    task = open_task(two[0].assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge)
    client.force_login(user(URBAN_COMMUNE))
    response = client.post(reverse("work:task_claim", args=[task.pk]))
    assert response.status_code == 302
    assert response["Location"] == UnitAssignmentFlow.acknowledge.reverse("execute", args=[task.process_id, task.pk])
    task.refresh_from_db()
    assert (task.status, task.owner) == (STATUS.ASSIGNED, user(URBAN_COMMUNE))


def test_bulk_claim_lands_back_on_the_list_with_a_message(two, user, client):
    tasks = [open_task(d.assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge) for d in two]
    client.force_login(user(URBAN_COMMUNE))
    response = client.post(reverse("work:inbox"), {"action": "claim", "tasks": [t.pk for t in tasks]}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("work:inbox"), 302)]
    assert "Đã nhận 2 việc." in response.content.decode()
    assert inbox.inbox_counts(user(URBAN_COMMUNE))["mine"] == 2


def test_an_officer_of_another_unit_is_refused_on_get_and_post(two, user, client):
    assignment = two[0].assignments.get(unit__codename=URBAN_COMMUNE)
    task = open_task(assignment, UnitAssignmentFlow.acknowledge)
    # Minh Phú has its own assignment on the same directive, not Phúc Xá's: 404 on its pages, 403 on its task
    client.force_login(user(RURAL_COMMUNE))
    assert client.get(reverse("work:assignment_open", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("coordination:assignment_detail", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("work:task_claim", args=[task.pk])).status_code == 403
    execute = UnitAssignmentFlow.acknowledge.reverse("execute", args=[task.process_id, task.pk])
    assert client.get(execute).status_code in (403, 404)
    assert client.post(execute, {}).status_code in (403, 404)
    task.refresh_from_db()
    assert task.status == STATUS.NEW
    # the task link of a notification lands on the object page, which refuses them
    response = client.get(reverse("work:task_open", args=[task.pk]), follow=True)
    assert response.status_code == 404


def test_the_notification_of_a_new_directive_opens_the_units_task_claimed(two, user, client):
    officer = user(URBAN_COMMUNE)
    note = Notification.objects.filter(recipient=officer, title__contains="Chỉ đạo số 1").latest("pk")
    assert note.link == reverse("work:directive_open", args=[two[0].pk])
    client.force_login(officer)
    response = client.get(note.link)
    task = open_task(two[0].assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge)
    assert response["Location"] == UnitAssignmentFlow.acknowledge.reverse("execute", args=[task.process_id, task.pk])
    assert (task.status, task.owner) == (STATUS.ASSIGNED, officer)  # its only officer: claimed on opening
    response = client.post(response["Location"], {})
    assert response.status_code == 302
    assert response["Location"] == reverse("coordination:assignment_detail", args=[task.process.artifact_object_id])
    assert Assignment.objects.get(pk=task.process.artifact_object_id).status == Assignment.Status.RECEIVED


def test_a_queue_task_with_several_possible_owners_is_not_claimed_on_opening(demo, user, client):
    directive = issue(user(DRAFTER), [unit(URBAN_COMMUNE)], title="Chờ duyệt")
    task = open_task(directive, DirectiveFlow.approve)
    client.force_login(user(DIRECTOR))
    response = client.get(reverse("work:task_open", args=[task.pk]))
    assert response["Location"] == reverse("coordination:directive_detail", args=[directive.pk])
    task.refresh_from_db()
    assert task.status == STATUS.NEW  # the Deputy and the manager approve too: nobody takes it by looking


def test_the_directive_page_shows_the_units_task_at_the_top(two, user, client):
    client.force_login(user(URBAN_COMMUNE))
    page = client.get(reverse("coordination:directive_detail", args=[two[0].pk])).content.decode()
    top = page.index('id="viec"')
    assert top < page.index("ttcs-stats")
    assert "Nhận việc: Tiếp nhận" in page[top:]


@pytest.mark.parametrize("page", ["process_detail", "process_cancel"])
def test_engine_process_pages_are_for_supervisors_only(two, user, client, page):
    process = open_task(two[0].assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge).process
    url = reverse(f"unitassignment:{page}", args=[process.pk])
    for name in (URBAN_COMMUNE, DISTRICT, DRAFTER):
        client.force_login(user(name))
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
    client.force_login(user(MANAGER))  # supervises every unit (as the leaders do)
    assert client.get(url).status_code in (200, 302)


@pytest.mark.parametrize("page", ["detail", "assign", "cancel", "undo"])
def test_engine_task_pages_are_for_supervisors_only(two, user, client, page):
    task = open_task(two[0].assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge)
    url = UnitAssignmentFlow.acknowledge.reverse(page, args=[task.process_id, task.pk])
    client.force_login(user(URBAN_COMMUNE))
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_a_task_index_sends_an_officer_to_the_inbox_link(two, user, client):
    task = open_task(two[0].assignments.get(unit__codename=URBAN_COMMUNE), UnitAssignmentFlow.acknowledge)
    client.force_login(user(URBAN_COMMUNE))
    response = client.get(UnitAssignmentFlow.acknowledge.reverse("index", args=[task.process_id, task.pk]))
    assert response["Location"] == reverse("work:task_open", args=[task.pk])


def test_the_process_cancel_button_only_for_who_may_cancel(two, user, client):
    process = two[0].assignments.get(unit__codename=URBAN_COMMUNE)
    directive_process = open_task(two[0], DirectiveFlow.wait_assignments).process
    client.force_login(user(MANAGER))  # supervises every unit, issues for the division: may cancel
    page = client.get(reverse("directive:process_detail", args=[directive_process.pk])).content.decode()
    assert reverse("directive:process_cancel", args=[directive_process.pk]) in page
    response = client.get(reverse("directive:process_cancel", args=[directive_process.pk]))
    assert response["Location"] == reverse("directive:cancel", args=[two[0].pk])
    confirmation = client.get(response["Location"]).content.decode()
    assert "2 đơn vị" in confirmation and two[0].title in confirmation
    assert process  # the unit's assignment is cancelled with it (workflows/directive/services.directive_withdraw)


def test_report_and_review_notifications_open_the_review_for_the_reviewer(demo, user, client,
                                                                          django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        [directive] = _directives(user, capture, 1, codenames=(URBAN_COMMUNE,))
        assignment = directive.assignments.get()
        acknowledge(assignment, user(URBAN_COMMUNE))
        report(assignment, user(URBAN_COMMUNE))
    review = open_task(assignment, UnitAssignmentFlow.review)
    reviewer = user(DRAFTER)
    note = Notification.objects.filter(recipient=reviewer, link=reverse("work:task_open", args=[review.pk])).first()
    assert note is not None
    client.force_login(reviewer)
    response = client.get(note.link)
    assert response.status_code == 302
