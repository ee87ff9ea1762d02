"""Periodic reports benchmark on the 2025 structure (30 districts, 526 communes), on a fresh test database:

- opening a period (freeze indicators, directive, approval, nested fan-out of 556 assignments with their
  processes, notifications) against a naive loop of one StartHandle.run() per unit;
- the aggregate (city totals + by district, in the database) against a naive per-unit loop (N+1 queries,
  summing in Python), with every commune's report accepted;
- the aggregate page and the XLSX export over HTTP (Django test client), with their query counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/reports.py
The last line is one JSON object."""

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "1"  # the fan-out runs on commit, inside the timed opening (in-memory queue)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner  # noqa: E402


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def open_ours():
    from org.models import Structure, User
    from workflows.reporting import services as reporting_flow

    start = time.perf_counter()
    period = reporting_flow.period_open(user=User.objects.get(username="quanly"), kind="half_year", year=2099,
                                   structure=Structure.Y2025)
    elapsed = time.perf_counter() - start
    assert period.directive.assignments.count() == 556, period.directive.assignments.count()
    return elapsed, period


def open_naive(period) -> float:
    """The same 556 units, one assignment and one StartHandle.run() per unit, each in its own transaction."""
    from coordination.models import Assignment, Directive
    from workflows.directive.flow import UnitAssignmentFlow

    source = period.directive
    directive = Directive.objects.create(
        title="Naive", issuing_unit=source.issuing_unit, created_by=source.created_by, urgency=source.urgency,
        deadline=source.deadline, target_spec=source.target_spec, report_requirements=source.report_requirements,
        status=Directive.Status.IN_PROGRESS)
    units = [a.unit for a in source.assignments.select_related("unit").order_by("unit__path")]
    start = time.perf_counter()
    for unit in units:
        assignment = Assignment.objects.create(directive=directive, unit=unit, deadline=directive.deadline)
        UnitAssignmentFlow.start.run(assignment=assignment)
    return time.perf_counter() - start


def accept_all(period) -> int:
    from django.utils import timezone

    from coordination.models import Assignment, UnitReport
    from org.models import UnitKind

    communes = list(period.directive.assignments.filter(unit__kind=UnitKind.COMMUNE))
    now = timezone.now()
    values = [{
        "station_exists": True, "station_technology": ("wired", "fm", "ip", "mixed")[n % 4],
        "clusters_total": 10 + n % 9, "clusters_ip": n % 5, "hamlets_total": 12, "hamlets_covered": 11,
        "airtime_own_hours": f"{n % 13}.5", "items_aired": 100 + n, "propagandists_total": 30,
        "web_page": n % 3 == 0, "zalo_followers": 50 * n, "sms_sent": 1000 + n,
    } for n in range(len(communes))]
    UnitReport.objects.bulk_create([
        UnitReport(period=period, unit_id=a.unit_id, assignment=a, status=UnitReport.Status.ACCEPTED, values=v,
                   submitted_at=now) for a, v in zip(communes, values, strict=True)])
    Assignment.objects.filter(pk__in=[a.pk for a in communes]).update(status=Assignment.Status.ACCEPTED,
                                                                      reported_at=now, closed_at=now)
    return len(communes)


def aggregate_ours(period):
    from coordination import reporting_selectors as selectors

    return selectors.totals(period), selectors.totals_by_district(period)


def aggregate_naive(period):
    """What a first version would do: walk the assignments, read each unit's report and district, sum in Python."""
    from coordination.models import UnitReport
    from org.models import Unit, UnitKind

    totals, by_district = defaultdict(Decimal), defaultdict(lambda: defaultdict(Decimal))
    for assignment in period.directive.assignments.filter(unit__kind=UnitKind.COMMUNE):
        report = UnitReport.objects.filter(assignment=assignment).first()
        if report is None or report.status != UnitReport.Status.ACCEPTED:
            continue
        unit = Unit.objects.get(pk=assignment.unit_id)
        for indicator in period.indicators:
            value = report.values.get(indicator["code"])
            if value is None or indicator["kind"] == "choice":
                continue
            number = Decimal(int(value)) if isinstance(value, bool) else Decimal(str(value))
            totals[indicator["code"]] += number
            by_district[unit.parent_id][indicator["code"]] += number
    return totals, by_district


def count_queries(fn) -> int:
    connection.queries_log.clear()  # a full log (9,000 entries) would make every count 0
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def http_get(client, url):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from django.test import Client

        from config.demo import seed_demo
        from org.models import User

        seed_demo("2025")
        open_s, period = open_ours()
        naive_open_s = open_naive(period)
        reports = accept_all(period)
        aggregate_s, (city, _districts) = best_of(args.repeat, lambda: aggregate_ours(period))
        aggregate_queries = count_queries(lambda: aggregate_ours(period))
        naive_aggregate_s, (naive_city, _) = best_of(args.repeat, lambda: aggregate_naive(period))
        naive_queries = count_queries(lambda: aggregate_naive(period))
        assert Decimal(str(city["values"]["sms_sent"])) == naive_city["sms_sent"]
        assert Decimal(city["values"]["airtime_own_hours"]) == naive_city["airtime_own_hours"]

        client = Client()
        client.force_login(User.objects.get(username="phongtt"))
        page_url, xlsx_url = f"/coordination/reports/{period.pk}/", f"/coordination/reports/{period.pk}/export.xlsx"
        page_queries = http_get(client, page_url)
        page_s, _ = best_of(args.repeat, lambda: http_get(client, page_url))
        xlsx_queries = http_get(client, xlsx_url)
        xlsx_s, _ = best_of(args.repeat, lambda: http_get(client, xlsx_url))
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    units = 556
    open_ratio = naive_open_s / open_s if open_s else 0
    aggregate_ratio = naive_aggregate_s / aggregate_s if aggregate_s else 0
    print(f"{'step':<44}{'units':>7}{'seconds':>10}{'queries':>9}")
    print(f"{'open period (bulk nested fan-out)':<44}{units:>7}{open_s:>10.3f}{'':>9}")
    print(f"{'naive: StartHandle.run() per unit':<44}{units:>7}{naive_open_s:>10.3f}{'':>9}")
    print(f"{'aggregate in the database':<44}{reports:>7}{aggregate_s:>10.4f}{aggregate_queries:>9}")
    print(f"{'naive: per-unit reads, sum in Python':<44}{reports:>7}{naive_aggregate_s:>10.4f}{naive_queries:>9}")
    print(f"{'aggregate page (HTTP)':<44}{reports:>7}{page_s:>10.4f}{page_queries:>9}")
    print(f"{'XLSX export (HTTP)':<44}{reports:>7}{xlsx_s:>10.4f}{xlsx_queries:>9}")
    print(f"ratio naive/ours: open {open_ratio:.1f}x, aggregate {aggregate_ratio:.1f}x on {db}")
    print(json.dumps({
        "units": units, "reports": reports, "open_s": round(open_s, 3), "naive_open_s": round(naive_open_s, 3),
        "open_ratio": round(open_ratio, 2), "aggregate_s": round(aggregate_s, 4),
        "naive_aggregate_s": round(naive_aggregate_s, 4), "aggregate_ratio": round(aggregate_ratio, 2),
        "aggregate_queries": aggregate_queries, "naive_aggregate_queries": naive_queries,
        "page_s": round(page_s, 4), "page_queries": page_queries, "xlsx_s": round(xlsx_s, 4),
        "xlsx_queries": xlsx_queries, "db": db,
    }))


if __name__ == "__main__":
    main()
