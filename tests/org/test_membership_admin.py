"""Memberships managed in admin (the Membership admin and the inline on the user page) grant and revoke the
unit's and the role's permissions exactly as the service does."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group

from org import selectors, services
from org.models import Membership, Role, Structure, Unit, User
from org.roles import role_group_name


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form (text inputs, checked boxes, selects)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.values.pop()
            self.values.append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(client, url: str, **changes) -> dict:
    """GET the admin page and return its form as a POST dict, with `changes` applied."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data: dict = {}
    for name, value in parser.values:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def commune(codename: str) -> Unit:
    return Unit.objects.get(structure=Structure.Y2025, codename=codename)


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # has_perm caches per instance


def acts_for(user: User, unit: Unit) -> bool:
    return selectors.user_can_act_for(fresh(user), unit)


def may_approve(user: User) -> bool:
    return fresh(user).has_perm("coordination.approve_directive")


@pytest.fixture
def officer(demo):
    return User.objects.create_user(username="canbo_moi", password="x", full_name="Cán bộ mới")


@pytest.fixture
def admin_client(client, user):
    client.force_login(user("admin"))
    return client


def save_user_page(admin_client, officer, **changes):
    url = f"/admin/org/user/{officer.pk}/change/"
    response = admin_client.post(url, form_data(admin_client, url, _save="Lưu", **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def test_inline_on_the_user_page_grants_moves_and_revokes(admin_client, officer):
    phuc_xa, minh_phu = commune("phuong_phuc_xa"), commune("xa_minh_phu")
    prefix = "memberships"
    save_user_page(admin_client, officer, **{
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-unit": str(phuc_xa.pk), f"{prefix}-0-role": Role.COMMUNE_OFFICER,
        f"{prefix}-0-user": str(officer.pk)})
    membership = Membership.objects.get(user=officer)
    assert acts_for(officer, phuc_xa) and not may_approve(officer)

    # another unit and a role holding model permissions: the groups follow
    save_user_page(admin_client, officer, **{f"{prefix}-0-unit": str(minh_phu.pk), f"{prefix}-0-role": Role.MANAGER})
    membership.refresh_from_db()
    assert membership.unit == minh_phu and membership.role == Role.MANAGER
    assert acts_for(officer, minh_phu) and not acts_for(officer, phuc_xa) and may_approve(officer)

    save_user_page(admin_client, officer, **{f"{prefix}-0-DELETE": "on"})
    assert not Membership.objects.filter(user=officer).exists()
    assert not acts_for(officer, minh_phu) and not may_approve(officer)
    assert not fresh(officer).groups.exists()


def test_membership_admin_add_edit_delete(admin_client, officer):
    phuc_xa, minh_phu = commune("phuong_phuc_xa"), commune("xa_minh_phu")
    add = "/admin/org/membership/add/"
    response = admin_client.post(add, form_data(admin_client, add, user=str(officer.pk), unit=str(phuc_xa.pk),
                                                role=Role.COMMUNE_OFFICER, _save="Lưu"))
    assert response.status_code == 302
    membership = Membership.objects.get(user=officer)
    assert acts_for(officer, phuc_xa)

    change = f"/admin/org/membership/{membership.pk}/change/"
    response = admin_client.post(change, form_data(admin_client, change, unit=str(minh_phu.pk), role=Role.MANAGER,
                                                   _save="Lưu"))
    assert response.status_code == 302
    assert acts_for(officer, minh_phu) and not acts_for(officer, phuc_xa) and may_approve(officer)

    response = admin_client.post(change, form_data(admin_client, change, role=Role.COMMUNE_OFFICER, _save="Lưu"))
    assert response.status_code == 302
    assert acts_for(officer, minh_phu) and not may_approve(officer)

    response = admin_client.post(f"/admin/org/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not acts_for(officer, minh_phu) and not fresh(officer).groups.exists()


def test_membership_admin_moves_a_membership_to_another_person(admin_client, officer, user):
    phuc_xa = commune("phuong_phuc_xa")
    membership = services.membership_create(user=officer, unit=phuc_xa, role=Role.COMMUNE_OFFICER)
    other = User.objects.create_user(username="canbo_khac", password="x")
    change = f"/admin/org/membership/{membership.pk}/change/"
    response = admin_client.post(change, form_data(admin_client, change, user=str(other.pk), _save="Lưu"))
    assert response.status_code == 302
    assert acts_for(other, phuc_xa) and not acts_for(officer, phuc_xa)


def test_bulk_delete_keeps_what_another_membership_gives(admin_client, officer):
    phuc_xa = commune("phuong_phuc_xa")
    keep = services.membership_create(user=officer, unit=phuc_xa, role=Role.COMMUNE_OFFICER)
    drop = services.membership_create(user=officer, unit=phuc_xa, role=Role.MANAGER)
    assert may_approve(officer)
    response = admin_client.post("/admin/org/membership/", {"action": "delete_selected", "_selected_action": [drop.pk],
                                                            "post": "yes"})
    assert response.status_code == 302
    assert Membership.objects.filter(pk=keep.pk).exists() and not Membership.objects.filter(pk=drop.pk).exists()
    assert acts_for(officer, phuc_xa) and not may_approve(officer)


def test_a_deployment_without_role_groups_gets_them_from_the_first_membership(admin_client, officer):
    """Production never runs the demo seed: the role groups are created when a membership needs them."""
    Group.objects.filter(name__startswith=role_group_name("")).delete()
    add = "/admin/org/membership/add/"
    response = admin_client.post(add, form_data(admin_client, add, user=str(officer.pk),
                                                unit=str(commune("phuong_phuc_xa").pk), role=Role.MANAGER,
                                                _save="Lưu"))
    assert response.status_code == 302
    assert may_approve(officer)
