"""Cells for the spreadsheets we export (XLSX with openpyxl, CSV): text that people typed must never become a
formula in Excel or LibreOffice (CSV/formula injection: `=HYPERLINK(...)` in a title would be a live link that
sends the neighbouring cells away). OWASP's advice: a text cell that starts with = + - @, a tab or a carriage
return gets a leading apostrophe, which shows it as text. Numbers, dates and empty cells pass unchanged."""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """The value to write into one cell. Text also loses the control characters XLSX cannot hold (openpyxl
    refuses them), so that one stray character in a title does not break the whole export."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_cell(value) for value in values]
