"""Fan-out benchmark: one directive to N generated communes, against a naive loop of one
StartHandle.run() per unit (each its own transaction), measured in the same run on a fresh test database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/fanout.py --units 556

And against a floor: the time to write exactly the rows the fan-out wrote (every table that gained rows, the
same rows) into temporary copies of those tables (LIKE ... INCLUDING ALL: the same indexes, NOT NULL and CHECK
constraints, but no foreign keys, and a temporary table writes no WAL), by one COPY per table on PostgreSQL
(executemany on SQLite), in one transaction, timed up to before its commit: no ORM, no flow, no locks taken, no
ids drawn. So the floor leaves out what any write of these rows into the real tables pays: ~33,000 foreign-key
checks at commit for 3,321 units, and the WAL.
The last line is one JSON object: units, fanout_s, naive_s, ratio, floor_s, floor_ratio (fanout_s/floor_s),
tables (rows written per table), db."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "0"  # the approval only enqueues; the fan-out is timed directly

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import get_runner  # noqa: E402


def build_org(n: int):
    from config.demo import seed_demo
    from org.models import Structure, Unit, UnitKind
    from org.services import UnitSpec, units_sync

    seed_demo("current")
    specs = [UnitSpec(code="B000", name="Quận Thử nghiệm", kind=UnitKind.DISTRICT, structure=Structure.CURRENT,
                      parent_code="01", parent_structure=Structure.CITY)]
    specs += [UnitSpec(code=f"B{i:05d}", name=f"Phường Thử nghiệm {i}", kind=UnitKind.COMMUNE,
                       structure=Structure.CURRENT, parent_code="B000") for i in range(2 * n)]
    units_sync(specs)
    communes = list(Unit.objects.filter(code__startswith="B0", kind=UnitKind.COMMUNE).order_by("code"))
    return communes[:n], communes[n:]


def approved_directive(units):
    """Issue and approve through the flow; with HUEY_IMMEDIATE off the fan-out job is only enqueued."""
    from coordination.models import Urgency
    from org.models import Unit, User
    from workflows import engine
    from workflows.directive import services as directive_services
    from workflows.directive import steps as directive_steps
    from workflows.directive.flow import DirectiveFlow

    directive = directive_services.directive_start(
        user=User.objects.get(username="phongtt"), issuing_unit=Unit.objects.get(code="SVHTT-TTBCXB"),
        title="Bench", instructions="", urgency=Urgency.objects.get(code="khan"),
        target_spec={"units": [u.pk for u in units]},
    )
    task = engine.open_task(directive, DirectiveFlow.approve)
    engine.task_run(task, User.objects.get(username="giamdoc"), directive_steps.approve_step, approve=True)
    return directive


def naive(units) -> float:
    from coordination.models import Assignment, Directive
    from workflows.directive.flow import UnitAssignmentFlow

    directive = Directive.objects.order_by("pk").first()
    start = time.perf_counter()
    for unit in units:
        assignment = Assignment.objects.create(directive=directive, unit=unit, deadline=directive.deadline)
        UnitAssignmentFlow.start.run(assignment=assignment)
    return time.perf_counter() - start


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def floor(before: dict[str, int], after: dict[str, int]) -> tuple[float, dict[str, int]]:
    """Time one raw bulk write of the rows the fan-out added (read back first, outside the timing)."""
    from django.db import transaction

    grown = {t: after[t] - before.get(t, 0) for t in after if after[t] > before.get(t, 0)}
    rows = {}
    with connection.cursor() as cursor:
        for table, n in grown.items():
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1 DESC LIMIT {n}')
            rows[table] = ([c.name for c in cursor.description], cursor.fetchall())
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in rows:
            like = f'(LIKE "{table}" INCLUDING ALL)' if postgres else f'AS SELECT * FROM "{table}" WHERE 0'
            cursor.execute(f'CREATE TEMP TABLE "floor_{table}" {like}')
        start = time.perf_counter()
        for table, (columns, data) in rows.items():
            names = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                with cursor.cursor.copy(f'COPY "floor_{table}" ({names}) FROM STDIN') as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f'INSERT INTO "floor_{table}" ({names}) VALUES ({marks})', data)
        floor_s = time.perf_counter() - start
        for table in rows:
            cursor.execute(f'DROP TABLE "floor_{table}"')
    return floor_s, grown


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=556)
    args = parser.parse_args()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        ours_units, naive_units = build_org(args.units)
        from workflows.directive import services as directive_services

        directive = approved_directive(ours_units)
        before = row_counts()
        start = time.perf_counter()
        created = directive_services.fan_out(directive.pk)
        fanout_s = time.perf_counter() - start
        assert created == args.units, created
        floor_s, tables = floor(before, row_counts())
        naive_s = naive(naive_units)
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    ratio = naive_s / fanout_s if fanout_s else 0
    print(f"{'method':<28}{'units':>8}{'seconds':>10}{'units/s':>10}")
    print(f"{'fan-out (one transaction)':<28}{args.units:>8}{fanout_s:>10.2f}{args.units / fanout_s:>10.0f}")
    print(f"{'naive StartHandle loop':<28}{args.units:>8}{naive_s:>10.2f}{args.units / naive_s:>10.0f}")
    print(f"{'floor: raw bulk write':<28}{args.units:>8}{floor_s:>10.2f}{args.units / floor_s:>10.0f}")
    print("rows per table: " + ", ".join(f"{t} {n}" for t, n in sorted(tables.items())))
    print(f"ratio naive/fan-out: {ratio:.1f}x; fan-out/floor: {fanout_s / floor_s:.1f}x on {db}")
    print(json.dumps({"units": args.units, "fanout_s": round(fanout_s, 3), "naive_s": round(naive_s, 3),
                      "ratio": round(ratio, 2), "floor_s": round(floor_s, 3),
                      "floor_ratio": round(fanout_s / floor_s, 2), "tables": tables, "db": db}))


if __name__ == "__main__":
    main()
