"""Fan-out benchmark: one directive to N generated communes, against a naive loop of one
StartHandle.run() per unit (each its own transaction), measured in the same run on a fresh test database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs .venv/bin/python bench/fanout.py --units 556
The last line is one JSON object: units, fanout_s, naive_s, ratio, db."""

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
        start = time.perf_counter()
        created = directive_services.fan_out(directive.pk)
        fanout_s = time.perf_counter() - start
        assert created == args.units, created
        naive_s = naive(naive_units)
    finally:
        runner.teardown_databases(old)
    db = connection.vendor
    ratio = naive_s / fanout_s if fanout_s else 0
    print(f"{'method':<28}{'units':>8}{'seconds':>10}{'units/s':>10}")
    print(f"{'fan-out (one transaction)':<28}{args.units:>8}{fanout_s:>10.2f}{args.units / fanout_s:>10.0f}")
    print(f"{'naive StartHandle loop':<28}{args.units:>8}{naive_s:>10.2f}{args.units / naive_s:>10.0f}")
    print(f"ratio naive/fan-out: {ratio:.1f}x on {db}")
    print(json.dumps({"units": args.units, "fanout_s": round(fanout_s, 3), "naive_s": round(naive_s, 3),
                      "ratio": round(ratio, 2), "db": db}))


if __name__ == "__main__":
    main()
