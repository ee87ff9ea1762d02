"""Reading a table that people keep in a spreadsheet (XLSX or CSV, first sheet, header on row 1) into rows of
text keyed by column: headers are matched without regard to case, diacritics or spacing, against a list of
accepted spellings per column. Rows carry the number the person sees in the sheet (the header is row 1). Text
folding (`fold`) is also what callers use to match names typed by hand."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from .spreadsheets import spreadsheet_row

MAX_ROWS = 20000


class TableError(ValueError):
    """The file cannot be read as a table (wrong format, missing columns); the message is for the person."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the spelling a template uses
    aliases: tuple[str, ...] = ()
    required: bool = False  # the column must be present (its cells may still be checked one by one)


@dataclass(frozen=True)
class TableRow:
    number: int  # the row number in the sheet; the header is row 1
    values: dict[str, str]


@dataclass
class TablePreview:
    """What an import would do with a sheet: its checked rows (each with `errors`), then whether it was written.
    Each import adds what it reports (its result)."""

    rows: list
    written: bool = False

    @property
    def invalid(self) -> list:
        return [r for r in self.rows if r.errors]

    @property
    def valid(self) -> list:
        return [r for r in self.rows if not r.errors]


def fold(text: str) -> str:
    """Lower case, without diacritics (đ as d), single spaces: "  Phường  Ba Đình" → "phuong ba dinh"."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", text).strip().lower()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a broken file
        raise TableError(_("Không đọc được tệp Excel (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                raise TableError(_("Tệp có quá %(max)s dòng.") % {"max": MAX_ROWS})
        return rows
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TableError(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[_cell_text(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS + 1:
        raise TableError(_("Tệp có quá %(max)s dòng.") % {"max": MAX_ROWS})
    return rows


def table_read(data: bytes, *, extension: str, columns: Sequence[Column]) -> list[TableRow]:
    """The rows of the first sheet (XLSX) or of the file (CSV, UTF-8, comma, semicolon or tab separated), keyed
    by the columns found in the header; empty rows are skipped, unknown columns ignored."""
    rows = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    offset = 1
    while rows and not any(rows[0]):
        rows.pop(0)  # a sheet whose first rows are blank still has its header on the first filled row
        offset += 1
    if not rows:
        raise TableError(_("Tệp không có dữ liệu."))
    header = [fold(h) for h in rows[0]]
    positions: dict[str, int] = {}
    for column in columns:
        spellings = {fold(column.header), fold(column.key), *(fold(a) for a in column.aliases)}
        for index, text in enumerate(header):
            if text in spellings:
                positions[column.key] = index
                break
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise TableError(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    if not positions:
        raise TableError(_("Dòng 1 không có tiêu đề cột nào được nhận biết."))
    result = []
    for number, row in enumerate(rows[1:], start=offset + 1):
        values = {key: (row[index] if index < len(row) else "") for key, index in positions.items()}
        if any(values.values()):
            result.append(TableRow(number, values))
    return result


def table_template(columns: Sequence[Column], examples: Sequence[Mapping[str, object]], *, title: str) -> bytes:
    """An XLSX file with the columns' headers on row 1 and the example rows below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([c.header for c in columns])
    for example in examples:
        sheet.append(spreadsheet_row(example.get(c.key, "") for c in columns))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(14, len(column.header) + 4)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
