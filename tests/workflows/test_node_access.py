"""Every human step of every flow, as every demo role: who may be assigned, who may execute, and what the
step's assign and execute pages answer (GET and POST). The table below is the rule; a human node that it does
not list, or that has no access rule, fails."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.nodes import View
from viewflow.workflow.status import STATUS

from coordination import services as coordination
from coordination.models import Directive, Urgency
from editorial.models import Bulletin
from org.models import Structure, Unit, User
from tests.cast import DRAFTER, LEADERS, MANAGER
from tests.editorial.helpers import draft, submit
from workflows.access import may_open_engine_pages
from workflows.bulletin.flow import BulletinFlow
from workflows.directive.flow import DirectiveFlow, UnitAssignmentFlow
from workflows.engine import HumanTask
from workflows.models import AssignmentProcess, BulletinProcess, DirectiveProcess

ANONYMOUS = "anonymous"
# district officer of Ba Đình, an officer of one of its communes (the target), one of another district's commune
ROLES = ["giamdoc", "phogiamdoc", "truongban", "bientap1", "bientap2", "bientap3", "phongtt", "truyenthong",
         "vanphong", "quanly", "admin", "quan_ba_dinh", "phuong_phuc_xa", "xa_minh_phu", ANONYMOUS]
FLOWS = [BulletinFlow, DirectiveFlow, UnitAssignmentFlow]

ISSUER = {DRAFTER, MANAGER}  # Phòng Thông tin - Báo chí - Xuất bản, which drafts the bulletin and the directive

# (flow, node, scenario) → who may be assigned and execute. Scenarios: the bulletin's review names bientap1;
# "district" is Ba Đình's own assignment from the Department, "relayed" the one Ba Đình relayed to Phúc Xá.
EXPECTED = {
    (BulletinFlow, "choose_reviewers", None): {"truongban"},
    (BulletinFlow, "review", None): {"bientap1", "truongban"},
    (BulletinFlow, "revise", None): {"phongtt"},
    (BulletinFlow, "prepare_audio", None): {"truongban"},
    (BulletinFlow, "sign_off", None): LEADERS,
    (BulletinFlow, "approve_emergency", None): LEADERS,
    (BulletinFlow, "publish", None): LEADERS | {"vanphong"},
    (DirectiveFlow, "approve", None): LEADERS | {"quanly"},
    (DirectiveFlow, "revise", None): {"phongtt"},
    (DirectiveFlow, "close", None): ISSUER,
    (UnitAssignmentFlow, "acknowledge", "district"): {"quan_ba_dinh"},
    (UnitAssignmentFlow, "acknowledge", "relayed"): {"phuong_phuc_xa"},
    (UnitAssignmentFlow, "report", "district"): {"quan_ba_dinh"},
    (UnitAssignmentFlow, "report", "relayed"): {"phuong_phuc_xa"},
    (UnitAssignmentFlow, "review", "district"): ISSUER,
    (UnitAssignmentFlow, "review", "relayed"): {"quan_ba_dinh"},
}


def human_nodes():
    return [(flow_class, node) for flow_class in FLOWS for node in flow_class.instance.nodes()
            if isinstance(node, View)]


def test_every_human_node_has_an_access_rule_and_a_row_in_the_table():
    listed = {(flow_class, name) for flow_class, name, _scenario in EXPECTED}
    for flow_class, node in human_nodes():
        assert isinstance(node, HumanTask) and node._may_do is not None, (
            f"{flow_class.__name__}.{node.name} is a human step without an access rule (workflows.engine.HumanTask)")
        assert (flow_class, node.name) in listed, f"{flow_class.__name__}.{node.name} is missing from EXPECTED"
    assert listed == {(flow_class, node.name) for flow_class, node in human_nodes()}


def _unit(codename):
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


def _process(process_class, flow_class, artifact):
    return process_class.objects.create(flow_class=flow_class, artifact=artifact)


@pytest.fixture
def processes(demo):
    """One process per flow, on a real bulletin, directive and two assignments (no task of their own)."""
    bulletin = draft(target_spec={"units": [_unit("phuong_phuc_xa").pk], "structure": "2025"})
    submit(bulletin)
    issuer = User.objects.get(username="phongtt")
    directive = coordination.directive_create(
        user=issuer, issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"), title="Tuyên truyền phòng chống bão",
        instructions="<p>Phát bản tin 3 lần/ngày</p>", urgency=Urgency.objects.get(code="khan"),
        target_spec={"units": [_unit("quan_ba_dinh").pk]})
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.IN_PROGRESS)
    [district] = coordination.assignments_create(directive, [_unit("quan_ba_dinh")])
    [relayed] = coordination.assignments_create(directive, [_unit("phuong_phuc_xa")], parent=district)
    return {
        BulletinFlow: {None: _process(BulletinProcess, BulletinFlow, bulletin)},
        DirectiveFlow: {None: _process(DirectiveProcess, DirectiveFlow, directive)},
        UnitAssignmentFlow: {"district": _process(AssignmentProcess, UnitAssignmentFlow, district),
                             "relayed": _process(AssignmentProcess, UnitAssignmentFlow, relayed)},
    }


def _task(process, node, owner=None) -> Task:
    data = {"reviewer": User.objects.get(username="bientap1").pk} if node.name == "review" and isinstance(
        process, BulletinProcess) else {}
    return Task.objects.create(process=process, flow_task=node, flow_task_type=node.task_type, data=data,
                               owner=owner, status=STATUS.ASSIGNED if owner else STATUS.NEW)


def _people():
    people = {name: User.objects.get(username=name) for name in ROLES if name != ANONYMOUS}
    people[ANONYMOUS] = AnonymousUser()
    return people


NAMESPACES = {BulletinFlow: "bulletin", DirectiveFlow: "directive", UnitAssignmentFlow: "unitassignment"}


def page(node, action: str, task: Task) -> str:
    return reverse(f"{NAMESPACES[node.flow_class]}:{node.name}:{action}", args=[task.process_id, task.pk])


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and "/accounts/login/" in response["Location"])


@pytest.mark.parametrize("flow_class,name,scenario", list(EXPECTED), ids=lambda v: getattr(v, "__name__", str(v)))
def test_node_is_limited_to_who_may_do_it(client, processes, flow_class, name, scenario):
    node = getattr(flow_class, name)
    process = processes[flow_class][scenario]
    expected = EXPECTED[(flow_class, name, scenario)]
    wrong = []
    for role, person in _people().items():
        allowed = role in expected
        client.logout()
        if role != ANONYMOUS:
            client.force_login(person)

        # claiming the task from the queue (the inbox's "claim and open", one POST)
        task = _task(process, node)
        if node.can_assign(person, task) != allowed:
            wrong.append((role, "can_assign", not allowed))
        post = client.post(reverse("work:task_claim", args=[task.pk]))
        if allowed:
            assert post.status_code == 302 and post["Location"] == page(node, "execute", task), (role, "claim")
            assert Task.objects.get(pk=task.pk).owner_id == person.pk
        else:
            if not _refused(post):
                wrong.append((role, "claim", post.status_code))
            assert Task.objects.get(pk=task.pk).owner_id is None, (role, "claimed by POST")

        # viewflow's assign page: a supervisor's (workflows/access.may_open_engine_pages) who may also claim it
        task = _task(process, node)
        url = page(node, "assign", task)
        get, post = client.get(url), client.post(url)
        if allowed and may_open_engine_pages(person):
            assert get.status_code == 200, (role, "GET assign", get.status_code)
            assert post.status_code == 302 and not _refused(post), (role, "POST assign", post.status_code)
            assert Task.objects.get(pk=task.pk).owner_id == person.pk
        else:
            if not (_refused(get) and _refused(post)):
                wrong.append((role, "assign page", get.status_code, post.status_code))
            assert Task.objects.get(pk=task.pk).owner_id is None, (role, "claimed by POST")

        # executing a task that (somehow) is theirs
        if role == ANONYMOUS:
            task = _task(process, node)
        else:
            task = _task(process, node, owner=person)
        if node.can_execute(person, task) != allowed:
            wrong.append((role, "can_execute", not allowed))
        url = page(node, "execute", task)
        get = client.get(url)
        if allowed:
            assert get.status_code == 200, (role, "GET execute", get.status_code)
            post = client.post(url, {})
            assert post.status_code < 500 and not _refused(post), (role, "POST execute", post.status_code)
        else:
            post = client.post(url, {})
            if not (_refused(get) and _refused(post)):
                wrong.append((role, "execute page", get.status_code, post.status_code))
            assert Task.objects.get(pk=task.pk).status in (STATUS.NEW, STATUS.ASSIGNED), (role, "executed by POST")

    # releasing someone else's task: its owner, the flow's managers (the administrator) and, for a Board
    # review, the secretary who may hand it to another member
    owner = User.objects.get(username=sorted(expected)[0])
    task = _task(process, node, owner=owner)
    for role, person in _people().items():
        allowed = role in {owner.username, "admin"} or (flow_class is BulletinFlow and name == "review"
                                                        and role == "truongban")
        if node.can_unassign(person, task) != allowed:
            wrong.append((role, "can_unassign", not allowed))
        client.logout()
        if role != ANONYMOUS:
            client.force_login(person)
        if _refused(client.get(page(node, "unassign", task))) == allowed:
            wrong.append((role, "unassign page", not allowed))
    assert wrong == [], f"wrongly allowed or refused: {wrong}"


@pytest.fixture
def review_round(demo, user):
    """A bulletin submitted through the flow, with bientap1 and bientap2 chosen by the Board secretary."""
    from workflows import engine
    from workflows.bulletin import services as bulletin_services
    from workflows.bulletin import steps as bulletin_steps

    bulletin = draft()
    bulletin_services.review_start(bulletin=bulletin, user=user("phongtt"))
    engine.task_run(engine.open_task(bulletin, BulletinFlow.choose_reviewers), user("truongban"),
                           bulletin_steps.choose_reviewers_step, reviewers=[user("bientap1"), user("bientap2")])
    tasks = {t.owner.username: t for t in Task.objects.filter(flow_task=BulletinFlow.review, status=STATUS.ASSIGNED,
                                                                 process__artifact_object_id=bulletin.pk)}
    return Bulletin.objects.get(pk=bulletin.pk), tasks


def test_a_released_review_is_not_anyones_and_the_secretary_hands_it_over(client, review_round, user):
    """The reported case: bientap1 releases their review; a commune officer can neither take nor read it; the
    Board secretary gives it to bientap3, who decides in the round in bientap1's place."""
    from editorial.models import ReviewDecision
    from editorial.selectors import round_reviewers

    bulletin, tasks = review_round
    task = tasks["bientap1"]
    client.force_login(user("bientap1"))
    assert client.post(page(BulletinFlow.review, "unassign", task)).status_code == 302
    assert Task.objects.get(pk=task.pk).owner_id is None

    client.force_login(user("phuong_phuc_xa"))
    for action in ("assign", "execute", "detail"):
        response = client.get(page(BulletinFlow.review, action, task))
        assert response.status_code in (403, 404), action
    assert client.post(page(BulletinFlow.review, "assign", task)).status_code == 403
    assert client.post(f"/bulletin/tasks/{task.pk}/claim/").status_code == 403  # not a user of the bulletin app
    assert Task.objects.get(pk=task.pk).owner_id is None

    client.force_login(user("bientap1"))  # the named reviewer takes it back (the inbox's "claim and open")
    assert client.post(reverse("work:task_claim", args=[task.pk])).status_code == 302
    client.force_login(user("bientap2"))  # another member cannot hand it over
    assert client.get(page(BulletinFlow.review, "reassign", task)).status_code == 403

    client.force_login(user("truongban"))
    url = page(BulletinFlow.review, "reassign", task)
    form = client.get(url)
    assert form.status_code == 200 and f'value="{user("bientap3").pk}"' in form.content.decode()
    assert client.post(url, {"reviewer": user("bientap2").pk}).status_code == 200  # already reviewing this round
    assert client.post(url, {"reviewer": user("bientap3").pk}).status_code == 302
    task.refresh_from_db()
    assert task.owner == user("bientap3") and task.data["reviewer"] == user("bientap3").pk
    assert {a.reviewer.username for a in round_reviewers(bulletin)} == {"bientap2", "bientap3"}

    client.force_login(user("bientap1"))
    assert client.get(page(BulletinFlow.review, "execute", task)).status_code == 403
    client.force_login(user("bientap3"))
    response = client.post(page(BulletinFlow.review, "execute", task), {"decision": "approve"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
    assert ReviewDecision.objects.get(revision_id=bulletin.current_revision_id).reviewer == user("bientap3")


def test_the_secretary_who_claims_a_released_review_decides_it(client, review_round, user):
    from editorial.models import ReviewDecision

    bulletin, tasks = review_round
    task = tasks["bientap2"]
    client.force_login(user("bientap2"))
    assert client.post(page(BulletinFlow.review, "unassign", task)).status_code == 302
    client.force_login(user("truongban"))
    assert client.post(reverse("work:task_claim", args=[task.pk])).status_code == 302
    response = client.post(page(BulletinFlow.review, "execute", task), {"decision": "approve"})
    assert response.status_code == 302
    assert ReviewDecision.objects.get(revision_id=bulletin.current_revision_id).reviewer == user("truongban")
