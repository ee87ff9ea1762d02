"""Exports of a period: XLSX (sheet of communes, sheet of districts) and CSV (communes), one row per unit, one
column per indicator, a totals row. Figures are those of accepted reports; the status column says why a row
is blank. Totals come from the same database aggregate as the page."""

import csv
import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.spreadsheets import spreadsheet_row
from coordination.models import Assignment
from org.models import Unit, UnitKind

from . import selectors
from .models import IndicatorKind, ReportingPeriod, UnitReport

FIXED = 5  # code, unit, district, status, sent at


def _header(period: ReportingPeriod) -> list[str]:
    columns = [_("Mã đơn vị"), _("Đơn vị"), _("Thuộc"), _("Trạng thái báo cáo"), _("Gửi lúc")]
    for indicator in period.indicators:
        unit = f" ({indicator['unit']})" if indicator["unit"] else ""
        columns.append(f"{indicator['name']}{unit}")
    return columns


def _status(assignment: Assignment) -> str:
    report = getattr(assignment, "unit_report", None)
    if assignment.status == Assignment.Status.CANCELLED:
        return str(assignment.get_status_display())
    if report is None:
        return _("Chưa nhập") if assignment.status in (Assignment.Status.PENDING, Assignment.Status.RECEIVED) else ""
    return str(report.get_status_display())


def _cell(indicator: dict, value, *, aggregate: bool = False):
    if indicator["kind"] == IndicatorKind.CHOICE or (indicator["kind"] == IndicatorKind.BOOLEAN and not aggregate):
        return selectors.display_value(indicator, value, aggregate=aggregate) or None
    return selectors.numeric_value(indicator, value)


def commune_rows(period: ReportingPeriod, units: QuerySet[Unit] | None) -> list[list]:
    """One row per commune assignment in scope (one query), then the totals row."""
    assignments = selectors.completeness_rows(period, units).filter(unit__kind=UnitKind.COMMUNE)
    rows = []
    for a in assignments:
        report = getattr(a, "unit_report", None)
        accepted = report is not None and report.status == UnitReport.Status.ACCEPTED
        sent = timezone.localtime(a.reported_at).strftime("%d/%m/%Y %H:%M") if a.reported_at else ""
        row = [a.unit.code, a.unit.name, a.unit.parent.name if a.unit.parent else "", _status(a), sent]
        row += [_cell(i, report.values.get(i["code"])) if accepted else None for i in period.indicators]
        rows.append(row)
    total = selectors.totals(period, units)
    rows.append([_("TỔNG CỘNG"), _("%(n)s báo cáo đã chấp nhận") % {"n": total["count"]}, "", "", ""]
                + [_cell(i, total["values"][i["code"]], aggregate=True) for i in period.indicators])
    return rows


def district_rows(period: ReportingPeriod, units: QuerySet[Unit] | None) -> list[list]:
    """One row per district: the sums of its accepted communes, its own report's status; then the totals."""
    districts = Unit.objects.filter(structure=period.structure, kind=UnitKind.DISTRICT).order_by("path")
    if units is not None:
        districts = districts.filter(pk__in=units.values("pk"))
    districts = list(districts)
    if not districts:
        return []
    sums = selectors.totals_by_district(period, units)
    statuses = dict(UnitReport.objects.filter(period=period, unit__in=districts).values_list("unit_id", "status"))
    labels = dict(UnitReport.Status.choices)
    empty = {"count": 0, "values": {}}
    rows = []
    for d in districts:
        data = sums.get(d.pk, empty)
        status = str(labels.get(statuses.get(d.pk), _("Chưa gửi")))
        rows.append([d.code, d.name, _("%(n)s xã/phường đã chấp nhận") % {"n": data["count"]}, status, ""]
                    + [_cell(i, data["values"].get(i["code"]), aggregate=True) for i in period.indicators])
    total = selectors.totals(period, units)
    rows.append([_("TỔNG CỘNG"), "", _("%(n)s xã/phường đã chấp nhận") % {"n": total["count"]}, "", ""]
                + [_cell(i, total["values"][i["code"]], aggregate=True) for i in period.indicators])
    return rows


def _sheet(ws, title: str, header: list[str], rows: list[list]) -> None:
    ws.append(spreadsheet_row([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(spreadsheet_row(header))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(spreadsheet_row(row))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = ws.cell(row=3, column=3)
    for index in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 30 if index in (2, 3) else 14
    ws.row_dimensions[2].height = 60


def period_xlsx(period: ReportingPeriod, units: QuerySet[Unit] | None = None) -> bytes:
    wb = Workbook()
    header = _header(period)
    _sheet(wb.active, period.title, header, commune_rows(period, units))
    wb.active.title = _("Xã, phường")
    districts = district_rows(period, units)
    if districts:
        header = header[:2] + [_("Số xã/phường"), _("Báo cáo của quận/huyện"), ""] + header[FIXED:]
        _sheet(wb.create_sheet(_("Quận, huyện")), period.title, header, districts)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def period_csv(period: ReportingPeriod, units: QuerySet[Unit] | None = None) -> str:
    """UTF-8 with a byte-order mark so that Excel reads the Vietnamese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet_row(_header(period)))
    for row in commune_rows(period, units):
        writer.writerow(spreadsheet_row("" if v is None else v for v in row))
    return buffer.getvalue()
