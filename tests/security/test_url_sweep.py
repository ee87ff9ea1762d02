"""Every URL pattern of the project, as anonymous and as every demo role, with real ids from a walked scenario
and with huge, negative, zero and non-numeric ids; GET, GET with a fuzzed query string, and POST with junk
form data. The oracle: no 5xx anywhere; anonymous gets 200 only on public pages; a commune officer of an
unrelated unit gets 200 on no object page of objects that are not theirs.

One scenario per module (built inside a transaction that is rolled back at the end); every request runs in a
savepoint that is rolled back, so a junk POST cannot change what the next request sees."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from viewflow.workflow.models import Task

from coordination.models import Assignment
from editorial.models import Bulletin, BulletinAudio
from org.models import Unit, User
from reporting.models import UnitReport
from tests.reporting import helpers as reporting
from tests.workflows.bulletin.test_flow import choose, confirm_audio, publish, sign, submitted, through_board
from tests.workflows.directive.helpers import acknowledge, approve, assignment_of, issue, report, review, unit
from workflows.directive import services as directive_services

pytestmark = pytest.mark.django_db  # each test in a savepoint inside the module's scenario transaction

HUGE = [2**63, 2**64, 10**30]
BAD_IDS = [*HUGE, -1, 0, "abc"]
HUGE_TEXT = str(2**64)

ROLES = ["giamdoc", "phogiamdoc", "truongban", "bientap1", "phongtt", "truyenthong", "vanphong", "quanly", "admin"]
DISTRICT_OFFICER = "huyen_dong_anh"  # a target of the directive, relays to two of its communes
TARGET_COMMUNE = "phuong_phuc_xa"  # a target of the directive and of the bulletins
UNRELATED_COMMUNE = "phuong_trang_tien"  # a target of nothing in the scenario
VISITORS = [None, *ROLES, DISTRICT_OFFICER, TARGET_COMMUNE, UNRELATED_COMMUNE]
# The sweep is a third of the suite's time: these visitors are swept by test_url_sweep_leaders.py, a file of its
# own, so that a second pytest-xdist worker takes them while the first takes the others (tests/conftest.py runs
# both files first).
SECOND_FILE_VISITORS = ["giamdoc", "phogiamdoc", "quanly", "truyenthong", "vanphong"]

# What anybody may read without logging in (route prefixes, after the leading slash).
PUBLIC = ("accounts/login/", "admin/login/", "accounts/password_reset/", "accounts/reset/", "jsi18n/",
          "editorial/published/", "editorial/feeds/", "api/v1/openapi.json", "api/v1/docs", "phan-anh/",
          "tin/",  # a propagandist's personal link: its unguessable secret is the key (tests/outreach)
          "healthz", "readyz", "metrics")  # for the proxy and the monitor (/metrics: allowed addresses, tests/ops)
# Object pages meant for everybody (published bulletins are public; the unit directory is read-only for all).
SHARED_OBJECT_PAGES = ("editorial/published/", "media/", "org/unit/", "accounts/reset/", "tin/",
                       "phan-anh/")  # a commune's feedback form; a tracking page, for whoever holds its code

# (pattern name, method) pairs known to be open to an unrelated commune: none.
KNOWN_OPEN: set[tuple[str, str]] = set()


# Ids of stored files: their pages are tests/*/test_file_access.py's (real files, every kind, every reader).
STORED_FILE_IDS = {"attachment_pk", "attachment_id", "evidence_pk"}


@dataclass
class Scenario:
    directive_ids: list[int]
    assignment_ids: list[int]
    bulletin_ids: list[int]
    audio_ids: list[int]
    period_ids: list[int]
    period_unit_ids: list[int]
    period_assignment_ids: list[int]
    open_task_ids: list[int]
    unit_ids: list[int]
    public_media: list[str]
    # flow label -> process ids; (flow label, node name) -> task ids
    feedback_ids: list[int] = field(default_factory=list)
    feedback_codes: list[str] = field(default_factory=list)
    processes: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)


def _u(username: str) -> User:
    return User.objects.get(username=username)


def _walk() -> Scenario:
    capture = TestCase.captureOnCommitCallbacks
    # A directive to two communes and a district, approved and fanned out; the district relays to two of its
    # communes; one commune reports and is accepted. A second directive waits for approval.
    with capture(execute=True):
        directive = issue(_u("phongtt"), [unit(TARGET_COMMUNE), unit("xa_minh_phu"), unit(DISTRICT_OFFICER)])
    with capture(execute=True):
        approve(directive, _u("giamdoc"))
    district = assignment_of(directive, DISTRICT_OFFICER)
    acknowledge(district, _u(DISTRICT_OFFICER))
    with capture(execute=True):
        children = directive_services.relay(assignment=district, user=_u(DISTRICT_OFFICER),
                                                  units=[unit("xa_kim_no"), unit("xa_uy_no")])
    commune = assignment_of(directive, TARGET_COMMUNE)
    acknowledge(commune, _u(TARGET_COMMUNE))
    report(commune, _u(TARGET_COMMUNE))
    with capture(execute=True):
        review(commune, _u("phongtt"))
    with capture(execute=True):
        pending = issue(_u("phongtt"), [unit(TARGET_COMMUNE)], title="Văn bản chờ duyệt")

    # A bulletin through review, audio, sign-off and publication (which starts its broadcast directive); a
    # second one in review; a third still a draft.
    published = submitted()
    through_board(published)
    confirm_audio(published)
    sign(published)
    with capture(execute=True):
        publish(published)
    in_review = submitted(title="Bản tin đang duyệt")
    choose(in_review)
    draft = submitted(title="Bản tin nháp")
    flow_services_withdraw(draft)

    # A reporting period (small organisation of the current structure): one commune reported and accepted.
    reporting.small_org()
    period = reporting.open_period(_u("quanly"), capture)
    reporting.run_commune(period, reporting.COMMUNES[0], _u(reporting.COMMUNES[0]), _u(reporting.DISTRICT),
                          reporting.figures(1))
    period_assignments = list(Assignment.objects.filter(directive=period.directive).order_by("pk")[:2])

    # Citizens' feedback to the target commune: one answered, one waiting in its queue.
    from tests.feedback.helpers import send, triage_task
    from workflows import engine
    from workflows.feedback import steps as feedback_steps

    with capture(execute=True):
        answered, waiting = send(codename=TARGET_COMMUNE), send(codename=TARGET_COMMUNE)
        engine.task_run(triage_task(answered), _u(TARGET_COMMUNE), feedback_steps.triage_step, decision="answer",
                        answer="Đã xử lý.")

    audio = BulletinAudio.objects.filter(revision__bulletin=published, confirmed_at__isnull=False)
    scenario = Scenario(
        directive_ids=[directive.pk, pending.pk],
        assignment_ids=[district.pk, children[0].pk, commune.pk],
        bulletin_ids=[published.pk, in_review.pk, draft.pk],
        audio_ids=[a.pk for a in audio],
        period_ids=[period.pk],
        period_unit_ids=list(UnitReport.objects.filter(period=period).values_list("unit_id", flat=True)[:2]),
        period_assignment_ids=[a.pk for a in period_assignments],
        open_task_ids=list(Task.objects.filter(status__in=["NEW", "ASSIGNED"]).order_by("pk")
                           .values_list("pk", flat=True)[:3]),
        unit_ids=[unit(TARGET_COMMUNE).pk, unit(DISTRICT_OFFICER).pk],
        public_media=[a.file.name for a in audio if a.file],
        feedback_ids=[waiting.pk, answered.pk],
        feedback_codes=[waiting.code, answered.code],
    )
    for task in Task.objects.select_related("process").order_by("pk"):
        label = task.flow_task.reverse("index", args=[task.process_id, task.pk]).split("/")[1]
        processes = scenario.processes.setdefault(label, [])
        if task.process_id not in processes:
            processes.append(task.process_id)
        scenario.tasks.setdefault((label, task.flow_task.name), []).append((task.process_id, task.pk))
    return scenario


def flow_services_withdraw(bulletin: Bulletin) -> None:
    from workflows.bulletin import services as bulletin_services

    bulletin_services.withdraw(bulletin=Bulletin.objects.get(pk=bulletin.pk), user=_u("phongtt"))


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, tmp_path_factory):
    from huey.contrib.djhuey import HUEY

    media = tmp_path_factory.mktemp("sweep-media")
    overrides = override_settings(MEDIA_ROOT=str(media), ZALO_SENDER="", ZALO_OA_ACCESS_TOKEN="",
                                  ZALO_OUTBOX_DIR=str(media / "zalo"))
    previous, HUEY.immediate = HUEY.immediate, True
    overrides.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield _walk()
            transaction.set_rollback(True)
    finally:
        overrides.disable()
        HUEY.immediate = previous


# ---- the URL patterns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pattern:
    route: str  # the whole route, '<conv:name>' placeholders kept
    name: str


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            text = pattern._route
        elif isinstance(pattern, RegexPattern):
            text = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
        else:  # pragma: no cover - LocalePrefixPattern is not used
            raise AssertionError(type(pattern))
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + text, f"{namespace}:{entry.namespace}" if entry.namespace
                                 else namespace)
        elif isinstance(entry, URLPattern):
            yield Pattern(prefix + text, f"{namespace}:{entry.name}".strip(":"))


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _params(route: str) -> list[str]:
    return [m.group("name") or m.group("rname") for m in PARAM.finditer(route)]


def _fill(route: str, values: dict) -> str:
    def sub(match):
        return str(values[match.group("name") or match.group("rname")])

    return "/" + PARAM.sub(sub, route)


def _admin_sample(pattern: Pattern) -> bool:
    """Admin: the index, and the changelist, add, change and history pages of every registered model."""
    if not pattern.route.startswith("admin/"):
        return True
    return pattern.name in {"admin:index", "admin:app_list", "admin:login", "admin:logout"} or bool(re.search(
        r"_(changelist|add|change|history|delete)$", pattern.name))


def _flow_of(route: str) -> tuple[str, str] | None:
    """('bulletin', 'review') for 'bulletin/<int:process_pk>/review/<int:task_pk>/…'; (flow, '') for a process."""
    match = re.match(r"(\w+)/<int:process_pk>/(?:(\w+)/<int:task_pk>/)?", route)
    return (match.group(1), match.group(2) or "") if match else None


def _real_bindings(pattern: Pattern, s: Scenario) -> list[dict]:
    """Parameter values naming real objects of the scenario (an empty list when the pattern has none to name).
    Stored files (attachments, evidence, recordings) are tests/*/test_file_access.py's: a binding that leaves one
    of the pattern's ids unnamed is dropped."""
    params = _params(pattern.route)
    return [b for b in _bindings(pattern, s) if set(params) <= set(b)]


def _bindings(pattern: Pattern, s: Scenario) -> list[dict]:
    route, params = pattern.route.replace("<id:", "<int:"), _params(pattern.route)
    if not params:
        return [{}]
    flow = _flow_of(route)
    if flow:
        label, node = flow
        if node:
            return [{"process_pk": p, "task_pk": t} for p, t in s.tasks.get((label, node), [])[:2]]
        return [{"process_pk": p} for p in s.processes.get(label, [])[:2]]
    if route.startswith(("coordination/reports/assignments/", "unitassignment/reports/assignments/")):
        return [{"pk": pk} for pk in s.period_assignment_ids]
    if route.startswith("coordination/reports/<int:pk>/units/"):
        return [{"pk": s.period_ids[0], "unit_pk": u} for u in s.period_unit_ids]
    if route.startswith(("coordination/reports/", "directive/reports/")):
        return [{"pk": pk} for pk in s.period_ids]
    if route.startswith(("coordination/directives/", "directive/directives/")):
        return [{"pk": pk} for pk in s.directive_ids]
    if route.startswith(("coordination/assignments/", "unitassignment/assignments/")):
        return [{"pk": pk} for pk in s.assignment_ids]
    if route.startswith(("bulletin/tasks/", "hop-viec/tasks/")):
        return [{"task_pk": pk} for pk in s.open_task_ids]
    if route.startswith("hop-viec/directives/"):
        return [{"pk": pk} for pk in s.directive_ids]
    if route.startswith("hop-viec/assignments/"):
        return [{"pk": pk} for pk in s.assignment_ids]
    if route.startswith(("bulletin/bulletins/", "editorial/<int:pk>/", "editorial/published/")):
        bindings = [{"pk": pk} for pk in s.bulletin_ids]
        if "number" in params:
            bindings = [{**b, "number": 1} for b in bindings]
        if "attachment_pk" in params:
            bindings = []  # the scenario's bulletins have no attachments (file kinds are another test's)
        return bindings
    if route.startswith("dashboard/calendar/bulletin/"):  # a bulletin's air times across units
        return [{"pk": pk} for pk in s.bulletin_ids]
    if route.startswith("editorial/audio/"):
        return [{"audio_pk": pk} for pk in s.audio_ids]
    if route.startswith("phan-anh/theo-doi/"):
        return [{"code": code} for code in s.feedback_codes]
    if route.startswith("phan-anh/"):
        return [{"codename": TARGET_COMMUNE}]
    if route.startswith("feedback/items/"):
        return [{"pk": pk} for pk in s.feedback_ids]
    if route.startswith("org/unit/"):
        return [{"pk": pk} for pk in s.unit_ids]
    if route.startswith("media/"):
        return [{"path": p} for p in s.public_media]
    if route.startswith("accounts/reset/"):
        return [{"uidb64": "MQ", "token": "set-password"}]
    if route.startswith("tin/"):
        from outreach.models import Delivery  # noqa: PLC0415

        return [{"token": t} for t in Delivery.objects.values_list("token", flat=True)[:2]]
    if route.startswith(("api/v1/", "eboard/")):  # machines' endpoints: a session gets 401/403 (tokens only)
        ids = {"bulletin_id": s.bulletin_ids, "directive_id": s.directive_ids, "period_id": s.period_ids,
               "unit_code": list(Unit.objects.filter(pk__in=s.unit_ids).values_list("code", flat=True))}
        [param] = params
        return [{param: value} for value in ids[param][:2]]
    if route.startswith("admin/"):
        return _admin_bindings(pattern, params, s)
    raise AssertionError(f"no scenario ids for {route}: add them to the sweep")


def _admin_bindings(pattern: Pattern, params: list[str], s: Scenario) -> list[dict]:
    if params == ["app_label"]:
        return [{"app_label": "coordination"}]
    if "object_id" in params:
        model = next((m for m, a in admin_site._registry.items()
                      if pattern.name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")), None)
        obj = model._default_manager.order_by("pk").first() if model else None
        return [{"object_id": obj.pk}] if obj else []
    return []  # content type shortcuts etc.: covered by the bad-id bindings


def _bad_bindings(pattern: Pattern, real: list[dict]) -> list[dict]:
    """Each parameter in turn replaced by every bad id, the others kept real (or 1 when nothing is real)."""
    params = _params(pattern.route)
    base = real[0] if real else {p: 1 for p in params}
    return [{**base, p: bad} for p in params for bad in BAD_IDS]


# ---- requests ------------------------------------------------------------------------------------------

class _Fields(HTMLParser):
    """The (name, value) pairs a page's forms would send: inputs, the options of selects, textareas."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "textarea", "button") and attrs.get("name"):
            self.pairs.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select:
            self.pairs.append((self._select, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _fields(response) -> list[tuple[str, str]]:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    parser = _Fields()
    parser.feed(response.content.decode("utf-8", "replace"))
    return [(n, v) for n, v in parser.pairs if n != "csrfmiddlewaretoken"]


# Query parameters some page reads besides its forms' fields (pagination, polling, feeds, filters).
QUERY_NAMES = ("page", "limit", "last_id", "id", "ids", "unit", "year", "number", "status", "period")
ID_NAMES = ("ids", "id", "pk", "tasks", "task", "units", "unit", "reviewers", "next")


def _junk_posts(fields: list[tuple[str, str]]) -> list[dict]:
    """Every field a huge number; and the page's own values with each number (an id) made huge, the rest
    (actions, choices) kept so that the view gets past them to the ids."""
    names = sorted({n for n, _ in fields})
    everything_huge = {"junk": "x", "ids": [HUGE_TEXT, "-1", "abc"], **{n: [HUGE_TEXT, "-1"] for n in names}}
    if not fields:
        return [everything_huge]
    own: dict[str, list[str]] = {name: [HUGE_TEXT] for name in ID_NAMES}
    for name, value in fields:
        own.setdefault(name, []).append(HUGE_TEXT if value.strip().isdigit() else value)
    return [everything_huge, own]


def _request(client: Client, method: str, url: str, data=None):
    """One request whose writes are undone, and whose cookie changes too (a junk POST may log out)."""
    cookies = client.cookies
    client.cookies = SimpleCookie(cookies.output(header="", sep="\n")) if cookies else SimpleCookie()
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


@dataclass
class Findings:
    server_errors: list = field(default_factory=list)
    wrongly_allowed: list = field(default_factory=list)

    def check(self, visitor, method, url, response, pattern: Pattern, object_page: bool):
        status = response.status_code
        if status == 503 and pattern.route == "readyz":
            return  # "a dependency is down" is /readyz's answer (no consumer runs in this test), not an error
        if status >= 500:
            exc = getattr(response, "exc_info", None)
            self.server_errors.append((visitor, method, url, status, repr(exc[1]) if exc else ""))
            return
        if status != 200:
            return
        route = pattern.route
        if visitor is None and not route.startswith(PUBLIC) and not (route.startswith("media/") and object_page):
            self.wrongly_allowed.append((visitor, method, url))
        if (visitor == UNRELATED_COMMUNE and object_page and not route.startswith(SHARED_OBJECT_PAGES)
                and (pattern.name, method) not in KNOWN_OPEN):
            self.wrongly_allowed.append((visitor, method, url, pattern.name))


def _client(visitor: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if visitor:
        client.force_login(User.objects.get(username=visitor))
    return client


def _bad_id_sample(pattern: Pattern, seen: set) -> bool:
    """Bad ids in a flow node's pages: one node per flow and page kind. viewflow's task wrapper looks the task
    up before any node code runs, so the other nodes' pages answer the same 404."""
    match = re.match(r"(\w+)/<int:process_pk>/\w+/<int:task_pk>/(.*)$", pattern.route)
    if not match:
        return True
    key = match.groups()
    if key in seen:
        return False
    seen.add(key)
    return True


def _sweep(visitor: str | None, s: Scenario, *, full: bool) -> Findings:
    """full: also the bad-id variants of every pattern and a junk POST to each (the cost is in those)."""
    client, findings, seen = _client(visitor), Findings(), set()
    for pattern in _patterns():
        if not _admin_sample(pattern) or (pattern.route.startswith("admin/") and visitor not in (None, "admin")):
            continue
        real = _real_bindings(pattern, s)
        for values in real:
            url = _fill(pattern.route, values)
            object_page = bool(values)
            response = _request(client, "GET", url)
            findings.check(visitor, "GET", url, response, pattern, object_page)
            fields = _fields(response)
            query = {n: HUGE_TEXT for n in {n for n, _ in fields} | set(QUERY_NAMES)}
            findings.check(visitor, "GET?", url, _request(client, "GET", url, query), pattern, object_page)
            for junk in _junk_posts(fields):
                findings.check(visitor, "POST", url, _request(client, "POST", url, junk), pattern, object_page)
        if not full or not _bad_id_sample(pattern, seen):
            continue
        for values in _bad_bindings(pattern, real):
            url = _fill(pattern.route, values)
            try:
                resolve(url)
            except Resolver404:
                continue  # the converter refuses it: no view runs
            findings.check(visitor, "GET", url, _request(client, "GET", url), pattern, False)
            findings.check(visitor, "POST", url, _request(client, "POST", url, _junk_posts([])[0]), pattern, False)
    return findings


def assert_clean(visitor: str | None, s: Scenario) -> None:
    findings = _sweep(visitor, s, full=True)
    assert not findings.server_errors, "\n".join(map(str, findings.server_errors))
    assert not findings.wrongly_allowed, "\n".join(map(str, findings.wrongly_allowed))


@pytest.mark.parametrize("visitor", [v for v in VISITORS if v not in SECOND_FILE_VISITORS],
                         ids=lambda v: v or "anonymous")
def test_no_server_error_and_nothing_wrongly_allowed(scenario, visitor):
    assert_clean(visitor, scenario)


def test_every_visitor_is_swept_in_one_of_the_two_files():
    assert set(SECOND_FILE_VISITORS) < set(VISITORS)


def test_the_sweep_covers_every_pattern_with_real_ids(scenario):
    """Each pattern with parameters gets real ids from the scenario, so the sweep does not silently shrink to
    404s when a page is added; flow nodes the scenario does not reach are named here."""
    missing, unreached = [], set()
    for pattern in _patterns():
        if (pattern.route.startswith("admin/") or not _params(pattern.route)
                or set(_params(pattern.route)) & STORED_FILE_IDS or pattern.name == "editorial:published_audio"):
            continue
        if not _real_bindings(pattern, scenario):
            flow = _flow_of(pattern.route)
            if flow and flow[1]:
                unreached.add(flow)
            else:
                missing.append(pattern.route)
    assert missing == []
    assert unreached <= UNREACHED_NODES


# The emergency path, rejections, revisions, reopening and the directive's end are other tests' walks.
UNREACHED_NODES = {
    ("bulletin", "approve_emergency"), ("bulletin", "rejected"), ("bulletin", "end_rejected"),
    ("bulletin", "changes_requested"), ("bulletin", "next_round"), ("bulletin", "revise"),
    ("bulletin", "wait_publication"),
    ("bulletin", "check_scheduled"), ("directive", "revise"), ("directive", "close"), ("directive", "end"),
    ("unitassignment", "reopen"),
    ("unitassignment", "end"),
}
