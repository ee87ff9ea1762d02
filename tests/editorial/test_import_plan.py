"""The plan's topics from a sheet (editorial/imports.py, `manage.py import_plan`): the 32 topics of 2025 as a
production install would load them, an idempotent re-import, a bad row named by its sheet row."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from editorial.imports import COLUMNS, plan_import_file
from editorial.models import PlanTopic
from editorial.services import PLAN_2025_FILE

HEADERS = [c.header for c in COLUMNS]


def plan_rows(year: int) -> list[dict]:
    data = json.loads(PLAN_2025_FILE.read_text(encoding="utf-8"))
    return [{"year": year, "number": t["number"], "title": t["title"], "month_from": f"T{t['month_from']}",
             "month_to": t["month_to"], "directing_source": data["directing_source"]} for t in data["topics"]]


def xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(c.key, "") for c in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_import_a_years_topics_then_again_changes_nothing(demo, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(xlsx(plan_rows(2026)))
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out)
    assert "Xem trước, chưa ghi gì — 32 dòng, 32 hợp lệ, 0 lỗi; chủ đề: tạo mới 32" in out.getvalue()
    assert not PlanTopic.objects.filter(year=2026).exists()

    call_command("import_plan", str(path), stdout=io.StringIO())
    topics = PlanTopic.objects.filter(year=2026)
    assert topics.count() == 32
    assert topics.get(number=2).months_label == "T1–2" and topics.get(number=30).months_label == "Cả năm"
    assert topics.get(number=1).directing_source == "Kế hoạch 184/KH-SVHTT"

    out = io.StringIO()
    call_command("import_plan", str(path), stdout=out)
    assert "tạo mới 0, cập nhật 0, không đổi 32" in out.getvalue()
    assert PlanTopic.objects.filter(year=2026).count() == 32


def test_the_seeded_2025_plan_imports_as_unchanged(demo):
    preview = plan_import_file(xlsx(plan_rows(2025)), extension="xlsx", dry_run=False)
    assert preview.written and preview.result.unchanged == 32 and preview.result.created == 0


def test_an_edited_topic_is_updated_in_place(demo):
    rows = plan_rows(2025)
    rows[4]["title"] = "Ngày Quốc tế Phụ nữ 8/3"
    rows[6]["is_active"] = "không"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.key for c in COLUMNS])
    out.write(",".join(HEADERS) + "\n")
    writer.writerows(rows)
    preview = plan_import_file(out.getvalue().encode(), extension="csv", dry_run=False)
    assert (preview.result.updated, preview.result.unchanged) == (2, 30)
    assert PlanTopic.objects.get(year=2025, number=5).title == "Ngày Quốc tế Phụ nữ 8/3"
    assert not PlanTopic.objects.get(year=2025, number=7).is_active


def test_a_bad_row_is_named_and_nothing_is_written(demo, tmp_path):
    rows = plan_rows(2027)
    rows[9]["month_to"] = 13
    rows[20]["number"] = 3
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(xlsx(rows))
    preview = plan_import_file(path.read_bytes(), extension="xlsx", dry_run=False)
    assert [(r.number, r.errors) for r in preview.invalid] == [
        (11, ["Đến tháng “13” phải là số từ 1 đến 12."]),
        (22, ["Trùng năm và số thứ tự với dòng 4."]),
    ]
    assert not PlanTopic.objects.filter(year=2027).exists()
    with pytest.raises(CommandError, match="2 dòng lỗi"):
        call_command("import_plan", str(path), stdout=io.StringIO())
    assert not PlanTopic.objects.filter(year=2027).exists()


def test_the_template_imports(demo, tmp_path):
    path = tmp_path / "mau.xlsx"
    call_command("import_plan", "--template", str(path), stdout=io.StringIO())
    assert [c.value for c in load_workbook(path).active[1]] == HEADERS
    assert plan_import_file(path.read_bytes(), extension="xlsx", dry_run=True).result.unchanged == 1
