"""Pages at scale: p50/p95 server time (Django's test client: the whole request, templates included) and query count
of the inbox, the unit queue, the archive, a directive's page, the dashboard and the notification list, for a
commune officer, a district officer and a leader (giamdoc), with about 1,000 and then about 1,000,000 viewflow
tasks in the same run (the 1k figures are the baseline). On PostgreSQL (a fresh test database, dropped at the end).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ttcs_pages .venv/bin/python bench/pages.py --tasks 1000,1000000

The rows are written in bulk by SQL (generate_series, INSERT … SELECT), not through the flows, in the shapes the
flows write them: the 2025 units and demo people (config.demo.seed_demo), users up to --users with a membership
each, directives with their DirectiveFlow process and tasks, one assignment per target unit with its
UnitAssignmentFlow process and tasks, two notifications per assignment for the unit's officer. The first size is
the live work: three directives to 90 units, each assignment waiting to be received (a queue task), received and
being reported (a task in its officer's inbox) or closed; growing to the next sizes adds closed history only
(directives to all 556 units of 2025, every step done, one every 3.65 days over three years), as years of work
would: the open work stays the same, the tables grow. Not written: viewflow's task-to-task links, simple_history rows,
assignment events.

A viewer who may not open a page gets its status (403) in the table instead of a time. At the last size, `wrk`
(Debian's) requests the commune officer's inbox through nginx for --wrk seconds, deploy/prod-local.sh serving
this run's database with 2 daphne processes, then with one of them stopped ("wrk": {"rps_1", "rps_2"}; null with
the reason printed when wrk or nginx is missing or --wrk 0).
The last line is one JSON object: per page and viewer ("inbox/commune", …) p50/p95 ms and queries at each size,
and per page (the worst viewer) {"p95_ms_1k", "p95_ms_1m", "queries_1k", "queries_1m"}."""

import argparse
import json
import logging
import math
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["HUEY_IMMEDIATE"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment  # noqa: E402

UAF = "workflows/directive.flow.UnitAssignmentFlow"
DF = "workflows/directive.flow.DirectiveFlow"
LIVE_UNITS = 90  # units of each live directive
LIVE_DIRECTIVES = 3
CHUNK = 20  # history directives per INSERT round


def _sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall() if cursor.description else None


def _max_id(table):
    return _sql(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')[0][0]


def _resync(*tables):
    for table in tables:
        _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT GREATEST(MAX(id), 1) FROM \"{table}\"))")


def task_count():
    return _sql("SELECT COUNT(*) FROM viewflow_task")[0][0]


def build_base(users: int):
    """The 2025 units and demo people, users up to `users` (a commune membership each), and the bench_units table:
    every local unit in order (the commune and the district viewers' units first) with its demo officer."""
    from config.demo import seed_demo
    from org.models import Membership, Role, Structure, Unit, UnitKind, User

    seed_demo("2025")
    extra = users - User.objects.count()
    communes = list(Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.COMMUNE).order_by("pk")
                    .values_list("pk", flat=True))
    if extra > 0:
        _sql("""INSERT INTO org_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                    is_active, date_joined, full_name, job_title, phone)
                SELECT '!', false, 'bench_u' || g, '', '', '', false, true, now(), 'Cán bộ thử ' || g, '', ''
                FROM generate_series(1, %s) g""", [extra])
        _sql("""INSERT INTO org_membership (role, is_leader, created_at, user_id, unit_id)
                SELECT %s, false, now(), u.id, (%s::bigint[])[1 + (u.id %% %s)]
                FROM org_user u WHERE u.username LIKE 'bench\\_u%%'""",
             [Role.COMMUNE_OFFICER.value, communes, len(communes)])
    officers = {}
    for user_id, unit_id in (Membership.objects.filter(role__in=[Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER],
                                                       unit__structure=Structure.Y2025)
                             .exclude(user__username__startswith="bench_u").order_by("pk")
                             .values_list("user_id", "unit_id")):
        officers.setdefault(unit_id, user_id)
    district = Unit.objects.filter(structure=Structure.Y2025, kind=UnitKind.DISTRICT).order_by("pk").first()
    commune = Unit.objects.filter(parent=district, kind=UnitKind.COMMUNE).order_by("pk").first()
    local = [commune.pk, district.pk] + [pk for pk in sorted(officers) if pk not in (commune.pk, district.pk)]
    _sql("CREATE TABLE bench_units (idx int PRIMARY KEY, unit_id bigint, officer_id bigint)")
    _sql("INSERT INTO bench_units SELECT i, u, o FROM unnest(%s::bigint[], %s::bigint[]) WITH ORDINALITY AS t(u, o, i)",
         [local, [officers[pk] for pk in local]])
    viewers = {"commune": User.objects.get(pk=officers[commune.pk]),
               "district": User.objects.get(pk=officers[district.pk]),
               "leader": User.objects.get(username="giamdoc")}
    return viewers, len(local)


