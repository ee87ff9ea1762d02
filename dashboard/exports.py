"""The dashboard as an XLSX workbook: one sheet per table the page shows, with the same filters (the overdue list
in full, in the page's order)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets import spreadsheet_row

from . import selectors


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _pct(value) -> float | str:
    return "" if value is None else round(100 * value, 1)


def _sheet(wb, title: str, header: list[str], rows, widths: list[int], caption: str = ""):
    ws = wb.create_sheet(title[:31])
    if caption:
        ws.append(spreadsheet_row([caption]))
        ws["A1"].font = Font(bold=True, size=12)
    ws.append(spreadsheet_row(header))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(spreadsheet_row(row))
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    return ws


def _unit_values(row) -> list:
    return [row.received, row.acknowledged, row.on_time, row.late, row.open, row.emergencies_open, row.broadcasts,
            row.proof_by_hand, row.proof_by_log, _pct(row.proof_rate),
            "" if row.average_hours is None else round(row.average_hours, 1)]


def dashboard_xlsx(filters, *, now, progress, slowest, coverage, month_totals, overdue) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    caption = f"{_('Bảng điều hành')} — {filters.period.label} ({filters.period.dates_label})"
    unit_header = [_("Nhận"), _("Đã tiếp nhận"), _("Báo cáo đúng hạn"), _("Trễ hạn"), _("Đang mở"),
                   _("Việc khẩn chưa xong"), _("Bản tin phải phát"), _("Xác nhận tay"), _("Xác nhận qua nhật ký phát"),
                   _("Tỷ lệ minh chứng (%)"), _("Giờ trung bình đến khi báo cáo")]
    rows = [[r.unit.name, r.unit.parent.name if r.unit.parent else "", *_unit_values(r)] for r in progress.rows]
    rows.append([_("Tổng cộng"), "", *_unit_values(progress.totals)])
    _sheet(wb, _("Theo đơn vị"), [_("Đơn vị"), _("Thuộc"), *unit_header], rows, [34, 26] + [12] * 11, caption)
    _sheet(wb, _("Chậm nhất"), [_("Đơn vị"), _("Thuộc"), *unit_header],
           [[r.unit.name, r.unit.parent.name if r.unit.parent else "", *_unit_values(r)] for r in slowest],
           [34, 26] + [12] * 11, caption)
    months = [f"T{m}" for m in range(1, 13)]
    _sheet(wb, _("Độ phủ kế hoạch"), [_("Số"), _("Chủ đề"), _("Tháng kế hoạch"), *months, _("Cộng")],
           [[t.topic.number, t.topic.title, t.topic.months_label, *t.counts, t.total] for t in coverage]
           + [["", _("Tổng cộng"), "", *month_totals, sum(month_totals)]],
           [6, 60, 12] + [6] * 12 + [8], _("Bản tin phát hành theo chủ đề và tháng, năm %(y)s") % {
               "y": filters.period.year})
    _sheet(wb, _("Quá hạn"), [_("Đơn vị"), _("Thuộc"), _("Văn bản"), _("Độ khẩn"), _("Đơn vị ban hành"), _("Hạn"),
                               _("Quá hạn (giờ)"), _("Bước nhắc/báo cáo vượt cấp")],
           ([a.unit.name, a.unit.parent.name if a.unit.parent else "", a.directive.title, a.directive.urgency.name,
             a.directive.issuing_unit.name, _dt(a.deadline), round((now - a.deadline).total_seconds() / 3600, 1),
             selectors.step_label(a.step)] for a in overdue.iterator(chunk_size=2000)),
           [30, 24, 50, 12, 30, 17, 12, 28], caption)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
