import gc
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from config.demo import DEMO_PEOPLE

DEMO_USERNAMES = [p[0] for p in DEMO_PEOPLE] + ["quan_ba_dinh", "phuong_phuc_xa"]


def test_login_page_is_vietnamese_and_offline(client, demo):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert "Đăng nhập" in html and "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_home_requires_login(client, demo):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(settings.LOGIN_URL)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_every_demo_account_logs_in_and_reaches_its_home(client, demo, username):
    response = client.post("/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not log in"
    home = client.get(response["Location"])
    assert home.status_code == 200
    html = home.content.decode()
    assert "Xin chào" in html and "Việc bạn có thể làm" in html
    assert 'id="ttcs-bell"' in html


def test_admin_sees_the_administration_card_and_officers_do_not(client, demo, user):
    client.force_login(user("admin"))
    assert reverse("admin:index") in client.get("/").content.decode()
    client.force_login(user("phuong_phuc_xa"))
    assert reverse("admin:index") not in client.get("/").content.decode()


def test_unit_directory_lists_only_visible_units(client, demo, user):
    client.force_login(user("phuong_phuc_xa"))
    html = client.get("/org/unit/").content.decode()
    assert "Phường Phúc Xá" in html and "Phường Trúc Bạch" not in html
    client.force_login(user("quan_ba_dinh"))
    html = client.get("/org/unit/").content.decode()
    assert "Phường Phúc Xá" in html and "Phường Trúc Bạch" in html


def test_dates_are_day_month_year(settings):
    from datetime import date

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(date(2025, 9, 2), "SHORT_DATE_FORMAT") == "02/09/2025"


def test_seed_demo_refuses_without_debug(db, settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_check_deploy_is_clean_in_the_production_profile():
    env = {
        **os.environ,
        "DEBUG": "off",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-only-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "ttcs.hanoi.gov.vn",
        "DATABASE_URL": "postgres://ttcs@127.0.0.1:5432/ttcs",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_loaded_objects_are_frozen_out_of_garbage_collection():
    """config is the last app, so its ready() freezes what every app loaded (bench/notify.py: full
    collections of those objects were 70–130 ms pauses inside notify())."""
    assert settings.INSTALLED_APPS[-1] == "config"
    assert gc.get_freeze_count() > 50_000
