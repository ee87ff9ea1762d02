"""Managers' dashboard benchmark: server time of /dashboard/ and /dashboard/map/ (through Django's test client:
the whole request, templates included) for the 2025 demo with 10,000 and then 100,000 generated assignments,
against a naive per-unit baseline measured in the same run (one set of queries per unit, counted in Python, as a
page without GROUP BY would do). The air-schedule calendar too: the week page of the commune with the most air
plans (its busiest week), its iCalendar export, and one bulletin across units (the bulletin with the most plans)
against a naive per-unit loop (each unit's plans and assignment read one by one). On PostgreSQL when DATABASE_URL
is set, SQLite otherwise; a fresh test database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/dashboard.py --sizes 10000,100000
The last line is one JSON object: db, and per size the dashboard, map, naive, calendar, iCalendar, bulletin
calendar and naive bulletin calendar seconds and query counts."""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment  # noqa: E402

REPEAT = 3


def timed(call) -> tuple[float, int]:
    """Median seconds over REPEAT runs (after one warm-up), and the queries of one run."""
    call()
    seconds = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), len(ctx.captured_queries)


def ok(response):
    assert response.status_code == 200, response.status_code
    return response


def naive_per_unit(filters, now):
    """What a first version would do: for each unit, its assignments read and counted in Python."""
    from coordination.models import Assignment, AssignmentEvent
    from dashboard.selectors import broadcast_directive_ids, scope_assignments, units_of
    from org.services import MACHINE_USERNAME

    broadcast = set(broadcast_directive_ids().values_list("directive_ref", flat=True))
    rows = []
    for unit in units_of(filters):
        work = list(scope_assignments(filters).filter(unit=unit))
        logged = set(AssignmentEvent.objects.filter(assignment__in=work, kind="reported",
                                                    actor__username=MACHINE_USERNAME).values_list("assignment_id",
                                                                                                  flat=True))
        late = sum(1 for a in work if (a.reported_at and a.reported_at > a.deadline)
                   or (not a.reported_at and a.status != "accepted" and a.deadline < now))
        rows.append((unit.pk, len(work), sum(1 for a in work if a.received_at), late,
                     sum(1 for a in work if a.status not in Assignment.CLOSED),
                     sum(1 for a in work if a.directive_id in broadcast and a.pk in logged)))
    return rows


def naive_bulletin_calendar(filters, bulletin_id):
    """What a first version of the bulletin-across-units page would do: for each unit, its plans of the bulletin and
    its assignment of the broadcast read one by one, the bulletin looked up for each given time."""
    from broadcast.models import AirPlan
    from coordination.models import Assignment
    from dashboard.selectors import _bulletin_processes, _hanoi, units_of
    from editorial.models import Bulletin

    directives = list(_bulletin_processes().filter(artifact_object_id=bulletin_id).values_list("directive_ref",
                                                                                               flat=True))
    rows = []
    for unit in units_of(filters):
        plans = list(AirPlan.objects.filter(unit=unit, bulletin_id=bulletin_id).exclude(status="withdrawn"))
        for plan in plans:
            rows += [(unit.pk, _hanoi(t), plan.duration_seconds * plan.repetitions) for t in plan.times]
        if plans:
            continue
        for assignment in Assignment.objects.filter(unit=unit, directive_id__in=directives).exclude(status="cancelled"):
            given = _hanoi((assignment.report_figures or {}).get("planned_air_at"))
            if given is not None:
                rows.append((unit.pk, given, Bulletin.objects.get(pk=bulletin_id).estimated_air_seconds))
    return sorted(rows, key=lambda r: r[1])