def add_directives(first: int, count: int, units: int, *, live: bool, now):
    """`count` directives numbered from `first`, each to the first `units` of bench_units, with their processes,
    tasks, assignments and notifications. Live: states by (unit + directive) mod 3 (queue, in an inbox, closed);
    history: every assignment closed, created up to three years back."""
    from django.contrib.contenttypes.models import ContentType

    from coordination.models import Assignment, Directive, Urgency
    from org.models import Unit, User

    ct = {m: ContentType.objects.get_for_model(m).pk for m in (Directive, Assignment, Unit)}
    leader = User.objects.get(username="giamdoc").pk
    author = User.objects.get(username="phongtt").pk
    issuer = Unit.objects.get(code="SVHTT-TTBCXB").pk
    urgency = Urgency.objects.order_by("pk").values_list("pk", flat=True)[0]
    d0, a0, p0 = _max_id("coordination_directive"), _max_id("coordination_assignment"), _max_id("viewflow_process")
    state = "(CASE (u.idx + d.g) %% 3 WHEN 0 THEN 'ack' WHEN 1 THEN 'report' ELSE 'closed' END)" if live \
        else "'closed'"
    # the directives: live ones created a day ago, history spread over three years before
    created = "(%(now)s::timestamptz - interval '1 day' - d.g * interval '1 hour')" if live \
        else "(%(now)s::timestamptz - interval '3 days' - d.g * interval '3.65 days')"
    params = {"now": now, "first": first, "last": first + count - 1, "d0": d0, "a0": a0, "p0": p0, "units": units,
              "count": count, "leader": leader, "author": author, "issuer": issuer, "urgency": urgency,
              "ct_d": ct[Directive], "ct_a": ct[Assignment], "ct_u": ct[Unit], "live": live}
    with transaction.atomic(), connection.cursor() as c:
        c.execute(f"""CREATE TEMP TABLE bench_d ON COMMIT DROP AS
            SELECT g, %(d0)s + g - %(first)s + 1 AS did, %(p0)s + g - %(first)s + 1 AS pid, {created} AS at
            FROM generate_series(%(first)s, %(last)s) AS d(g)""", params)
        c.execute(f"""CREATE TEMP TABLE bench_a ON COMMIT DROP AS
            SELECT d.did, d.at, u.unit_id, u.officer_id, {state} AS state,
                   %(a0)s + (d.g - %(first)s) * %(units)s + u.idx AS aid,
                   %(p0)s + %(count)s + (d.g - %(first)s) * %(units)s + u.idx AS pid
            FROM bench_d d JOIN bench_units u ON u.idx <= %(units)s""", params)
        c.execute("""INSERT INTO coordination_directive (id, title, instructions, deadline, target_spec,
                report_requirements, status, approved_at, approval_comment, fanout_total, fanout_done, summary,
                cancel_reason, created_at, closed_at, approved_by_id, created_by_id, issuing_unit_id, urgency_id,
                relay_through_districts)
            SELECT did, 'Văn bản thử nghiệm số ' || g, 'Nội dung chỉ đạo ' || g, at + interval '5 days',
                   '{"units": [], "structure": "2025"}', '["text"]',
                   CASE WHEN %(live)s THEN 'in_progress' ELSE 'closed' END, at + interval '1 hour', '',
                   %(units)s, %(units)s, '', '', at, CASE WHEN %(live)s THEN NULL ELSE at + interval '6 days' END,
                   %(leader)s, %(author)s, %(issuer)s, %(urgency)s, false
            FROM bench_d""", params)
        c.execute("""INSERT INTO coordination_assignment (id, status, deadline, received_at, reported_at, closed_at,
                overdue_since, report_text, report_figures, return_comment, cancel_reason, relayed, created_at,
                assignee_id, parent_id, received_by_id, unit_id, directive_id)
            SELECT aid, CASE state WHEN 'ack' THEN 'pending' WHEN 'report' THEN 'received' ELSE 'accepted' END,
                   at + interval '5 days', CASE WHEN state <> 'ack' THEN at + interval '3 hours' END,
                   CASE WHEN state = 'closed' THEN at + interval '2 days' END,
                   CASE WHEN state = 'closed' THEN at + interval '3 days' END, NULL,
                   CASE WHEN state = 'closed' THEN 'Đã thực hiện' ELSE '' END, '{}', '', '', false,
                   at + interval '1 hour', CASE WHEN state <> 'ack' THEN officer_id END, NULL,
                   CASE WHEN state <> 'ack' THEN officer_id END, unit_id, did
            FROM bench_a""", params)
        c.execute("""INSERT INTO viewflow_process (id, flow_class, status, created, finished,
                artifact_content_type_id, artifact_object_id, data)
            SELECT pid, %(df)s, CASE WHEN %(live)s THEN 'NEW' ELSE 'DONE' END, at,
                   CASE WHEN %(live)s THEN NULL ELSE at + interval '6 days' END, %(ct_d)s, did, '{}'::jsonb FROM bench_d
            UNION ALL
            SELECT pid, %(uaf)s, CASE WHEN state = 'closed' THEN 'DONE' ELSE 'NEW' END, at + interval '1 hour',
                   CASE WHEN state = 'closed' THEN at + interval '3 days' END, %(ct_a)s, aid, '{}'::jsonb
            FROM bench_a""",
                  {**params, "df": DF, "uaf": UAF})
        # the steps: (node, type, permission, owner, finished after, step number, needed state)
        c.execute("""INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, started, finished, token,
                owner_permission, owner_id, process_id, owner_permission_content_type_id, owner_permission_obj_pk,
                assigned, data)
            SELECT %(df)s || '.' || s.node, s.kind,
                   CASE WHEN s.node = 'wait_assignments' AND %(live)s THEN 'NEW' ELSE 'DONE' END,
                   d.at + s.n * interval '10 minutes', d.at + s.n * interval '10 minutes',
                   CASE WHEN s.node = 'wait_assignments' AND %(live)s THEN NULL
                        ELSE d.at + s.n * interval '10 minutes' + interval '5 minutes' END, 'start',
                   s.perm, CASE s.node WHEN 'approve' THEN %(leader)s WHEN 'close' THEN %(author)s END, d.pid,
                   NULL, NULL, NULL, '{}'
            FROM bench_d d CROSS JOIN (VALUES ('start', 'START', NULL, 0), ('approve', 'HUMAN',
                   'coordination.approve_directive', 1), ('check_approval', 'EXCLUSIVE_GATEWAY', NULL, 2),
                   ('fan_out', 'FUNCTION', NULL, 3), ('wait_assignments', 'FUNCTION', NULL, 4),
                   ('close', 'HUMAN', NULL, 5)) AS s(node, kind, perm, n)
            WHERE s.node <> 'close' OR NOT %(live)s""", {**params, "df": DF})
        c.execute("""INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, started, finished, token,
                owner_permission, owner_id, process_id, owner_permission_content_type_id, owner_permission_obj_pk,
                assigned, data)
            SELECT %(uaf)s || '.' || s.node, s.kind, CASE WHEN o.open THEN (CASE WHEN a.state = 'ack' THEN 'NEW'
                   ELSE 'ASSIGNED' END) ELSE 'DONE' END,
                   a.at + interval '1 hour' + s.n * interval '7 hours',
                   a.at + interval '1 hour' + s.n * interval '7 hours',
                   CASE WHEN NOT o.open THEN a.at + interval '2 hours' + s.n * interval '7 hours' END,
                   'start', s.perm,
                   CASE WHEN s.node = 'acknowledge' AND a.state = 'ack' THEN NULL
                        WHEN s.node IN ('acknowledge', 'report') THEN a.officer_id
                        WHEN s.node = 'review' THEN %(author)s END, a.pid,
                   CASE WHEN s.perm IS NOT NULL THEN %(ct_u)s END,
                   CASE WHEN s.node = 'review' THEN %(issuer)s::text WHEN s.perm IS NOT NULL THEN a.unit_id::text END,
                   CASE WHEN s.node = 'report' AND a.state = 'report' THEN a.at + interval '4 hours' END, '{}'
            FROM bench_a a CROSS JOIN (VALUES ('start', 'START', NULL, 0),
                   ('acknowledge', 'HUMAN', 'org.act_for_unit', 1), ('report', 'HUMAN', 'org.act_for_unit', 2),
                   ('review', 'HUMAN', 'org.act_for_unit', 3),
                   ('check_review', 'EXCLUSIVE_GATEWAY', NULL, 4), ('end', 'END', NULL, 5)) AS s(node, kind, perm, n)
                 CROSS JOIN LATERAL (SELECT (a.state = 'ack' AND s.node = 'acknowledge')
                                            OR (a.state = 'report' AND s.node = 'report') AS open) AS o(open)
            WHERE a.state = 'closed' OR s.n <= CASE a.state WHEN 'ack' THEN 1 ELSE 2 END""",
                  {**params, "uaf": UAF})
        c.execute("""INSERT INTO notifications_notification (kind, level, title, body, link, dedupe_key, created_at,
                read_at, email_due_at, emailed_at, actor_id, recipient_id, email_claimed_at)
            SELECT k.kind, 'info', k.title || a.did, '', '/hop-viec/directives/' || a.did || '/', NULL,
                   a.at + k.n * interval '2 days', CASE WHEN a.state = 'closed' THEN a.at + interval '3 days' END,
                   NULL, NULL, NULL, a.officer_id, NULL
            FROM bench_a a CROSS JOIN (VALUES ('directive_received', 'Văn bản chỉ đạo mới: số ', 0),
                   ('report_accepted', 'Báo cáo được chấp nhận: số ', 1)) AS k(kind, title, n)
            WHERE k.n = 0 OR a.state = 'closed'""", params)
    _resync("coordination_directive", "coordination_assignment", "viewflow_process")
    return d0 + 1  # the first directive's id


