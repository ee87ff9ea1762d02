"""Managers' dashboard benchmark: server time of /dashboard/ and /dashboard/map/ (through Django's test client:
the whole request, templates included) for the 2025 demo with 10,000 and then 100,000 generated assignments,
against a naive per-unit baseline measured in the same run (one set of queries per unit, counted in Python, as a
page without GROUP BY would do). On PostgreSQL when DATABASE_URL is set, SQLite otherwise; a fresh test database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/dashboard.py --sizes 10000,100000
The last line is one JSON object: db, and per size the dashboard, map and naive seconds and query counts."""

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
            results.append({"assignments": size, "dashboard_s": round(dash_s, 3), "dashboard_queries": dash_q,
                            "map_s": round(map_s, 3), "map_queries": map_q, "naive_s": round(naive_s, 3),
                            "naive_queries": naive_q, "ratio": round(naive_s / dash_s, 2) if dash_s else 0})
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    print(f"{'assignments':>12}{'dashboard s':>13}{'queries':>9}{'map s':>9}{'queries':>9}"
          f"{'naive s':>10}{'queries':>9}{'naive/dash':>12}")
    for r in results:
        print(f"{r['assignments']:>12}{r['dashboard_s']:>13.3f}{r['dashboard_queries']:>9}{r['map_s']:>9.3f}"
              f"{r['map_queries']:>9}{r['naive_s']:>10.3f}{r['naive_queries']:>9}{r['ratio']:>11.1f}x")
    print(f"on {db}; the naive baseline only counts the per-unit table (it draws nothing)")
    print(json.dumps({"db": db, "results": results}))


if __name__ == "__main__":
    main()