def calendar_subjects():
    """The commune with the most air plans, its busiest ISO week, and the bulletin with the most plans."""
    from collections import Counter

    from django.db.models import Count

    from broadcast.models import AirPlan
    from dashboard.selectors import _hanoi, iso_week, week_monday

    unit_id = (AirPlan.objects.values("unit_id").annotate(n=Count("pk")).order_by("-n", "unit_id")[0]["unit_id"])
    weeks = Counter(iso_week(week_monday(None, _hanoi(t).date()))
                    for times in AirPlan.objects.filter(unit_id=unit_id).values_list("times", flat=True) for t in times)
    bulletin_id = (AirPlan.objects.values("bulletin_id").annotate(n=Count("pk"))
                   .order_by("-n", "bulletin_id")[0]["bulletin_id"])
    return unit_id, weeks.most_common(1)[0][0], bulletin_id


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    setup_test_environment()  # the test client's host, in-memory mail
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    results = []
    try:
        from django.test import Client
        from django.utils import timezone

        from config.demo import seed_demo
        from dashboard.sample import work_sample_create
        from dashboard.selectors import Filters, Period
        from org.models import Structure, User

        seed_demo("2025")
        now = timezone.now()
        client = Client()
        client.force_login(User.objects.get(username="quanly"))
        year = 2025  # the seeded plan's year (its 32 topics)
        params = {"period": "year", "year": year, "structure": "2025"}
        filters = Filters(period=Period("year", year), structure=Structure.Y2025)
        made = 0
        for seed, size in enumerate(sizes):
            work_sample_create(assignments=size - made, structure=Structure.Y2025, now=now, year=year, seed=seed)
            made = size
            dash_s, dash_q = timed(lambda: ok(client.get("/dashboard/", params)))
            map_s, map_q = timed(lambda: ok(client.get("/dashboard/map/", params)))
            naive_s, naive_q = timed(lambda: naive_per_unit(filters, now))
            unit_id, week, bulletin_id = calendar_subjects()
            week_params = {"unit": unit_id, "week": week}
            across_url = f"/dashboard/calendar/bulletin/{bulletin_id}/"
            cal_s, cal_q = timed(lambda p=week_params: ok(client.get("/dashboard/calendar/", p)))
            ics_s, ics_q = timed(lambda p=week_params: ok(client.get("/dashboard/calendar/export.ics", p)))
            across_s, across_q = timed(lambda u=across_url: ok(client.get(u)))
            naive_cal_s, naive_cal_q = timed(lambda b=bulletin_id: naive_bulletin_calendar(filters, b))
            results.append({"assignments": size, "dashboard_s": round(dash_s, 3), "dashboard_queries": dash_q,
                            "map_s": round(map_s, 3), "map_queries": map_q, "naive_s": round(naive_s, 3),
                            "naive_queries": naive_q, "ratio": round(naive_s / dash_s, 2) if dash_s else 0,
                            "calendar_s": round(cal_s, 3), "calendar_queries": cal_q, "ics_s": round(ics_s, 3),
                            "ics_queries": ics_q, "bulletin_calendar_s": round(across_s, 3),
                            "bulletin_calendar_queries": across_q, "naive_bulletin_calendar_s": round(naive_cal_s, 3),
                            "naive_bulletin_calendar_queries": naive_cal_q,
                            "bulletin_calendar_ratio": round(naive_cal_s / across_s, 2) if across_s else 0})
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    print(f"{'assignments':>12}{'dashboard s':>13}{'queries':>9}{'map s':>9}{'queries':>9}"
          f"{'naive s':>10}{'queries':>9}{'naive/dash':>12}")
    for r in results:
        print(f"{r['assignments']:>12}{r['dashboard_s']:>13.3f}{r['dashboard_queries']:>9}{r['map_s']:>9.3f}"
              f"{r['map_queries']:>9}{r['naive_s']:>10.3f}{r['naive_queries']:>9}{r['ratio']:>11.1f}x")
    print(f"{'assignments':>12}{'calendar s':>12}{'queries':>9}{'ics s':>9}{'queries':>9}{'bulletin s':>12}"
          f"{'queries':>9}{'naive s':>10}{'queries':>9}{'naive/bull.':>12}")
    for r in results:
        print(f"{r['assignments']:>12}{r['calendar_s']:>12.3f}{r['calendar_queries']:>9}{r['ics_s']:>9.3f}"
              f"{r['ics_queries']:>9}{r['bulletin_calendar_s']:>12.3f}{r['bulletin_calendar_queries']:>9}"
              f"{r['naive_bulletin_calendar_s']:>10.3f}{r['naive_bulletin_calendar_queries']:>9}"
              f"{r['bulletin_calendar_ratio']:>11.1f}x")
    print(f"on {db}; the naive baselines only read what the pages show (they draw nothing)")
    print(json.dumps({"db": db, "results": results}))


if __name__ == "__main__":
    main()
