"""Onboarding people from the lists officials keep (XLSX or CSV, Vietnamese headers): every row is read and
checked against the units in force and the roles, with a Vietnamese error naming the row as the sheet numbers it
(the header is row 1); a preview says what importing would change; the write goes through org.services in one
transaction and is idempotent (re-importing the same sheet changes nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.tables import Column, TablePreview, TableRow, fold, table_read, table_template

from . import selectors, services
from .models import Role, Unit

COLUMNS = [
    Column("unit_code", "Mã đơn vị", ("ma don vi", "ma dv")),
    Column("unit_name", "Tên đơn vị", ("don vi", "ten dv")),
    Column("role", "Vai trò", ("vai tro", "chuc nang"), required=True),
    Column("full_name", "Họ và tên", ("ho ten", "ho va ten", "ten"), required=True),
    Column("email", "Thư điện tử", ("email", "e-mail", "thu dien tu", "dia chi email")),
    Column("phone", "Điện thoại", ("so dien thoai", "dien thoai", "sdt")),
    Column("username", "Tên đăng nhập", ("ten dang nhap", "tai khoan")),
    Column("job_title", "Chức vụ", ("chuc vu",)),
    Column("is_leader", "Lãnh đạo đơn vị", ("lanh dao", "lanh dao don vi")),
]
EXAMPLE = {
    "unit_code": "SVHTT-TTBCXB", "unit_name": "Phòng Thông tin - Báo chí - Xuất bản", "role": "Người soạn thảo",
    "full_name": "Nguyễn Thị Hoa", "email": "hoa.nt@hanoi.gov.vn", "phone": "0912345678", "username": "",
    "job_title": "Chuyên viên", "is_leader": "không",
}
TEMPLATE_NAME = "mau-nhap-nguoi-dung.xlsx"
YES = {"co", "x", "1", "yes", "true", "dung"}
NO = {"", "khong", "0", "no", "false", "sai"}
CHANGE_LABELS = {
    "created": gettext_lazy("Tạo mới"), "updated": gettext_lazy("Cập nhật"), "unchanged": gettext_lazy("Không đổi"),
}
PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


@dataclass
class PersonRow:
    number: int
    values: dict[str, str]
    username: str = ""
    unit: Unit | None = None
    role: str = ""
    is_leader: bool | None = None
    errors: list[str] = field(default_factory=list)
    change: str = ""  # created | updated | unchanged, once previewed

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS.get(self.change, ""))

    def spec(self) -> services.PersonImport:
        v = self.values
        return services.PersonImport(
            username=self.username, full_name=v.get("full_name", ""), unit=self.unit, role=self.role,
            email=v.get("email", "").lower(), phone=v.get("phone", ""), job_title=v.get("job_title", ""),
            is_leader=self.is_leader)


@dataclass
class PeoplePreview(TablePreview):
    result: services.PeopleImportResult | None = None  # what importing the valid rows does (or did)
    skip_invalid: bool = False


def people_template() -> bytes:
    return table_template(COLUMNS, [EXAMPLE], title="Người dùng")


def people_read(data: bytes, *, extension: str) -> list[TableRow]:
    """The sheet's rows (raises common.tables.TableError when the file or its header cannot be read)."""
    return table_read(data, extension=extension, columns=COLUMNS)


def _role_index() -> dict[str, str]:
    index = {}
    for code, label in Role.choices:
        index[fold(code)] = code
        index[fold(str(label))] = code
    return index


def _unit_indexes(structure: str | None) -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    by_code, by_name = {}, {}
    for unit in selectors.units_in_force(structure):
        by_code[fold(unit.code)] = unit
        by_name.setdefault(fold(unit.name), []).append(unit)
    return by_code, by_name


def _derived_username(values: dict[str, str]) -> str:
    """From the e-mail address when there is one, else from the full name without diacritics
    ("Nguyễn Văn An" → "nguyen.van.an"): the same row gives the same username on every import."""
    if values.get("email"):
        return values["email"].lower()
    return re.sub(r"[^a-z0-9.]", "", fold(values.get("full_name", "")).replace(" ", "."))[:150]


