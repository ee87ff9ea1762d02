"""PostgreSQL, real threads: two Board members deciding at the same instant produce exactly one outcome, and
the one who lost the race gets a clear message, not an error page."""

import threading

import pytest
from django.db import connection
from django.test import Client
from viewflow.workflow.models import Task

from editorial.models import Bulletin, ReviewPolicy
from tests.conftest import requires_postgres
from tests.workflows.bulletin.test_flow import choose, review, submitted, tasks_of
from workflows.bulletin.flow import BulletinFlow

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_decisions_one_outcome(demo_transactional, user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ReviewPolicy.objects.update_or_create(priority="", defaults={"rule": "majority"})
    bulletin = submitted()
    choose(bulletin)
    review(bulletin, "bientap1")  # one approval; the next decision decides the round either way
    tasks = {t.owner.username: t for t in tasks_of(bulletin, BulletinFlow.review)}
    decisions = {"bientap2": "approve", "bientap3": "reject"}
    barrier = threading.Barrier(2)
    results = {}

    def decide(name):
        client = Client(raise_request_exception=False)
        client.force_login(user(name))
        task = tasks[name]
        url = f"/bulletin/{task.process_id}/review/{task.pk}/execute/"
        try:
            barrier.wait()
            response = client.post(url, {"decision": decisions[name], "comment": "đồng thời"}, follow=True)
            results[name] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(name,)) for name in decisions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert all(code == 200 for code, _html in results.values()), {k: v[0] for k, v in results.items()}
    status = Bulletin.objects.get(pk=bulletin.pk).status
    assert status in (Bulletin.Status.APPROVED, Bulletin.Status.REJECTED)
    outcome_steps = Task.objects.filter(process__artifact_object_id=bulletin.pk, process__flow_class=BulletinFlow,
                                        flow_task__in=[BulletinFlow.approved, BulletinFlow.rejected,
                                                       BulletinFlow.changes_requested])
    assert outcome_steps.count() == 1
    winner = "bientap2" if status == Bulletin.Status.APPROVED else "bientap3"
    loser = "bientap3" if winner == "bientap2" else "bientap2"
    assert "Đã lưu." in results[winner][1]
    assert "đã được xử lý" in results[loser][1]