def grow_to(target: int, first_g: int, units: int, now) -> int:
    """Add closed history directives (CHUNK at a time) until there are `target` tasks; the next directive number."""
    per_directive = units * 6 + 6
    g = first_g
    while (have := task_count()) < target:
        count = min(CHUNK, max(1, math.ceil((target - have) / per_directive)))
        add_directives(g, count, units, live=False, now=now)
        g += count
        print(f"  … {task_count():,} tasks", file=sys.stderr, flush=True)
    vacuum()
    return g


def vacuum():
    """VACUUM ANALYZE the grown tables: fresh statistics and visibility maps, and no autovacuum of a million new
    rows competing with the timed requests. org_unit too: the 2025 units seeded a moment ago have no statistics
    yet (autovacuum would have analyzed them long before a database holds years of work); without them PostgreSQL
    takes the 556 units of a structure for one and plans the dashboard's aggregates as a loop over units."""
    for table in ("viewflow_task", "viewflow_process", "coordination_directive", "coordination_assignment",
                  "notifications_notification", "org_user", "org_membership", "org_unit"):
        _sql(f'VACUUM ANALYZE "{table}"')


def measure(client, url: str, warmup: int, repeat: int) -> dict:
    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    for _ in range(warmup):
        client.get(url)
    seconds, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    seconds.sort()
    p95 = seconds[max(0, math.ceil(0.95 * len(seconds)) - 1)]
    return {"status": 200, "p50_ms": round(statistics.median(seconds) * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "queries": Counter(queries).most_common(1)[0][0], "queries_max": max(queries)}


def wrk_inbox(client, seconds: int) -> dict:
    """Requests/s of the inbox through nginx (deploy/prod-local.sh: 2 daphne processes, 2 huey consumers) on this
    run's database, as `client`'s user (its session cookie): first with both daphne processes, then with one
    (the other stopped; nginx passes its share to the one left). Returns rps_1, rps_2 and why, when not measured."""
    import re
    import shutil
    import subprocess
    from urllib.parse import quote

    from bench.prodlocal import ProdLocal

    if not shutil.which("wrk") or not shutil.which("nginx"):
        return {"rps_1": None, "rps_2": None, "reason": "wrk or nginx not installed (apt-get install -y wrk nginx)"}
    db = connection.settings_dict
    port, web = 18380, (18381, 18382)
    database_url = f"postgres://{quote(db['USER'] or '')}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = f"http://127.0.0.1:{port}/hop-viec/"

    def rps():
        out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
        if "Non-2xx" in out:
            raise RuntimeError(f"wrk saw non-2xx answers:\n{out}")
        return round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1)

    prod = ProdLocal(port, web, database_url)
    try:
        prod.__enter__()
    except RuntimeError as exc:
        return {"rps_1": None, "rps_2": None, "reason": str(exc)[-300:]}
    try:
        status = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"Cookie: {cookie}",
                                 url], capture_output=True, text=True, timeout=30).stdout
        if status != "200":
            return {"rps_1": None, "rps_2": None, "reason": f"the inbox through nginx answered {status}"}
        rps_2 = rps()
        try:
            prod.kill_web(1)  # nginx passes its share to the one left
        except RuntimeError as exc:
            return {"rps_1": None, "rps_2": rps_2, "reason": str(exc)}
        return {"rps_1": rps(), "rps_2": rps_2, "reason": ""}
    finally:
        prod.__exit__()

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", default="1000,1000000", help="sizes in tasks, the first the baseline")
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--wrk", type=int, default=15, metavar="SECONDS",
                        help="wrk run of the inbox through the proxy at the last size, 1 vs 2 daphne (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the test database (to EXPLAIN the pages' queries)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.tasks.split(",")]
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py needs PostgreSQL: set DATABASE_URL")
    logging.getLogger("ttcs.request").setLevel(logging.WARNING)  # one log line per request: not what is measured
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    results, built, wrk = {}, {}, {}
    try:
        from django.core.cache import cache
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        cache.clear()
        now = timezone.now()
        start = time.perf_counter()
        viewers, nunits = build_base(args.users)
        directive_id = add_directives(0, LIVE_DIRECTIVES, LIVE_UNITS, live=True, now=now)
        base_s = time.perf_counter() - start
        pages = {"inbox": reverse("work:inbox"), "queue": reverse("unitassignment:queue"),
                 "archive": reverse("unitassignment:archive"),
                 "directive": reverse("coordination:directive_detail", args=[directive_id]),
                 "dashboard": reverse("dashboard:index"), "notifications": reverse("notifications:list")}
        clients = {}
        for name, user in viewers.items():
            clients[name] = Client()
            clients[name].force_login(user)
        g = LIVE_DIRECTIVES
        for size in sizes:
            start = time.perf_counter()
            if size > task_count():
                g = grow_to(size, g, nunits, now)
            vacuum()
            built[size] = {"tasks": task_count(), "build_s": round(time.perf_counter() - start
                                                                   + (base_s if size == sizes[0] else 0), 1)}
            print(f"{built[size]['tasks']:,} tasks built in {built[size]['build_s']} s; measuring", file=sys.stderr,
                  flush=True)
            for page, url in pages.items():
                for viewer, client in clients.items():
                    results.setdefault(f"{page}/{viewer}", {})[size] = measure(client, url, args.warmup, args.repeat)
        wrk = {"rps_1": None, "rps_2": None, "reason": "--wrk 0"}
        if args.wrk:
            try:
                wrk = wrk_inbox(clients["commune"], args.wrk)
            except Exception as error:  # noqa: BLE001  (the pages' figures are printed all the same)
                wrk["reason"] = f"{type(error).__name__}: {error}"
    finally:
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']}", file=sys.stderr)
        else:
            try:
                runner.teardown_databases(old)
            except Exception as error:  # noqa: BLE001  (the figures are printed all the same)
                print(f"could not drop the test database: {error}", file=sys.stderr)

    def cell(r):
        return f"{r['p50_ms']:>8.1f}{r['p95_ms']:>8.1f}{r['queries']:>5}" if r["status"] == 200 \
            else f"{'(' + str(r['status']) + ')':>21}"

    first, last = sizes[0], sizes[-1]
    print("tasks: " + ", ".join(f"{built[s]['tasks']:,} (built in {built[s]['build_s']} s)" for s in sizes)
          + f"; {args.users:,} users; {args.repeat} timed requests after {args.warmup} warm-up")
    print(f"{'page/viewer':<24}" + "".join(f"{'p50 ms':>8}{'p95 ms':>8}{'q':>5}" for _ in sizes)
          + f"{'p95 ratio':>11}{'goal':>6}")
    summary = {}
    for key, per_size in results.items():
        a, b = per_size[first], per_size[last]
        ratio = round(b["p95_ms"] / a["p95_ms"], 2) if a["status"] == b["status"] == 200 else None
        goal = "" if ratio is None else ("ok" if ratio <= 1.5 and a["queries"] == b["queries"] else "MISS")
        print(f"{key:<24}" + "".join(cell(per_size[s]) for s in sizes)
              + (f"{ratio:>10.2f}x" if ratio is not None else f"{'':>11}") + f"{goal:>6}")
        summary[key] = {"p95_ms_1k": a.get("p95_ms"), "p95_ms_1m": b.get("p95_ms"), "queries_1k": a.get("queries"),
                        "queries_1m": b.get("queries"), "p50_ms_1k": a.get("p50_ms"), "p50_ms_1m": b.get("p50_ms"),
                        "status": b["status"], "p95_ratio": ratio}
        page = key.split("/")[0]
        if ratio is not None and (page not in summary or ratio > (summary[page]["p95_ratio"] or 0)):
            summary[page] = {**summary[key], "viewer": key.split("/")[1]}
    if wrk.get("rps_2") is not None:
        print(f"wrk, inbox of the commune officer through nginx at {built[last]['tasks']:,} tasks: "
              f"{wrk['rps_1']} req/s with 1 daphne process, {wrk['rps_2']} with 2")
    else:
        print(f"wrk through the proxy: not measured ({wrk.get('reason', 'the run stopped before')})")
    print(json.dumps({"db": connection.vendor, "tasks": {str(s): built[s]["tasks"] for s in sizes},
                      "build_s": {str(s): built[s]["build_s"] for s in sizes}, "users": args.users,
                      **summary, "wrk": {"rps_1": wrk.get("rps_1"), "rps_2": wrk.get("rps_2")}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