def people_check(table: list[TableRow], *, structure: str | None = None) -> list[PersonRow]:
    """Every row with its errors (Vietnamese), its account's username and its unit and role resolved."""
    roles = _role_index()
    by_code, by_name = _unit_indexes(structure)
    rows = [PersonRow(t.number, t.values) for t in table]
    for row in rows:
        v, errors = row.values, row.errors
        code, name = v.get("unit_code", ""), v.get("unit_name", "")
        if code:
            row.unit = by_code.get(fold(code))
            if row.unit is None:
                errors.append(_("Không có đơn vị mã “%(code)s” trong cơ cấu đang áp dụng.") % {"code": code})
            elif name and fold(name) != fold(row.unit.name):
                errors.append(_("Mã đơn vị “%(code)s” là của “%(unit)s”, không phải “%(name)s”.")
                              % {"code": code, "unit": row.unit.name, "name": name})
        elif name:
            found = by_name.get(fold(name), [])
            if len(found) == 1:
                row.unit = found[0]
            elif found:
                errors.append(_("Có %(count)s đơn vị tên “%(name)s”; hãy ghi mã đơn vị.")
                              % {"count": len(found), "name": name})
            else:
                errors.append(_("Không có đơn vị tên “%(name)s” trong cơ cấu đang áp dụng.") % {"name": name})
        else:
            errors.append(_("Thiếu mã hoặc tên đơn vị."))
        if not v.get("role"):
            errors.append(_("Thiếu vai trò."))
        else:
            row.role = roles.get(fold(v["role"]), "")
            if not row.role:
                errors.append(_("Vai trò “%(role)s” không có trong danh mục vai trò.") % {"role": v["role"]})
        if not v.get("full_name"):
            errors.append(_("Thiếu họ và tên."))
        elif len(v["full_name"]) > 150:
            errors.append(_("Họ và tên dài quá 150 ký tự."))
        if v.get("email"):
            try:
                validate_email(v["email"])
            except ValidationError:
                errors.append(_("Thư điện tử “%(email)s” không hợp lệ.") % {"email": v["email"]})
        if v.get("phone") and not PHONE.match(v["phone"]):
            errors.append(_("Số điện thoại “%(phone)s” không hợp lệ.") % {"phone": v["phone"]})
        if len(v.get("job_title", "")) > 150:
            errors.append(_("Chức vụ dài quá 150 ký tự."))
        leader = fold(v.get("is_leader", ""))
        if leader in YES:
            row.is_leader = True
        elif leader in NO:
            row.is_leader = False if v.get("is_leader") else None
        else:
            errors.append(_("Cột “Lãnh đạo đơn vị” chỉ nhận “có” hoặc “không”."))
    _usernames_assign(rows)
    return rows


def _usernames_assign(rows: list[PersonRow]) -> None:
    """Give each row its account: the username written, else the existing account with the row's e-mail, else
    one derived from the e-mail or the name. Rows naming one account must agree on who it is."""
    by_email = selectors.users_by_email(r.values.get("email", "") for r in rows)
    validator = UnicodeUsernameValidator()
    for row in rows:
        v = row.values
        email = v.get("email", "").lower()
        if v.get("username"):
            row.username = v["username"]
            try:
                validator(row.username)
            except ValidationError:
                row.errors.append(_("Tên đăng nhập “%(username)s” chỉ được gồm chữ, số và các ký tự @ . + - _.")
                                  % {"username": row.username})
            owner = by_email.get(email) if email else None
            if owner and owner.username != row.username:
                row.errors.append(_("Thư điện tử “%(email)s” đã dùng cho tài khoản “%(username)s”.")
                                  % {"email": v["email"], "username": owner.username})
        elif email and email in by_email:
            row.username = by_email[email].username
        else:
            row.username = _derived_username(v)
            if not row.username and v.get("full_name"):
                row.errors.append(_("Không tạo được tên đăng nhập từ họ và tên; hãy ghi tên đăng nhập."))
    first: dict[str, PersonRow] = {}
    memberships: dict[tuple, PersonRow] = {}
    for row in rows:
        if not row.username:
            continue
        other = first.setdefault(row.username, row)
        if other is not row:
            for key, label in (("full_name", _("họ và tên")), ("email", _("thư điện tử")),
                               ("phone", _("điện thoại"))):
                mine, theirs = row.values.get(key, ""), other.values.get(key, "")
                if mine and theirs and fold(mine) != fold(theirs):
                    row.errors.append(_("Tài khoản “%(username)s” đã có ở dòng %(row)s với %(field)s khác; nếu là "
                                        "hai người, hãy ghi tên đăng nhập hoặc thư điện tử riêng.")
                                      % {"username": row.username, "row": other.number, "field": label})
                    break
        if row.unit and row.role:
            seen = memberships.setdefault((row.username, row.unit.pk, row.role), row)
            if seen is not row:
                row.errors.append(_("Trùng với dòng %(row)s (cùng người, đơn vị và vai trò).") % {"row": seen.number})


def people_import_rows(rows: list[PersonRow], *, dry_run: bool, skip_invalid: bool = False) -> PeoplePreview:
    """Preview (dry_run: the write is done and rolled back, so the counts are exactly what importing does) or
    import the valid rows. Nothing is written when a row has an error, unless `skip_invalid`."""
    preview = PeoplePreview(rows, skip_invalid=skip_invalid)
    valid = preview.valid
    if not valid:
        return preview
    write = not dry_run and (skip_invalid or not preview.invalid)
    with transaction.atomic():
        preview.result = services.people_import(rows=[r.spec() for r in valid])
        if not write:
            transaction.set_rollback(True)
    for row, change in zip(valid, preview.result.row_changes, strict=True):
        row.change = change
    preview.written = write
    return preview


def people_import_file(data: bytes, *, extension: str, dry_run: bool, skip_invalid: bool = False,
                       structure: str | None = None) -> PeoplePreview:
    """Read, check and preview or import one file (raises TableError when it cannot be read)."""
    rows = people_check(people_read(data, extension=extension), structure=structure)
    return people_import_rows(rows, dry_run=dry_run, skip_invalid=skip_invalid)
