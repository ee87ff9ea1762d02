"""A commune officer sees and acts only for their commune; a district officer acts for the district and
supervises its communes; managers see everything."""

import pytest
from django.contrib.auth.models import Group

from org import selectors
from org.models import Membership, Role, Structure, Unit, UnitKind
from org.roles import ROLE_PERMISSIONS, role_group_name, role_permissions


@pytest.fixture
def ba_dinh(demo):
    return Unit.objects.get(structure=Structure.Y2025, codename="quan_ba_dinh")


def test_commune_officer_acts_only_for_own_commune(demo, user, ba_dinh):
    officer = user("phuong_phuc_xa")
    own = Unit.objects.get(structure=Structure.Y2025, codename="phuong_phuc_xa")
    neighbour = selectors.units_under(ba_dinh).exclude(pk=own.pk).first()
    assert list(selectors.units_acted_for(officer)) == [own]
    assert list(selectors.units_visible_to(officer)) == [own]
    assert selectors.user_can_act_for(officer, own)
    assert not selectors.user_can_act_for(officer, neighbour)
    assert not selectors.user_can_see_unit(officer, neighbour)
    assert not selectors.user_can_see_unit(officer, ba_dinh)


def test_district_officer_sees_its_communes_but_acts_for_the_district(demo, user, ba_dinh):
    officer = user("quan_ba_dinh")
    communes = set(selectors.units_under(ba_dinh))
    assert len(communes) == Unit.objects.filter(parent=ba_dinh).count() >= 10
    assert set(selectors.units_visible_to(officer)) == communes | {ba_dinh}
    assert list(selectors.units_acted_for(officer)) == [ba_dinh]
    commune = next(iter(communes))
    assert selectors.user_can_see_unit(officer, commune)
    assert not selectors.user_can_act_for(officer, commune)
    other_district_commune = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).exclude(
        path__startswith=ba_dinh.path
    ).first()
    assert not selectors.user_can_see_unit(officer, other_district_commune)


def test_manager_and_director_see_every_unit(demo, user):
    total = Unit.objects.count()
    for username in ("quanly", "giamdoc", "admin"):
        assert selectors.units_visible_to(user(username)).count() == total


def test_people_of_unit_by_role(demo, user):
    board = Unit.objects.get(code="SVHTT-BBT")
    members = selectors.people_of_unit(board, role=Role.BOARD_MEMBER)
    assert [u.username for u in members] == ["bientap1", "bientap2", "bientap3"]
    assert [u.username for u in selectors.people_of_unit(board, leaders_only=True)] == ["truongban"]


def test_duplicate_codenames_get_the_district_suffix(demo):
    communes = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE)
    usernames = list(
        Membership.objects.filter(unit__in=communes, role=Role.COMMUNE_OFFICER).values_list("user__username", flat=True)
    )
    assert len(usernames) == len(set(usernames)) == 526


def test_unit_moved_in_admin_takes_its_subtree_and_permissions_along(demo, user):
    from org.services import unit_save

    ba_dinh = Unit.objects.get(structure=Structure.Y2025, codename="quan_ba_dinh")
    tay_ho = Unit.objects.get(structure=Structure.Y2025, codename="quan_tay_ho")
    commune = Unit.objects.get(structure=Structure.Y2025, codename="phuong_phuc_xa")
    commune.parent = tay_ho
    unit_save(commune)
    commune.refresh_from_db()
    assert commune.path.startswith(tay_ho.path)
    assert selectors.user_can_see_unit(user("quan_tay_ho"), commune)
    assert not selectors.user_can_see_unit(user("quan_ba_dinh"), commune)
    assert commune not in selectors.units_under(ba_dinh)


def test_each_app_declares_its_roles_permissions_and_org_collects_them(demo):
    """org names only org's permissions; editorial and coordination declare theirs (their AppConfig's
    role_permissions), and the role groups hold the union."""
    assert all(p.startswith("org.") for perms in ROLE_PERMISSIONS.values() for p in perms)
    merged = role_permissions()
    assert set(merged) == set(Role.values)
    leader = {"org.supervise_all_units", "coordination.approve_directive", "editorial.sign_off_bulletin",
              "editorial.publish_bulletin"}
    assert set(merged[Role.DIRECTOR]) == set(merged[Role.DEPUTY_DIRECTOR]) == leader
    assert set(merged[Role.MANAGER]) == {"org.supervise_all_units", "coordination.approve_directive"}
    assert merged[Role.BOARD_SECRETARY] == ["editorial.manage_review"]
    assert merged[Role.OFFICE] == ["editorial.publish_bulletin"]
    assert merged[Role.DRAFTER] == merged[Role.BOARD_MEMBER] == merged[Role.COMMUNE_OFFICER] == []
    for role, perms in merged.items():
        held = Group.objects.get(name=role_group_name(role)).permissions.values_list(
            "content_type__app_label", "codename")
        assert {f"{app}.{codename}" for app, codename in held} == set(perms), role
