"""Login throttling (django-axes, org/login.py): a username is locked after LOGIN_FAILURE_LIMIT wrong passwords,
an address after LOGIN_ADDRESS_FAILURE_LIMIT failures whatever the usernames, for the cool-off; the lockout is a
Vietnamese message on the login page; an administrator unlocks."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

LOGIN = "/accounts/login/"
LOCKED = "Đăng nhập sai quá nhiều lần nên tài khoản hoặc địa chỉ truy cập này tạm bị khóa 15 phút."
WRONG = "mật khẩu chính xác"  # Django's own message for a wrong password, in Vietnamese
OFFICE = "203.0.113.10"  # one address for a whole office (documentation range)
ELSEWHERE = "198.51.100.7"


def attempt(username: str, password: str = "sai-mat-khau", address: str = OFFICE):
    """One login from a fresh browser at `address`: (response, logged in?)."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def right(username: str, address: str = OFFICE):
    return attempt(username, settings.DEMO_PASSWORD, address)


def locked(response) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


@pytest.fixture
def limits(demo):
    assert (settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 20)
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_wrong_passwords_lock_the_username_and_the_right_one_is_refused(limits):
    for _ in range(4):
        response, logged_in = attempt("giamdoc")
        assert response.status_code == 200 and WRONG in response.content.decode() and not logged_in
    response, logged_in = attempt("giamdoc")  # the fifth failure locks
    assert locked(response) and not logged_in
    response, logged_in = right("giamdoc")
    assert locked(response) and not logged_in
    page = response.content.decode()
    assert 'name="username"' in page and 'value="giamdoc"' in page  # the login page itself, filled in
    response, logged_in = right("giamdoc", address=ELSEWHERE)  # the username is locked, from anywhere
    assert locked(response) and not logged_in
    response, logged_in = right("phogiamdoc")  # others from the same office are not, yet
    assert response.status_code == 302 and logged_in


def test_an_address_is_locked_after_its_own_limit(limits):
    guesses = ["giamdoc", "phogiamdoc", "truongban", "bientap1", "khong_ton_tai"]
    for username in guesses:
        for _ in range(3):
            assert not attempt(username)[1]
    for username in guesses[:4]:  # 19 failures from the office, at most 4 for any one username
        assert not attempt(username)[1]
    response, logged_in = right("vanphong")
    assert response.status_code == 302 and logged_in
    assert not attempt("khong_ton_tai")[1]  # the 20th
    response, logged_in = right("vanphong")
    assert locked(response) and not logged_in
    response, logged_in = right("quanly")  # a user who never failed, from the same address
    assert locked(response) and not logged_in
    response, logged_in = right("quanly", address=ELSEWHERE)
    assert response.status_code == 302 and logged_in


def test_the_lockout_ends_after_the_cool_off(limits):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            attempt("truongban")
        clock.shift(timedelta(minutes=14))
        assert locked(right("truongban")[0])  # a failure while locked restarts the cool-off
        clock.shift(timedelta(minutes=14))
        assert locked(right("truongban")[0])
        clock.shift(timedelta(minutes=15, seconds=1))
        response, logged_in = right("truongban")
        assert response.status_code == 302 and logged_in


def test_the_admin_login_is_throttled_too(limits):
    client = Client(REMOTE_ADDR=OFFICE)
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "admin", "password": "sai"})
    assert locked(response)
    response = client.post("/admin/login/", {"username": "admin", "password": settings.DEMO_PASSWORD})
    assert locked(response) and "_auth_user_id" not in client.session


def test_an_administrator_unlocks_a_user_in_admin(limits, user):
    for _ in range(5):
        attempt("bientap2")
    assert locked(right("bientap2")[0])
    admin = Client()
    admin.force_login(user("admin"))
    changelist = admin.get("/admin/org/user/?q=bientap2").content.decode()
    assert "Mở khóa đăng nhập" in changelist
    response = admin.post("/admin/org/user/", {"action": "unlock_login", ACTION_CHECKBOX_NAME: [user("bientap2").pk]},
                          follow=True)
    assert "Đã mở khóa đăng nhập" in response.content.decode()
    response, logged_in = right("bientap2")
    assert response.status_code == 302 and logged_in


def test_access_attempts_are_listed_and_deleting_them_unlocks(limits, user):
    for _ in range(5):
        attempt("bientap3")
    admin = Client()
    admin.force_login(user("admin"))
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "bientap3" in page.content.decode()
    assert "Lần đăng nhập sai" in page.content.decode()  # axes' own labels, in Vietnamese
    attempts = list(AccessAttempt.objects.filter(username="bientap3").values_list("pk", flat=True))
    admin.post("/admin/axes/accessattempt/", {"action": "delete_selected", ACTION_CHECKBOX_NAME: attempts,
                                              "post": "yes"})
    assert not AccessAttempt.objects.filter(username="bientap3").exists()
    assert right("bientap3")[1]


def test_the_reset_command_unlocks(limits):
    for _ in range(5):
        attempt("truyenthong")
    assert locked(right("truyenthong")[0])
    call_command("axes_reset_username", "truyenthong", stdout=open("/dev/null", "w"))
    assert right("truyenthong")[1]
