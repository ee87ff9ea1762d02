"""coordination.access, the one place that says who may act on directives and assignments: every demo role
against each rule, on a directive of Phòng TT-BC-XB to Ba Đình that Ba Đình relayed to Phúc Xá."""

import pytest
from django.core.exceptions import PermissionDenied

from coordination import access, selectors
from coordination import services as coordination
from coordination.models import Directive, Urgency
from org.models import Unit, User
from tests.cast import unit

ROLES = ["giamdoc", "phogiamdoc", "truongban", "bientap1", "phongtt", "truyenthong", "vanphong", "quanly", "admin",
         "quan_ba_dinh", "phuong_phuc_xa", "xa_minh_phu"]
LEADERS = {"giamdoc", "phogiamdoc"}
ISSUER = {"phongtt", "quanly"}  # the people of Phòng TT-BC-XB


@pytest.fixture
def objects(demo):
    issuer = Unit.objects.get(code="SVHTT-TTBCXB")
    directive = coordination.directive_create(
        user=User.objects.get(username="phongtt"), issuing_unit=issuer, title="Tuyên truyền phòng chống bão",
        instructions="<p>Phát bản tin 3 lần/ngày</p>", urgency=Urgency.objects.get(code="khan"),
        target_spec={"units": [unit("quan_ba_dinh").pk]})
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.IN_PROGRESS)
    directive.refresh_from_db()
    [district] = coordination.assignments_create(directive, [unit("quan_ba_dinh")])
    [relayed] = coordination.assignments_create(directive, [unit("phuong_phuc_xa")], parent=district)
    return {"issuer": issuer, "directive": directive, "district": district, "relayed": relayed}


def _who(rule) -> set[str]:
    return {name for name in ROLES if rule(User.objects.get(username=name))}


def test_the_reviewing_unit_is_the_relaying_unit_or_the_issuer(objects):
    assert selectors.reviewer_unit(objects["district"]) == objects["issuer"]
    assert selectors.reviewer_unit(objects["relayed"]) == unit("quan_ba_dinh")


def test_issuing_and_approving(objects):
    issuer = objects["issuer"]
    assert _who(lambda u: access.may_issue_for(u, issuer)) == ISSUER | {"admin"}
    assert _who(access.can_issue) == LEADERS | {"truongban", "bientap1", "phongtt", "truyenthong", "vanphong",
                                                 "quanly"}
    # a district acts for itself but issues nothing
    assert not access.may_issue_for(User.objects.get(username="quan_ba_dinh"), unit("quan_ba_dinh"))
    assert _who(access.may_approve) == LEADERS | {"quanly", "admin"}
    assert _who(access.can_approve) == LEADERS | {"quanly"}  # the superuser flag alone is not a leader's approval


def test_revising_closing_and_cancelling_a_directive(objects):
    directive = objects["directive"]
    assert _who(lambda u: access.may_revise(u, directive)) == {"phongtt"}
    assert _who(lambda u: access.can_revise(u, directive)) == {"phongtt"}
    assert _who(lambda u: access.may_close(u, directive)) == ISSUER | {"admin"}
    assert _who(lambda u: access.can_close(u, directive)) == ISSUER
    assert _who(lambda u: access.can_cancel(u, directive)) == ISSUER | LEADERS
    Directive.objects.filter(pk=directive.pk).update(status=Directive.Status.FANNING_OUT)
    directive.refresh_from_db()
    assert _who(lambda u: access.can_cancel(u, directive)) == set()  # not while its assignments are created


@pytest.mark.parametrize("key, unit_officers, reviewers", [
    ("district", {"quan_ba_dinh"}, ISSUER),
    ("relayed", {"phuong_phuc_xa"}, {"quan_ba_dinh"}),
])
def test_who_acts_on_and_who_reviews_an_assignment(objects, key, unit_officers, reviewers):
    assignment = objects[key]
    assert _who(lambda u: access.may_work_on(u, assignment)) == unit_officers | {"admin"}
    assert _who(lambda u: access.may_relay(u, assignment)) == unit_officers | {"admin"}
    assert _who(lambda u: access.can_work_on(u, assignment)) == unit_officers
    for rule in (access.may_name_officer, access.may_review, access.may_cancel_assignment):
        assert _who(lambda u, rule=rule: rule(u, assignment)) == reviewers | {"admin"}, rule.__name__
    assert _who(lambda u: access.can_review_report(u, assignment)) == reviewers


def test_only_the_relaying_unit_reopens_and_only_a_relayed_assignment(objects):
    assert _who(lambda u: access.may_reopen(u, objects["relayed"])) == {"quan_ba_dinh", "admin"}
    assert _who(lambda u: access.may_reopen(u, objects["district"])) == set()


def test_services_refuse_who_access_refuses(objects, user):
    with pytest.raises(PermissionDenied, match="không thuộc đơn vị"):
        coordination.assignment_acknowledge(assignment=objects["district"], user=user("phuong_phuc_xa"))
    with pytest.raises(PermissionDenied, match="không thuộc đơn vị"):
        coordination.assignment_relay(assignment=objects["district"], user=user("phuong_phuc_xa"),
                                      units=[unit("phuong_phuc_xa")])
    with pytest.raises(PermissionDenied):
        coordination.assignment_name_officer(assignment=objects["relayed"], user=user("phongtt"),
                                             officer=user("phuong_phuc_xa"))
    with pytest.raises(PermissionDenied):
        coordination.assignment_cancel(assignment=objects["relayed"], user=user("phuong_phuc_xa"), reason="x")
    with pytest.raises(PermissionDenied):
        coordination.directive_decide(directive=objects["directive"], user=user("phongtt"), approve=True)
