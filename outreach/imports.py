"""A commune's propagandists from the sheet it keeps (XLSX or CSV, Vietnamese headers, common.tables): each row
checked, with a Vietnamese error naming its row; nothing written when a row fails unless told to skip; written
in one transaction, idempotent by (commune, full name, phone)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from common.tables import Column, TablePreview, TableRow, fold, table_read, table_template
from org.models import Unit

from .models import Channel, Propagandist
from .services import propagandist_save

COLUMNS = [
    Column("full_name", "Họ và tên", ("ho ten", "ho va ten", "ten"), required=True),
    Column("hamlet", "Thôn, tổ dân phố", ("thon", "to dan pho", "thon/to dan pho", "dia ban")),
    Column("phone", "Điện thoại", ("so dien thoai", "dien thoai", "sdt")),
    Column("zalo", "Zalo", ("so zalo",)),
    Column("email", "Thư điện tử", ("email", "e-mail", "thu dien tu")),
    Column("role", "Vai trò", ("vai tro", "chuc danh")),
    Column("training", "Đã tập huấn", ("tap huan", "boi duong")),
    Column("channel", "Kênh nhận tin", ("kenh", "kenh nhan")),
]
EXAMPLE = {"full_name": "Trần Văn Bình", "hamlet": "Tổ dân phố số 3", "phone": "0912345678", "zalo": "0912345678",
           "email": "binh.tv@example.vn", "role": "Trưởng thôn, tổ trưởng tổ dân phố",
           "training": "Tập huấn 2025", "channel": "Thư điện tử"}
TEMPLATE_NAME = "mau-nhap-tuyen-truyen-vien.xlsx"
PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
ROLES = {fold(label): code for code, label in Propagandist.Role.choices} | {
    fold("trưởng thôn"): Propagandist.Role.HAMLET_HEAD, fold("tổ trưởng"): Propagandist.Role.HAMLET_HEAD,
    fold("đoàn thể"): Propagandist.Role.MASS_ORG, fold("mặt trận"): Propagandist.Role.MASS_ORG}
CHANNELS = {fold(label): code for code, label in Channel.choices} | {fold(code): code for code in Channel.values}


@dataclass
class PropagandistRow:
    number: int
    values: dict[str, str]
    fields: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class PropagandistPreview(TablePreview):
    created: int = 0
    updated: int = 0


def template() -> bytes:
    return table_template(COLUMNS, [EXAMPLE], title=_("Tuyên truyền viên"))


def read(data: bytes, *, extension: str) -> list[TableRow]:
    return table_read(data, extension=extension, columns=COLUMNS)


def check(table: list[TableRow]) -> list[PropagandistRow]:
    rows, seen = [], set()
    for row in table:
        v = {k: (row.values.get(k) or "").strip() for k in dict.fromkeys(c.key for c in COLUMNS)}
        checked = PropagandistRow(row.number, row.values)
        if not v["full_name"]:
            checked.errors.append(_("Dòng %(n)s: thiếu họ và tên.") % {"n": row.number})
        for key in ("phone", "zalo"):
            if v[key] and not PHONE.match(v[key]):
                checked.errors.append(_("Dòng %(n)s: số điện thoại không hợp lệ: %(v)s.") % {
                    "n": row.number, "v": v[key]})
        if v["email"]:
            try:
                validate_email(v["email"])
            except ValidationError:
                checked.errors.append(_("Dòng %(n)s: thư điện tử không hợp lệ: %(v)s.") % {"n": row.number,
                                                                                        "v": v["email"]})
        role = ROLES.get(fold(v["role"]), Propagandist.Role.OTHER) if v["role"] else Propagandist.Role.OTHER
        channel = CHANNELS.get(fold(v["channel"])) if v["channel"] else (
            Channel.EMAIL if v["email"] else Channel.ZALO if v["zalo"] else Channel.SMS)
        if channel is None:
            checked.errors.append(_("Dòng %(n)s: kênh nhận tin không hợp lệ: %(v)s.") % {"n": row.number,
                                                                                        "v": v["channel"]})
        key = (fold(v["full_name"]), v["phone"])
        if key in seen:
            checked.errors.append(_("Dòng %(n)s: trùng người ở dòng trên.") % {"n": row.number})
        seen.add(key)
        checked.fields = {"full_name": v["full_name"], "phone": v["phone"], "hamlet": v["hamlet"], "zalo": v["zalo"],
                          "email": v["email"], "role": role, "training": v["training"], "channel": channel,
                          "is_active": True}
        rows.append(checked)
    return rows


def import_rows(rows: list[PropagandistRow], *, unit: Unit, dry_run: bool,
                skip_invalid: bool = False) -> PropagandistPreview:
    preview = PropagandistPreview(rows=rows)
    if dry_run or (preview.invalid and not skip_invalid):
        return preview
    with transaction.atomic():
        for row in preview.valid:
            _person, created = propagandist_save(unit=unit, **row.fields)
            preview.created += int(created)
            preview.updated += int(not created)
    preview.written = True
    return preview
