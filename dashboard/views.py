"""The managers' dashboard, its XLSX export, the map and the air-schedule calendar (a unit's week, its iCalendar
export, a bulletin across units): thin views over dashboard.selectors; access.py says who."""

import re
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.http import xlsx_response
from editorial.models import Bulletin
from org.models import Structure, Unit

from . import access, selectors
from .exports import dashboard_xlsx
from .forms import DashboardFilterForm
from .ical import air_calendar_ics

OVERDUE_PAGE_SIZE = 50
MONTHS = [f"T{m}" for m in range(1, 13)]


def _allowed(request) -> None:
    if not access.may_see_dashboard(request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ quản lý và Lãnh đạo Sở."))


def _form(request) -> DashboardFilterForm:
    form = DashboardFilterForm(request.GET or None, today=timezone.localdate())
    form.is_valid()
    return form


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


def lateness(delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return _("%(n)s giờ") % {"n": hours}
    return _("%(n)s ngày") % {"n": hours // 24}


def _percent(value) -> int | None:
    return None if value is None else round(100 * value)


def dashboard_data(filters, *, now, sort):
    progress = selectors.unit_progress(filters, now=now)
    coverage, month_totals = selectors.plan_coverage_by_month(filters.period.year)
    return {
        "progress": progress,
        "slowest": selectors.slowest_units(progress),
        "coverage": coverage, "month_totals": month_totals,
        "overdue": selectors.overdue_assignments(filters, now=now, sort=sort),
    }


@login_required
@require_GET
def dashboard(request):
    _allowed(request)
    form = _form(request)
    filters = form.filters()
    now = timezone.now()
    sort = request.GET.get("sort") or selectors.DEFAULT_OVERDUE_SORT
    data = dashboard_data(filters, now=now, sort=sort)
    overdue_page = Paginator(data["overdue"], OVERDUE_PAGE_SIZE).get_page(request.GET.get("page"))
    totals = data["progress"].totals
    charts = {
        "status": {"labels": [_("Đúng hạn"), _("Trễ hạn"), _("Đang mở")],
                   "values": [totals.on_time, totals.late, totals.open]},
        "proof": {"labels": [_("Xác nhận tay"), _("Xác nhận qua nhật ký phát"), _("Chưa có minh chứng")],
                  "values": [totals.proof_by_hand, totals.proof_by_log, totals.broadcasts - totals.proved]},
        "coverage": {"labels": MONTHS, "values": data["month_totals"], "label": _("Bản tin phát hành")},
        "slowest": {"labels": [r.unit.name for r in data["slowest"]],
                    "values": [round(r.average_hours or 0, 1) for r in data["slowest"]],
                    "label": _("Số giờ trung bình từ khi nhận việc đến khi báo cáo")},
    }
    sorts = {key: _query(request, sort=key if sort != key else f"-{key}", page=None)
             for key in ("unit", "directive", "urgency", "deadline", "step")}
    return render(request, "dashboard/index.html", {
        "form": form, "filters": filters, "now": now, "charts": charts, "months": MONTHS,
        "overdue_page": overdue_page, "sort": sort, "sorts": sorts,
        "overdue_rows": [(a, lateness(now - a.deadline), selectors.step_label(a.step)) for a in overdue_page],
        "page_query": _query(request, page=None), "export_query": _query(request, page=None),
        "map_query": _query(request, page=None, sort=None),
        "show_district": filters.structure == Structure.Y2025,
        "proof_percent": _percent(totals.proof_rate), "late_percent": _percent(totals.late_share),
        **data,
    })


@login_required
@require_GET
def dashboard_export(request):
    _allowed(request)
    filters = _form(request).filters()
    now = timezone.now()
    data = dashboard_data(filters, now=now, sort=request.GET.get("sort") or selectors.DEFAULT_OVERDUE_SORT)
    name = f"bang-dieu-hanh-{filters.period.year}-{filters.period.kind}-{filters.period.number}.xlsx"
    return xlsx_response(dashboard_xlsx(filters, now=now, **data), name)


@login_required
@require_GET
def unit_map(request):
    _allowed(request)
    form = _form(request)
    filters = form.filters()
    measure = form.chosen_measure()
    now = timezone.now()
    progress = selectors.unit_progress(filters, now=now, only_with_work=False)
    by_unit = {row.unit.pk: row for row in progress.rows}
    points, missing = selectors.map_points(filters)
    height = selectors.project(points)
    linkable = access.unit_ids_linkable(request.user, [p.unit.pk for p in points])
    marks = []
    for p in points:
        row = by_unit.get(p.unit.pk)
        value = row.measure(measure) if row and row.received else None
        shown = "—" if value is None else (str(int(value)) if measure == "emergencies" else f"{round(100 * value)}%")
        marks.append({
            "point": p, "colour": selectors.measure_colour(measure, value), "value": shown,
            "url": reverse("org:unit:detail", args=[p.unit.pk]) if p.unit.pk in linkable else "",
            "parent": p.unit.parent.name if p.unit.parent else "",
        })
    return render(request, "dashboard/map.html", {
        "form": form, "filters": filters, "measure": measure, "measure_label": str(selectors.MEASURES[measure]),
        "legend": selectors.measure_classes(measure), "no_data": selectors.NO_DATA_COLOUR,
        "marks": marks, "height": height, "width": 800, "missing": missing,
        "placed_at_successor": sum(1 for p in points if p.placed_at_successor),
        "dashboard_query": _query(request, measure=None),
        "show_district": filters.structure == Structure.Y2025,
    })


# --- the air-schedule calendar ---------------------------------------------------------------------------------------

EXPORT_WEEKS = 8  # the iCalendar export: the week shown and the seven after it


def _calendar_allowed(request) -> None:
    if not access.may_use_air_calendar(request.user):
        raise PermissionDenied(_("Lịch phát sóng dành cho cán bộ xã/phường, quận/huyện và cán bộ quản lý của Sở."))


def _calendar_unit(request) -> Unit | None:
    """The unit asked for (?unit=id), 403 when the reader may not see its calendar; without one, the reader's own."""
    raw = request.GET.get("unit", "").strip()
    if not raw:
        return selectors.own_calendar_unit(request.user)
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=int(raw))
    if not access.may_see_unit_calendar(request.user, unit):
        raise PermissionDenied(_("Bạn không xem được lịch phát sóng của đơn vị này."))
    return unit


def _calendar_query(unit: Unit | None, monday) -> str:
    params = {"week": selectors.iso_week(monday)}
    if unit is not None:
        params = {"unit": unit.pk, **params}
    return "&".join(f"{k}={v}" for k, v in params.items())


@login_required
@require_GET
def air_calendar(request):
    _calendar_allowed(request)
    unit = _calendar_unit(request)
    monday = selectors.week_monday(request.GET.get("week"), timezone.localdate())
    units = list(selectors.calendar_units(request.user))
    if unit is not None and unit.pk not in {u.pk for u in units}:
        units.insert(0, unit)  # a unit of a past structure, opened by its id
    across = access.may_see_bulletin_calendar(request.user)
    week = selectors.unit_week(unit, monday) if unit is not None else None
    return render(request, "dashboard/calendar.html", {
        "week": week, "unit": unit, "units": units, "week_iso": selectors.iso_week(monday),
        "week_label": week.label if week else "",
        "previous_query": _calendar_query(unit, monday - timedelta(days=7)),
        "next_query": _calendar_query(unit, monday + timedelta(days=7)),
        "this_week_query": _calendar_query(unit, selectors.week_monday(None, timezone.localdate())),
        "export_query": _calendar_query(unit, monday), "export_weeks": EXPORT_WEEKS,
        "bulletin_links": across, "show_dashboard": access.may_see_dashboard(request.user),
    })


@login_required
@require_GET
def air_calendar_export(request):
    _calendar_allowed(request)
    unit = _calendar_unit(request)
    if unit is None:
        raise Http404
    monday = selectors.week_monday(request.GET.get("week"), timezone.localdate())
    airings = selectors.unit_airings(unit, selectors.day_start(monday),
                                     selectors.day_start(monday + timedelta(weeks=EXPORT_WEEKS)))
    response = HttpResponse(air_calendar_ics(unit, airings, now=timezone.now()),
                            content_type="text/calendar; charset=utf-8")
    code = re.sub(r"[^\w-]", "", unit.code, flags=re.ASCII) or unit.pk
    response["Content-Disposition"] = f'attachment; filename="lich-phat-{code}-{selectors.iso_week(monday)}.ics"'
    return response


@login_required
@require_GET
def bulletin_air_calendar(request, pk: int):
    if not access.may_see_bulletin_calendar(request.user):
        raise PermissionDenied(_("Trang này dành cho cán bộ quản lý và Lãnh đạo Sở."))
    bulletin = get_object_or_404(Bulletin, pk=pk)
    schedule = selectors.bulletin_schedule(bulletin)
    days = [(day, [(a, _calendar_query(a.unit, selectors.week_monday(None, a.start.date()))) for a in day.airings])
            for day in schedule.days]
    return render(request, "dashboard/calendar_bulletin.html", {
        "bulletin": bulletin, "schedule": schedule, "days": days, "show_dashboard": True})
