"""XLSX export of a directive's per-unit table."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheets import spreadsheet_row

from .models import Assignment


def _fmt(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _late(assignment: Assignment, now) -> str:
    late = assignment.late_by(now)
    return f"{late.total_seconds() / 3600:.1f}" if late else ""


def assignments_xlsx(directive, rows) -> bytes:
    now = timezone.now()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tiến độ")[:31]
    ws.append(spreadsheet_row([directive.title]))
    ws["A1"].font = Font(bold=True, size=13)
    header = [_("Đơn vị"), _("Thuộc"), _("Trạng thái"), _("Nhận lúc"), _("Báo cáo lúc"), _("Trễ (giờ)"),
              _("Người xử lý")]
    ws.append(spreadsheet_row(header))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for a in rows:
        ws.append(spreadsheet_row([a.unit.name, a.unit.parent.name if a.unit.parent else "",
                                   a.get_status_display(), _fmt(a.received_at), _fmt(a.reported_at),
                                   _late(a, now), a.assignee.get_full_name() if a.assignee else ""]))
    for column, width in zip("ABCDEFG", (34, 28, 18, 18, 18, 10, 28), strict=True):
        ws.column_dimensions[column].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
