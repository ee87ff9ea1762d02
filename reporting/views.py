"""Read-only pages of periodic reports: periods, the aggregate (city totals, by district), completeness, one
unit's report, XLSX and CSV exports. Each shows only the units the user may see: the Department sees all,
a district its own communes, a commune itself. Query counts do not depend on the number of units."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from common.http import object_or_404, xlsx_response
from coordination import access as coordination_access
from org.models import Unit, UnitKind

from . import selectors
from .exports import period_csv, period_xlsx
from .forms import CompletenessFilterForm, value_rows
from .models import UnitReport

PAGE_SIZE = 100


def _period_or_404(request, pk):
    return object_or_404(selectors.period_for_user(request.user, pk))


def _can_manage(user) -> bool:
    return coordination_access.may_issue_for(user, selectors.period_issuing_unit())


@login_required
def period_list(request):
    page = Paginator(selectors.periods_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "reporting/period_list.html", {
        "page": page, "can_open": _can_manage(request.user)})


@login_required
def period_detail(request, pk):
    """The aggregate: totals of accepted commune reports by indicator (with the previous period's) and by
    district, and how many units have sent their report."""
    period = _period_or_404(request, pk)
    scope = selectors.units_in_scope(request.user)
    city = selectors.totals(period, scope)
    previous = selectors.previous_period(period)
    previous_city = selectors.previous_totals(period, previous, scope) if previous else {"count": 0, "values": {}}
    by_district = selectors.totals_by_district(period, scope)
    districts = Unit.objects.filter(structure=period.structure, kind=UnitKind.DISTRICT).order_by("path")
    if scope is not None:
        districts = districts.filter(pk__in=scope.values("pk"))
    statuses = dict(UnitReport.objects.filter(period=period, unit__kind=UnitKind.DISTRICT)
                    .values_list("unit_id", "status"))
    labels = dict(UnitReport.Status.choices)
    empty = {"count": 0, "values": {}}
    district_table = [
        {"unit": d, "count": by_district.get(d.pk, empty)["count"],
         "status": labels.get(statuses.get(d.pk), ""),
         "cells": [selectors.display_value(i, by_district.get(d.pk, empty)["values"].get(i["code"]), aggregate=True)
                   for i in period.indicators]}
        for d in districts
    ]
    return render(request, "reporting/period_detail.html", {
        "period": period, "city": city, "previous_period": previous,
        "rows": value_rows(period.indicators, city["values"], previous_city["values"], aggregate=True),
        "previous_count": previous_city["count"],
        "district_table": district_table, "progress": selectors.completeness_counts(period, scope),
        "whole": scope is None, "can_manage": _can_manage(request.user),
        "history": selectors.period_history(period),
    })


@login_required
def period_completeness(request, pk):
    period = _period_or_404(request, pk)
    scope = selectors.units_in_scope(request.user)
    form = CompletenessFilterForm(request.GET or None)
    show = form.cleaned_data.get("show", "") if form.is_valid() else ""
    now = timezone.now()
    page = Paginator(selectors.completeness_rows(period, scope, show=show, now=now), PAGE_SIZE).get_page(
        request.GET.get("page"))
    rows = [{"assignment": a, "report": getattr(a, "unit_report", None), "late": a.late_by(now)} for a in page]
    return render(request, "reporting/completeness.html", {
        "period": period, "filter_form": form, "page": page, "rows": rows,
        "progress": selectors.completeness_counts(period, scope, now=now),
    })


@login_required
def unit_report(request, pk, unit_pk):
    period = _period_or_404(request, pk)
    report = selectors.report_for_user(request.user, period, unit_pk)
    if report is None:
        raise Http404
    previous_period, previous = selectors.previous_values(period, report.unit)
    aggregate = report.unit.kind == UnitKind.DISTRICT
    return render(request, "reporting/unit_report.html", {
        "period": period, "report": report, "previous_period": previous_period,
        "rows": value_rows(period.indicators, report.values, previous, aggregate=aggregate),
    })


def _filename(period, extension: str) -> str:
    return f"bao-cao-{period.kind}-{period.year}-{period.structure}.{extension}"


@login_required
def period_export_xlsx(request, pk):
    period = _period_or_404(request, pk)
    return xlsx_response(period_xlsx(period, selectors.units_in_scope(request.user)), _filename(period, "xlsx"))


@login_required
def period_export_csv(request, pk):
    period = _period_or_404(request, pk)
    response = HttpResponse(period_csv(period, selectors.units_in_scope(request.user)),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(period, "csv")}"'
    return response
