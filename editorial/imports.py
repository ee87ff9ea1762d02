"""The year's plan catalogue from a sheet (XLSX or CSV, Vietnamese headers): every row checked with a Vietnamese
error naming its sheet row (the header is row 1), a preview, and an idempotent write through the editorial
services, so a production install gets its topics without the demo seed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.tables import Column, TablePreview, TableRow, fold, table_read, table_template

from .services import TopicImport, plan_topics_import
from .services.plan import TopicsImportResult

COLUMNS = [
    Column("year", "Năm", ("nam",), required=True),
    Column("number", "Số thứ tự", ("stt", "so tt", "so"), required=True),
    Column("title", "Chủ đề", ("chu de", "ten bai", "noi dung", "bai/nhom bai"), required=True),
    Column("month_from", "Từ tháng", ("tu thang",), required=True),
    Column("month_to", "Đến tháng", ("den thang",)),
    Column("directing_source", "Văn bản chỉ đạo", ("van ban chi dao", "can cu")),
    Column("is_active", "Đang áp dụng", ("dang ap dung", "ap dung")),
]
EXAMPLE = {"year": 2025, "number": 1, "title": "Mừng Đảng, mừng Xuân Ất Tỵ; an toàn dịp Tết", "month_from": 1,
           "month_to": 1, "directing_source": "Kế hoạch 184/KH-SVHTT", "is_active": "có"}
YES = {"", "co", "x", "1", "yes", "true", "dung"}
NO = {"khong", "0", "no", "false", "sai"}
CHANGE_LABELS = {
    "created": gettext_lazy("Tạo mới"), "updated": gettext_lazy("Cập nhật"), "unchanged": gettext_lazy("Không đổi"),
}


@dataclass
class TopicRow:
    number: int
    values: dict[str, str]
    spec: TopicImport | None = None
    errors: list[str] = field(default_factory=list)
    change: str = ""

    @property
    def change_label(self) -> str:
        return str(CHANGE_LABELS.get(self.change, ""))


@dataclass
class PlanPreview(TablePreview):
    result: TopicsImportResult | None = None


def plan_template() -> bytes:
    return table_template(COLUMNS, [EXAMPLE], title="Kế hoạch")


def _integer(row: TopicRow, key: str, label: str, low: int, high: int) -> int | None:
    text = row.values.get(key, "")
    if not text:
        row.errors.append(_("Thiếu %(column)s.") % {"column": label})
        return None
    text = text.upper().removeprefix("T")  # "T3" as officials write a month
    if not text.isdigit() or not low <= int(text) <= high:
        row.errors.append(_("%(column)s “%(value)s” phải là số từ %(low)s đến %(high)s.")
                          % {"column": label, "value": row.values[key], "low": low, "high": high})
        return None
    return int(text)


def plan_check(table: list[TableRow]) -> list[TopicRow]:
    rows = [TopicRow(t.number, t.values) for t in table]
    seen: dict[tuple[int, int], TopicRow] = {}
    for row in rows:
        v = row.values
        year = _integer(row, "year", _("Năm"), 2000, 2100)
        number = _integer(row, "number", _("Số thứ tự"), 1, 999)
        month_from = _integer(row, "month_from", _("Từ tháng"), 1, 12)
        if not v.get("month_to") and month_from:
            v = {**v, "month_to": str(month_from)}
            row.values = v
        month_to = _integer(row, "month_to", _("Đến tháng"), 1, 12)
        title = v.get("title", "")
        if not title:
            row.errors.append(_("Thiếu chủ đề."))
        elif len(title) > 300:
            row.errors.append(_("Chủ đề dài quá 300 ký tự."))
        if len(v.get("directing_source", "")) > 255:
            row.errors.append(_("Văn bản chỉ đạo dài quá 255 ký tự."))
        if month_from and month_to and month_from > month_to:
            row.errors.append(_("“Từ tháng” (%(start)s) sau “Đến tháng” (%(end)s).") % {"start": month_from,
                                                                                       "end": month_to})
        active = fold(v.get("is_active", ""))
        if active not in YES | NO:
            row.errors.append(_("Cột “Đang áp dụng” chỉ nhận “có” hoặc “không”."))
        if year and number:
            other = seen.setdefault((year, number), row)
            if other is not row:
                row.errors.append(_("Trùng năm và số thứ tự với dòng %(row)s.") % {"row": other.number})
        if not row.errors:
            row.spec = TopicImport(year=year, number=number, title=title, month_from=month_from, month_to=month_to,
                                   directing_source=v.get("directing_source", ""), is_active=active in YES)
    return rows


def plan_import_file(data: bytes, *, extension: str, dry_run: bool, skip_invalid: bool = False) -> PlanPreview:
    """Read, check and preview (dry_run: written then rolled back) or import a plan sheet. Nothing is written when
    a row has an error, unless `skip_invalid`. Raises common.tables.TableError when the file cannot be read."""
    preview = PlanPreview(plan_check(table_read(data, extension=extension, columns=COLUMNS)))
    valid = preview.valid
    if not valid:
        return preview
    write = not dry_run and (skip_invalid or not preview.invalid)
    with transaction.atomic():
        preview.result = plan_topics_import(rows=[r.spec for r in valid])
        if not write:
            transaction.set_rollback(True)
    for row, change in zip(valid, preview.result.row_changes, strict=True):
        row.change = change
    preview.written = write
    return preview
