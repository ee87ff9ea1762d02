"""Memberships changed in admin record the administrator who changed them; the admin history page shows
the change in Vietnamese."""

import re

from org.models import Membership, Role


def test_membership_change_in_admin_records_the_admin(demo, user, client):
    admin = user("admin")
    membership = Membership.objects.select_related("user", "unit").get(user__username="phuong_phuc_xa")
    assert not membership.is_leader
    client.force_login(admin)
    response = client.post(f"/admin/org/membership/{membership.pk}/change/", {
        "user": membership.user_id, "unit": membership.unit_id, "role": membership.role, "is_leader": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.is_leader
    row = membership.history.order_by("-history_date", "-history_id").first()
    assert row.history_type == "~" and row.history_user == admin and row.is_leader

    page = client.get(f"/admin/org/membership/{membership.pk}/history/").content.decode()
    assert f"Lịch sử thay đổi: {membership}" in page and admin.get_full_name() in page
    assert "Lãnh đạo đơn vị: Không → Có" in page


def test_membership_added_in_admin_records_the_admin(demo, user, client):
    admin, person = user("admin"), user("xa_minh_phu")
    unit = Membership.objects.get(user__username="phuong_phuc_xa").unit
    client.force_login(admin)
    response = client.post("/admin/org/membership/add/", {
        "user": person.pk, "unit": unit.pk, "role": Role.COMMUNE_OFFICER,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=person, unit=unit)
    created = membership.history.get(history_type="+")
    assert created.history_user == admin
    page = client.get(f"/admin/org/membership/{membership.pk}/history/").content.decode()
    assert re.search(r"Tạo mới", page) and admin.get_full_name() in page


def test_membership_edited_on_the_user_page_records_the_admin(demo, user, client):
    from django.utils import timezone

    admin, person = user("admin"), user("phuong_phuc_xa")
    membership = person.memberships.get()
    client.force_login(admin)
    joined = timezone.localtime(person.date_joined)
    data = {
        "username": person.username, "first_name": "", "last_name": "", "email": person.email,
        "is_active": "on", "date_joined_0": joined.strftime("%d/%m/%Y"), "date_joined_1": joined.strftime("%H:%M:%S"),
        "full_name": person.full_name, "job_title": person.job_title, "phone": person.phone,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000", "memberships-0-id": membership.pk, "memberships-0-user": person.pk,
        "memberships-0-unit": membership.unit_id, "memberships-0-role": membership.role,
        "memberships-0-is_leader": "on",
    }
    response = client.post(f"/admin/org/user/{person.pk}/change/", data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    row = membership.history.order_by("-history_date", "-history_id").first()
    assert row.is_leader and row.history_user == admin
