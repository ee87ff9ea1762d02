"""Onboarding people from a sheet (org/imports.py, `manage.py import_people`, the admin page): a preview with
per-row Vietnamese errors named by sheet row, nothing written when a row fails, idempotent re-import."""

import csv
import io
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from common.tables import TableError, fold
from org import selectors
from org.imports import COLUMNS, people_import_file, people_template
from org.models import Membership, Role, Structure, Unit, UnitKind, User
from org.roles import role_group_name

HEADERS = [c.header for c in COLUMNS]


def xlsx(rows: list[dict], headers=HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    by_header = {c.header: c.key for c in COLUMNS}
    for row in rows:
        sheet.append([row.get(by_header.get(h, h), "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode()


def people_rows(count: int) -> list[dict]:
    """`count` commune officers spread over the demo's communes; every third row names its unit by name (in
    capitals and without diacritics) where that name is unique, every fifth gives the role by its code."""
    communes = list(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).order_by("path"))
    names = Counter(fold(u.name) for u in communes)
    rows = []
    for i in range(count):
        unit = communes[i % len(communes)]
        row = {"full_name": f"Nguyễn Thị Hồng {i}", "email": f"Can.Bo{i}@hanoi.gov.vn", "phone": f"09{i:08d}",
               "role": Role.COMMUNE_OFFICER.value if i % 5 == 0 else "Cán bộ cấp xã", "job_title": "Chuyên viên"}
        if i % 3 == 0 and names[fold(unit.name)] == 1:
            row["unit_name"] = fold(unit.name).upper()
        else:
            row["unit_code"] = unit.code
        rows.append(row)
    return rows


def test_600_people_import_in_one_go_and_again_changes_nothing(demo):
    rows = people_rows(600)
    data = xlsx(rows)
    users_before, memberships_before = User.objects.count(), Membership.objects.count()

    preview = people_import_file(data, extension="xlsx", dry_run=True)
    assert not preview.invalid and len(preview.rows) == 600 and not preview.written
    assert (preview.result.users_created, preview.result.memberships_created) == (600, 600)
    assert {r.change for r in preview.rows} == {"created"}
    assert [r.number for r in preview.rows] == list(range(2, 602))
    assert User.objects.count() == users_before and Membership.objects.count() == memberships_before

    done = people_import_file(data, extension="xlsx", dry_run=False)
    assert done.written and (done.result.users_created, done.result.memberships_created) == (600, 600)
    assert User.objects.count() == users_before + 600
    assert Membership.objects.count() == memberships_before + 600
    person = User.objects.get(username="can.bo7@hanoi.gov.vn")
    assert (person.full_name, person.email, person.phone) == ("Nguyễn Thị Hồng 7", "can.bo7@hanoi.gov.vn",
                                                              "0900000007")
    assert not person.has_usable_password()
    membership = person.memberships.get()
    assert membership.role == Role.COMMUNE_OFFICER and membership.unit.code == rows[7].get("unit_code")
    assert set(person.groups.values_list("pk", flat=True)) == {
        membership.unit.group_id, Group.objects.get(name=role_group_name(Role.COMMUNE_OFFICER)).pk}
    assert selectors.user_can_act_for(person, membership.unit)
    assert membership.history.count() == 1
    named = User.objects.get(username="can.bo3@hanoi.gov.vn").memberships.get().unit  # named by its folded name
    assert fold(named.name).upper() == rows[3].get("unit_name", fold(named.name).upper())

    again = people_import_file(data, extension="xlsx", dry_run=False)
    assert not again.invalid and not again.result.changed
    assert {r.change for r in again.rows} == {"unchanged"}
    assert User.objects.count() == users_before + 600
    assert Membership.objects.count() == memberships_before + 600
    assert membership.history.count() == 1


def test_three_bad_rows_are_named_and_nothing_is_written(demo, tmp_path):
    rows = people_rows(20)
    rows[3].pop("unit_name", None)
    rows[3]["unit_code"] = "KHONG-CO"
    rows[9]["role"] = "Chủ tịch"
    rows[14]["email"] = "khong-phai-thu"
    data = xlsx(rows)
    users_before, memberships_before = User.objects.count(), Membership.objects.count()

    preview = people_import_file(data, extension="xlsx", dry_run=False)
    assert [r.number for r in preview.invalid] == [5, 11, 16]  # list index + 2: the header is row 1
    assert preview.invalid[0].errors == ["Không có đơn vị mã “KHONG-CO” trong cơ cấu đang áp dụng."]
    assert preview.invalid[1].errors == ["Vai trò “Chủ tịch” không có trong danh mục vai trò."]
    assert preview.invalid[2].errors == ["Thư điện tử “khong-phai-thu” không hợp lệ."]
    assert not preview.written
    assert User.objects.count() == users_before and Membership.objects.count() == memberships_before

    with pytest.raises(CommandError, match="3 dòng lỗi"):
        call_command("import_people", _file(tmp_path, data, "xlsx"), stdout=io.StringIO())
    assert User.objects.count() == users_before

    skipped = people_import_file(data, extension="xlsx", dry_run=False, skip_invalid=True)
    assert skipped.written and skipped.result.users_created == 17
    assert User.objects.count() == users_before + 17


def _file(folder, data: bytes, extension: str) -> str:
    path = folder / f"danh-sach.{extension}"
    path.write_bytes(data)
    return str(path)


def test_csv_and_the_command(demo, tmp_path):
    rows = [
        {"unit_code": "SVHTT-VP", "role": "Văn phòng Sở", "full_name": "Trần Văn Bình", "phone": "0243 123 456"},
        {"unit_name": "phong truyen thong so", "role": "nguoi soan thao", "full_name": "Trần Văn Bình",
         "is_leader": "có"},
        {"unit_name": "Ban biên tập", "role": "Thành viên Ban biên tập", "full_name": "Lê Thu",
         "username": "lethu", "email": "lethu@hanoi.gov.vn"},
    ]
    path = _file(tmp_path, csv_bytes(rows), "csv")
    out = io.StringIO()
    call_command("import_people", path, "--dry-run", stdout=out)
    assert "Xem trước, chưa ghi gì — 3 dòng, 3 hợp lệ, 0 lỗi" in out.getvalue()
    assert not User.objects.filter(username="tran.van.binh").exists()

    out = io.StringIO()
    call_command("import_people", path, stdout=out)
    assert "Đã ghi — 3 dòng" in out.getvalue()
    binh = User.objects.get(username="tran.van.binh")  # one person, two memberships, username from the name
    assert set(binh.memberships.values_list("unit__code", "role", "is_leader")) == {
        ("SVHTT-VP", Role.OFFICE, False), ("SVHTT-TTS", Role.DRAFTER, True)}
    assert binh.phone == "0243 123 456"
    assert User.objects.get(username="lethu").email == "lethu@hanoi.gov.vn"

    rows[1]["is_leader"] = "không"
    rows[2]["phone"] = "0988000111"
    changed = people_import_file(csv_bytes(rows), extension="csv", dry_run=False)
    assert [r.change for r in changed.rows] == ["unchanged", "updated", "updated"]
    assert (changed.result.users_updated, changed.result.memberships_updated) == (1, 1)
    assert not binh.memberships.get(role=Role.DRAFTER).is_leader
    assert User.objects.get(username="lethu").phone == "0988000111"


def test_conflicting_rows_and_missing_columns(demo):
    rows = [
        {"unit_code": "SVHTT-VP", "role": "office", "full_name": "Phạm An", "phone": "0911111111"},
        {"unit_code": "SVHTT-TTS", "role": "drafter", "full_name": "Phạm An", "phone": "0922222222"},
        {"unit_code": "SVHTT-VP", "role": "office", "full_name": "Lê Bình", "email": "binh@x.vn"},
        {"unit_code": "SVHTT-VP", "role": "office", "full_name": "Lê Bình", "email": "BINH@x.vn"},
        {"unit_code": "SVHTT-VP", "unit_name": "Phòng Truyền thông số", "role": "office", "full_name": "Vũ C"},
    ]
    preview = people_import_file(xlsx(rows), extension="xlsx", dry_run=False)
    assert [r.number for r in preview.invalid] == [3, 5, 6]
    assert "đã có ở dòng 2" in preview.invalid[0].errors[0]
    assert preview.invalid[1].errors == ["Trùng với dòng 4 (cùng người, đơn vị và vai trò)."]
    assert "là của “Văn phòng Sở”" in preview.invalid[2].errors[0]

    with pytest.raises(TableError, match="Thiếu cột: Vai trò"):
        people_import_file(xlsx([{"full_name": "X"}], headers=["Họ và tên"]), extension="xlsx", dry_run=True)


def test_the_template_is_a_sheet_the_import_accepts(demo):
    workbook = load_workbook(io.BytesIO(people_template()))
    assert [c.value for c in workbook.active[1]] == HEADERS
    preview = people_import_file(people_template(), extension="xlsx", dry_run=True)
    assert not preview.invalid and preview.result.users_created == 1


# --- the admin page ------------------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.get(username="admin"))
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_admin_page_upload_preview_confirm(admin_client):
    url = reverse("admin:org_user_import")
    assert url in admin_client.get(reverse("admin:org_user_changelist")).content.decode()
    page = admin_client.get(url)
    assert page.status_code == 200 and "Tải tệp mẫu" in page.content.decode()

    rows = people_rows(5)
    rows[2]["role"] = "Chủ tịch"
    before = User.objects.count()
    page = admin_client.post(url, {"file": upload("ds.xlsx", xlsx(rows))})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dòng 4" in text or ">4<" in text
    assert "Vai trò “Chủ tịch” không có trong danh mục vai trò." in text
    assert User.objects.count() == before
    page = admin_client.post(url, {"action": "confirm", "token": page.context["token"]})
    assert page.status_code == 200 and User.objects.count() == before  # refused: a row has an error

    page = admin_client.post(url, {"file": upload("ds.xlsx", xlsx(rows)), "skip_invalid": "on"})
    confirmed = admin_client.post(url, {"action": "confirm", "token": page.context["token"]})
    assert confirmed.status_code == 302
    assert User.objects.count() == before + 4
    again = admin_client.post(url, {"action": "confirm", "token": page.context["token"]})
    assert again.status_code == 200 and User.objects.count() == before + 4  # the preview is used once


def test_admin_page_refuses_bad_files(admin_client):
    url = reverse("admin:org_user_import")
    page = admin_client.post(url, {"file": upload("ds.xlsx", b"<html><script>alert(1)</script></html>")})
    assert page.status_code == 200 and "không khớp với phần mở rộng" in page.content.decode()
    page = admin_client.post(url, {"file": upload("ds.exe", b"MZ")})
    assert "không thuộc loại được phép" in page.content.decode()


def test_template_download(admin_client):
    response = admin_client.get(reverse("admin:org_user_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert [c.value for c in load_workbook(io.BytesIO(data)).active[1]] == HEADERS


@pytest.mark.parametrize("who", ["phongtt", "quanly", "staff_without_perms"])
def test_admin_page_refuses_non_admins(client, demo, who):
    if who == "staff_without_perms":
        user = User.objects.create(username="staff_np", is_staff=True)
    else:
        user = User.objects.get(username=who)
    client.force_login(user)
    before = User.objects.count()
    for name in ("admin:org_user_import", "admin:org_user_import_template"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403)
    response = client.post(reverse("admin:org_user_import"), {"file": upload("ds.xlsx", xlsx(people_rows(2)))})
    assert response.status_code in (302, 403)
    assert User.objects.count() == before
